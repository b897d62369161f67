"""Supervision on a free port: it keeps every event a relay delivers, and inspectors list them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

import grpc
import pytest
from google.protobuf.message import Message
from tongban.acceptance.v1 import events_pb2 as E
from tongban.events.v1 import intake_pb2, intake_pb2_grpc
from tongban.supervision.v1 import supervision_pb2 as S
from tongban.supervision.v1 import supervision_pb2_grpc

from services.common import migrations
from services.common.clock import FixedClock
from services.common.db import Database
from services.common.identity import Caller
from services.common.outbox import events_for, record_event
from services.common.relay import Relay
from services.common.settings import Settings
from services.supervision import app
from tests.contract.delivery_support import NOW, databases, outbox_database, undelivered
from tests.support import INTERNAL_KEY, as_role, clerk, identity_metadata, payloads, status_of, wait_until

INSPECTOR = as_role("inspector")
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@dataclass
class Supervision:
    db: Database
    outbox: Database
    clock: FixedClock
    channel: grpc.Channel

    @property
    def stub(self) -> supervision_pb2_grpc.SupervisionServiceStub:
        return supervision_pb2_grpc.SupervisionServiceStub(self.channel)

    def list(self, caller: Caller = INSPECTOR, **fields: object) -> S.ListReceivedEventsResponse:
        response: S.ListReceivedEventsResponse = self.stub.ListReceivedEvents(
            S.ListReceivedEventsRequest(**fields),  # type: ignore[arg-type]
            timeout=10,
            metadata=identity_metadata(caller),
        )
        return response


@pytest.fixture(params=["sqlite", "postgresql"])
def supervision(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Supervision]:
    with databases(request.param, tmp_path, "supervision", "acceptance") as urls:
        settings = Settings(
            port=0, database_url=urls["supervision"], internal_key=INTERNAL_KEY.decode(), var_dir=tmp_path
        )
        db = app.database(settings)
        migrations.upgrade(db, "supervision")
        outbox = outbox_database(urls["acceptance"])
        clock = FixedClock(NOW + timedelta(minutes=5))
        running = app.build(settings, db=db, clock=clock)
        running.start()
        address = f"127.0.0.1:{running.port}"
        relay = Relay(
            outbox,
            {"supervision": address},
            internal_key=INTERNAL_KEY,
            source="acceptance",
            batch_size=3,
            poll_interval=0.05,
            min_backoff=0.05,
            max_backoff=0.2,
        )
        relay.start()
        channel = grpc.insecure_channel(address)
        try:
            yield Supervision(db, outbox, clock, channel)
        finally:
            channel.close()
            relay.stop(timeout=5)
            running.stop(0)
            db.dispose()
            outbox.dispose()


NOTICE = E.CaseSupplementRequested.DESCRIPTOR.full_name


def _emit(outbox: Database, payload: Message, aggregate_id: str) -> str:
    with outbox.transaction() as session:
        event = record_event(
            session,
            source="acceptance",
            aggregate_id=aggregate_id,
            payload=payload,
            occurred=NOW,
            traceparent=TRACEPARENT,
        )
    return event.event_id


def _notice(case_no: str, count: int = 1) -> E.CaseSupplementRequested:
    return E.CaseSupplementRequested(case=E.CaseRef(case_no=case_no), notice_count=count)


def _emit_sample(s: Supervision) -> list[str]:
    ids = [
        _emit(s.outbox, E.CaseAccepted(case=E.CaseRef(case_no="C1", matter_code="320826-GA-QT-001")), "C1"),
        _emit(s.outbox, _notice("C2", 1), "C2"),
        _emit(s.outbox, E.CaseWithdrawn(case=E.CaseRef(case_no="C1"), withdrawn_by="clerk-gaogou"), "C1"),
        _emit(s.outbox, _notice("C1", 2), "C1"),
        _emit(s.outbox, _notice("C3", 3), "C3"),
    ]
    wait_until(lambda: undelivered(s.outbox, "supervision") == 0, what="supervision to receive all five")
    return ids


def test_supervision_keeps_each_delivered_event_as_it_was_written(supervision: Supervision) -> None:
    ids = _emit_sample(supervision)

    listed = supervision.list()

    assert [item.event.event_id for item in listed.events] == ids
    first = listed.events[0]
    assert first.event.event_type == "tongban.acceptance.v1.CaseAccepted"
    assert first.event.source == "acceptance"
    assert first.event.aggregate_id == "C1"
    # Written in TRACEPARENT's trace; the relay sends it under its own span in that trace.
    assert first.event.traceparent.split("-")[1] == TRACEPARENT.split("-")[1]
    [accepted] = payloads([first.event], E.CaseAccepted)
    assert accepted.case.matter_code == "320826-GA-QT-001"
    assert first.event.occurred_time.ToDatetime(tzinfo=UTC) == NOW
    assert first.receive_time.ToDatetime(tzinfo=UTC) == supervision.clock.now()
    assert listed.next_page_token == ""


def test_filters_and_pages(supervision: Supervision) -> None:
    ids = _emit_sample(supervision)

    about_c1 = supervision.list(aggregate_id="C1")
    assert [item.event.event_id for item in about_c1.events] == [ids[0], ids[2], ids[3]]
    noted = supervision.list(event_type=NOTICE)
    assert [item.event.event_id for item in noted.events] == [ids[1], ids[3], ids[4]]
    both = supervision.list(event_type=NOTICE, aggregate_id="C1", source="acceptance")
    assert [item.event.event_id for item in both.events] == [ids[3]]
    assert supervision.list(source="approval").events == []

    seen: list[str] = []
    token = ""
    pages = 0
    while True:
        page = supervision.list(page_size=2, page_token=token)
        seen += [item.event.event_id for item in page.events]
        pages += 1
        token = page.next_page_token
        if not token:
            break
    assert seen == ids
    assert pages == 3
    # A page token keeps its place when new events arrive meanwhile.
    first = supervision.list(page_size=2)
    later = _emit(supervision.outbox, _notice("C4"), "C4")
    wait_until(lambda: undelivered(supervision.outbox, "supervision") == 0, what="one more event")
    rest = supervision.list(page_size=10, page_token=first.next_page_token)
    assert [item.event.event_id for item in rest.events] == [*ids[2:], later]


def test_bad_paging_is_refused(supervision: Supervision) -> None:
    for fields in ({"page_token": "not-a-token"}, {"page_token": "b2Zmc2V0OjM="}, {"page_size": -1}):
        with pytest.raises(grpc.RpcError) as refused:
            supervision.list(**fields)
        assert status_of(refused.value) == grpc.StatusCode.INVALID_ARGUMENT


def test_a_redelivered_event_is_kept_once(supervision: Supervision) -> None:
    _emit_sample(supervision)
    with supervision.outbox.reading() as session:
        again = events_for(session, "C1")
    service = Caller(user_id="service:acceptance", site_code="", roles=frozenset({"service"}))
    stub = intake_pb2_grpc.EventIntakeServiceStub(supervision.channel)
    response: intake_pb2.DeliverEventsResponse = stub.DeliverEvents(
        intake_pb2.DeliverEventsRequest(events=again), timeout=10, metadata=identity_metadata(service)
    )
    assert (response.applied_count, response.duplicate_count) == (0, 3)
    assert len(supervision.list().events) == 5


def test_only_inspectors_and_centre_administrators_list_events(supervision: Supervision) -> None:
    _emit_sample(supervision)
    assert len(supervision.list(as_role("centre_admin")).events) == 5
    for caller in (clerk(), as_role("reviewer"), as_role("township_officer"), as_role("service")):
        with pytest.raises(grpc.RpcError) as refused:
            supervision.list(caller)
        assert status_of(refused.value) == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as anonymous:
        supervision.stub.ListReceivedEvents(S.ListReceivedEventsRequest(), timeout=10)
    assert status_of(anonymous.value) == grpc.StatusCode.UNAUTHENTICATED


def test_migrate_creates_the_supervision_database(tmp_path: Path) -> None:
    env = {**os.environ, "TONGBAN_VAR_DIR": str(tmp_path)}
    env.pop("TONGBAN_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "services.supervision", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "supervision.db").exists()
