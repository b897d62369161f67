"""A supervision server on a free port for the rules' tests: events delivered through its intake
as a relay would, the sweep run by the test on days it chooses, alerts read through the API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import grpc
from google.protobuf.message import Message
from tongban.acceptance.v1 import catalog_pb2
from tongban.acceptance.v1 import events_pb2 as A
from tongban.events.v1 import intake_pb2, intake_pb2_grpc
from tongban.supervision.v1 import supervision_pb2 as S
from tongban.supervision.v1 import supervision_pb2_grpc

from services.common import migrations
from services.common.clock import CHINA, FixedClock
from services.common.db import Database
from services.common.identity import Caller
from services.common.settings import Settings
from services.supervision import app
from services.supervision.sweep import Sweeper
from tests.support import BUILT_IN_RULES as BUILT_IN_RULES
from tests.support import INTERNAL_KEY, as_role, envelope, identity_metadata
from tests.templates import prepared_database

INSPECTOR = as_role("inspector", user="inspector-county")
RELAY = Caller("service:acceptance", "", frozenset({"service"}))
SITE, WINDOW, DEPARTMENT = "320826101", "320826101-W01", "NJ"


def case_ref(case_no: str) -> A.CaseRef:
    return A.CaseRef(
        case_no=case_no,
        matter_code="320826-NJ-XK-001",
        department_code=DEPARTMENT,
        site_code=SITE,
        window_code=WINDOW,
    )


def accepted(case_no: str, on: date, limit_days: int) -> A.CaseAccepted:
    return A.CaseAccepted(
        case=case_ref(case_no),
        handling_type=catalog_pb2.HANDLING_TYPE_PROMISED,
        accepted_on=on.isoformat(),
        promised_limit_days=limit_days,
    )


@dataclass
class Watching:
    db: Database
    clock: FixedClock
    channel: grpc.Channel
    sweeper: Sweeper

    @property
    def stub(self) -> supervision_pb2_grpc.SupervisionServiceStub:
        return supervision_pb2_grpc.SupervisionServiceStub(self.channel)

    def on(self, day: date) -> None:
        self.clock.moment = datetime.combine(day, time(9, 0), tzinfo=CHINA)

    def deliver(self, payload: Message, *, aggregate_id: str = "case") -> intake_pb2.DeliverEventsResponse:
        stub = intake_pb2_grpc.EventIntakeServiceStub(self.channel)
        event = envelope(payload, source="acceptance", aggregate_id=aggregate_id, at=self.clock.now())
        response: intake_pb2.DeliverEventsResponse = stub.DeliverEvents(
            intake_pb2.DeliverEventsRequest(events=[event]), timeout=10, metadata=identity_metadata(RELAY)
        )
        return response

    def sweep_on(self, day: date) -> list[str]:
        """Sweep on `day`; the alerts it raised, as rule/key."""
        self.on(day)
        before = {a.alert_id for a in self.alerts()}
        self.sweeper.sweep()
        return [f"{a.rule}/{_key(a)}" for a in self.alerts() if a.alert_id not in before]

    def alerts(self, caller: Caller = INSPECTOR, **filters: object) -> list[S.Alert]:
        response: S.ListAlertsResponse = self.stub.ListAlerts(
            S.ListAlertsRequest(page_size=100, **filters),  # type: ignore[arg-type]
            timeout=10,
            metadata=identity_metadata(caller),
        )
        return list(response.alerts)


def _key(alert: S.Alert) -> str:
    return S.AlertSeverity.Name(alert.severity).removeprefix("ALERT_SEVERITY_").lower()


def _prepare_supervision(url: str) -> None:
    db = app.database(Settings(database_url=url))
    try:
        migrations.upgrade(db, "supervision")
    finally:
        db.dispose()


@contextmanager
def watching(kind: str, tmp_path: Path, *, rules_file: Path | None = None) -> Iterator[Watching]:
    with prepared_database(kind, "supervision", tmp_path, _prepare_supervision) as url:
        settings = Settings(
            port=0,
            database_url=url,
            internal_key=INTERNAL_KEY.decode(),
            var_dir=tmp_path,
            rules_file=rules_file,
            # The test sweeps; the server's own sweep waits an hour after its first pass.
            sweep_seconds=3600,
        )
        db = app.database(settings)
        clock = FixedClock(datetime(2026, 9, 28, 9, 0, tzinfo=CHINA))
        running = app.build(settings, db=db, clock=clock)
        running.start()
        [sweeper] = [w for w in running.workers if isinstance(w, Sweeper)]
        channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
        try:
            yield Watching(db, clock, channel, sweeper)
        finally:
            channel.close()
            running.stop(0)
            db.dispose()
