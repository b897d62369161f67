"""The approval service on a free port, and accepted-case events as acceptance sends them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import json_format, struct_pb2
from google.protobuf.timestamp_pb2 import Timestamp
from sqlmodel import select
from tongban.acceptance.v1 import catalog_pb2
from tongban.approval.v1 import approval_pb2_grpc
from tongban.events.v1 import event_pb2

from services.acceptance.seed import CATALOG_FILE
from services.approval import app
from services.approval.lifecycle import Lifecycle
from services.common.calendar import WorkingCalendar
from services.common.clock import CHINA, FixedClock
from services.common.db import Database
from services.common.outbox import OutboxEvent
from services.common.settings import Settings
from tests.support import INTERNAL_KEY, fresh_postgres_database

START = datetime(2026, 9, 28, 9, 30, tzinfo=CHINA)
GAOGOU = "320826101"
COUNTY = "320826000"
_CATALOG = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
_MATTERS = {item["code"]: item for item in _CATALOG["matters"]}
_DEPARTMENTS = {item["code"]: item["name"] for item in _CATALOG["departments"]}


def accepted_event(
    matter_code: str, case_no: str, *, site: str = GAOGOU, accepted_on: date | None = None
) -> event_pb2.Event:
    """A `case.accepted` event with the facts acceptance sends (services/acceptance/handover.py)."""
    matter = json_format.ParseDict(_MATTERS[matter_code], catalog_pb2.Matter())
    codes = {matter.department_code} | {c for step in matter.review_steps for c in step.department_codes}
    data: dict[str, Any] = {
        "case_no": case_no,
        "matter_code": matter.code,
        "site_code": site,
        "handling_type": catalog_pb2.HandlingType.Name(matter.handling_type),
        "deciding_level": catalog_pb2.DecidingLevel.Name(matter.deciding_level),
        "service_mode": catalog_pb2.ServiceMode.Name(matter.service_mode),
        "accepted_on": (accepted_on or START.date()).isoformat(),
        "promised_limit_days": matter.promised_limit_days,
        "matter_name": matter.name,
        "department_code": matter.department_code,
        "department_names": {code: _DEPARTMENTS[code] for code in codes},
        "site_level": "SITE_LEVEL_COUNTY" if site == COUNTY else "SITE_LEVEL_TOWNSHIP",
        "special_procedures": [catalog_pb2.SpecialProcedure.Name(p) for p in matter.special_procedures],
        "review_steps": [json_format.MessageToDict(step) for step in matter.review_steps],
    }
    return event("case.accepted", case_no, data)


def event(event_type: str, case_no: str, data: dict[str, Any]) -> event_pb2.Event:
    struct = struct_pb2.Struct()
    struct.update(data)
    stamp = Timestamp()
    stamp.FromDatetime(START)
    return event_pb2.Event(
        event_id=str(uuid.uuid4()),
        event_type=event_type,
        source="acceptance",
        aggregate_id=case_no,
        occurred_time=stamp,
        traceparent=f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01",
        data=struct,
    )


@dataclass
class ApprovalUnderTest:
    clock: FixedClock
    db: Database
    channel: grpc.Channel
    lifecycle: Lifecycle

    @property
    def reviews(self) -> approval_pb2_grpc.ReviewServiceStub:
        return approval_pb2_grpc.ReviewServiceStub(self.channel)

    def deliver(self, *events: event_pb2.Event) -> None:
        """Apply events as the inbox would: each in its own transaction."""
        for item in events:
            with self.db.transaction() as session:
                self.lifecycle.handle(session, item)

    def sent_events(self, event_type: str) -> list[event_pb2.Event]:
        with self.db.reading() as session:
            rows = session.exec(select(OutboxEvent).where(OutboxEvent.event_type == event_type)).all()
            unique = {row.event_id: row.payload for row in rows}
        return [event_pb2.Event.FromString(payload) for payload in unique.values()]


@pytest.fixture(params=["sqlite", "postgresql"])
def approval(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ApprovalUnderTest]:
    with ExitStack() as stack:
        url = (
            f"sqlite:///{tmp_path / 'approval.db'}"
            if request.param == "sqlite"
            else stack.enter_context(fresh_postgres_database())
        )
        settings = Settings(port=0, database_url=url, internal_key=INTERNAL_KEY.decode(), var_dir=tmp_path)
        db = app.database(settings)
        db.create_schema()
        clock = FixedClock(START)
        running = app.build(settings, db=db, clock=clock)
        running.server.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
        try:
            yield ApprovalUnderTest(clock, db, channel, Lifecycle(clock, WorkingCalendar.load()))
        finally:
            channel.close()
            running.server.stop(0).wait()
            db.dispose()
