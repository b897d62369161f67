"""Events between services: the outbox, the relay and the inbox over real gRPC servers.

The sender's outbox and each receiver have their own database (database per service),
on SQLite and on PostgreSQL. CaseAccepted goes to approval and supervision,
CaseSupplementRequested to supervision only (each declares its receivers in the protos).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from opentelemetry.sdk.trace import TracerProvider
from sqlmodel import select
from tongban.events.v1 import event_pb2, intake_pb2, intake_pb2_grpc

from services.common.db import Database
from services.common.delivery import event_delivery
from services.common.identity import Caller
from services.common.outbox import OutboxEvent, events_for
from services.common.relay import Relay
from services.common.server import create_server
from services.common.settings import Settings
from tests.contract.delivery_support import (
    Receiver,
    databases,
    outbox_database,
    receiver,
    undelivered,
    write_events,
)
from tests.support import INTERNAL_KEY, as_role, clerk, identity_metadata, status_of, wait_until

KINDS = ["sqlite", "postgresql"]


def fast_relay(db: Database, destinations: dict[str, str], *, batch_size: int = 4) -> Relay:
    return Relay(
        db,
        destinations,
        internal_key=INTERNAL_KEY,
        source="acceptance",
        batch_size=batch_size,
        poll_interval=0.05,
        min_backoff=0.05,
        max_backoff=0.2,
        deadline=5.0,
    )


class Stage:
    """A sender's outbox and two receivers, approval and supervision."""

    def __init__(self, outbox: Database, approval: Receiver, supervision: Receiver) -> None:
        self.outbox = outbox
        self.approval = approval
        self.supervision = supervision

    def relay(self, *, batch_size: int = 4) -> Relay:
        return fast_relay(
            self.outbox,
            {"approval": self.approval.address, "supervision": self.supervision.address},
            batch_size=batch_size,
        )


@pytest.fixture(params=KINDS)
def stage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stage]:
    with (
        databases(request.param, tmp_path, "acceptance", "approval", "supervision") as urls,
        receiver(urls["approval"]) as approval,
        receiver(urls["supervision"]) as supervision,
    ):
        outbox = outbox_database(urls["acceptance"])
        try:
            yield Stage(outbox, approval, supervision)
        finally:
            outbox.dispose()


def test_events_are_delivered_once_and_in_order_per_aggregate(stage: Stage) -> None:
    written: dict[str, list[str]] = {"C1": [], "C2": [], "C3": []}
    # Interleaved, so batches (of 4) mix aggregates and cut through each one's events.
    for seq in range(5):
        for case in written:
            written[case] += write_events(stage.outbox, case, range(seq, seq + 1))
    supervision_only = write_events(stage.outbox, "C1", range(5, 7), supervision_only=True)
    total = 15
    relay = stage.relay()
    relay.start()
    try:
        wait_until(lambda: len(stage.approval.applied()) == total, what="approval to apply 15 events")
        wait_until(lambda: len(stage.supervision.applied()) == total + 2, what="supervision to apply 17")
    finally:
        relay.stop(timeout=5)

    assert stage.approval.seqs_by_aggregate() == {case: [0, 1, 2, 3, 4] for case in written}
    assert stage.supervision.seqs_by_aggregate() == {
        "C1": [0, 1, 2, 3, 4, 5, 6],
        "C2": [0, 1, 2, 3, 4],
        "C3": [0, 1, 2, 3, 4],
    }
    every_id = [event_id for ids in written.values() for event_id in ids]
    assert set(stage.approval.arrivals) == set(every_id)
    assert set(stage.supervision.arrivals) == {*every_id, *supervision_only}
    assert set(stage.approval.arrivals.values()) == {1}
    assert set(stage.supervision.arrivals.values()) == {1}
    assert set(stage.supervision.inbox().values()) == {"applied"}
    assert undelivered(stage.outbox, "approval") == undelivered(stage.outbox, "supervision") == 0
    # One outbox row per destination, but each event is one event.
    with stage.outbox.reading() as session:
        rows = session.exec(select(OutboxEvent).where(OutboxEvent.aggregate_id == "C1")).all()
        assert len(rows) == 5 * 2 + 2
        assert [e.event_id for e in events_for(session, "C1")] == [*written["C1"], *supervision_only]


def _deliver(address: str, events: list[event_pb2.Event]) -> intake_pb2.DeliverEventsResponse:
    service = Caller(user_id="service:acceptance", site_code="", roles=frozenset({"service"}))
    with grpc.insecure_channel(address) as channel:
        stub = intake_pb2_grpc.EventIntakeServiceStub(channel)
        response: intake_pb2.DeliverEventsResponse = stub.DeliverEvents(
            intake_pb2.DeliverEventsRequest(events=events), timeout=10, metadata=identity_metadata(service)
        )
        return response


def test_a_redelivered_batch_has_no_second_effect(stage: Stage) -> None:
    write_events(stage.outbox, "C1", range(3))
    relay = stage.relay()
    relay.start()
    try:
        wait_until(lambda: len(stage.approval.applied()) == 3, what="the first delivery")
    finally:
        relay.stop(timeout=5)
    with stage.outbox.reading() as session:
        events = events_for(session, "C1")

    again = _deliver(stage.approval.address, events)

    assert (again.applied_count, again.duplicate_count, again.rejected_count) == (0, 3, 0)
    assert [row.seq for row in stage.approval.applied()] == [0, 1, 2]
    assert set(stage.approval.arrivals.values()) == {2}


def test_a_poison_event_is_rejected_and_the_events_behind_it_flow(stage: Stage) -> None:
    first = write_events(stage.outbox, "C1", range(1))
    poison = write_events(stage.outbox, "C1", range(1, 2), poison=True)
    rest = write_events(stage.outbox, "C1", range(2, 4))
    relay = stage.relay()
    relay.start()
    try:
        wait_until(lambda: len(stage.approval.applied()) == 3, what="the events around the poison one")
        wait_until(lambda: undelivered(stage.outbox, "approval") == 0, what="every row acknowledged")
    finally:
        relay.stop(timeout=5)

    assert [row.seq for row in stage.approval.applied()] == [0, 2, 3]
    inbox = stage.approval.inbox()
    assert inbox[poison[0]].startswith("rejected: ")
    assert "refused by the test handler" in inbox[poison[0]]
    assert {inbox[event_id] for event_id in [*first, *rest]} == {"applied"}
    # Sending it again is a duplicate, not a second rejection.
    with stage.outbox.reading() as session:
        poisoned = [e for e in events_for(session, "C1") if e.event_id == poison[0]]
    again = _deliver(stage.approval.address, poisoned)
    assert (again.applied_count, again.duplicate_count, again.rejected_count) == (0, 1, 0)


def test_a_receiver_that_is_down_gets_everything_once_after_it_recovers(
    stage: Stage, caplog: pytest.LogCaptureFixture
) -> None:
    stage.approval.down = True
    write_events(stage.outbox, "C1", range(6), marker="do-not-log-me")
    write_events(stage.outbox, "C2", range(3))
    caplog.set_level(logging.WARNING, logger="services.common.relay")
    relay = stage.relay()
    relay.start()
    try:
        # Supervision is not held up by approval being down ...
        wait_until(lambda: len(stage.supervision.applied()) == 9, what="supervision to get all 9")
        # ... while approval keeps being retried.
        wait_until(lambda: stage.approval.refused_calls >= 3, what="three refused deliveries")
        assert stage.approval.applied() == []
        assert undelivered(stage.outbox, "approval") == 9

        with stage.approval.lock:
            stage.approval.down = False
        wait_until(lambda: undelivered(stage.outbox, "approval") == 0, what="approval to catch up")
    finally:
        relay.stop(timeout=5)

    assert stage.approval.seqs_by_aggregate() == {"C1": [0, 1, 2, 3, 4, 5], "C2": [0, 1, 2]}
    assert len(stage.approval.arrivals) == 9
    assert set(stage.approval.arrivals.values()) == {1}
    failures = [r.getMessage() for r in caplog.records if r.name == "services.common.relay"]
    assert failures
    assert all("acceptance -> approval" in m and "(UNAVAILABLE)" in m for m in failures)
    assert not any("do-not-log-me" in r.getMessage() for r in caplog.records)


def test_a_restarted_receiver_on_the_same_port_is_found_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="services.common.relay")
    with (
        databases("sqlite", tmp_path, "acceptance", "supervision") as urls,
        receiver(urls["supervision"]) as supervision,
    ):
        outbox = outbox_database(urls["acceptance"])
        assert supervision.running is not None
        port = supervision.running.port
        supervision.stop()
        write_events(outbox, "C1", range(4), supervision_only=True)
        relay = fast_relay(outbox, {"supervision": f"127.0.0.1:{port}"})
        relay.start()
        try:
            wait_until(lambda: caplog.records, what="a failed delivery to the stopped receiver")
            assert undelivered(outbox, "supervision") == 4
            supervision.serve(port)
            wait_until(lambda: undelivered(outbox, "supervision") == 0, what="delivery after the restart")
        finally:
            relay.stop(timeout=5)
            outbox.dispose()
        assert [row.seq for row in supervision.applied()] == [0, 1, 2, 3]
        assert set(supervision.arrivals.values()) == {1}


def test_two_relay_workers_on_one_postgresql_outbox_never_send_an_event_twice(tmp_path: Path) -> None:
    # Few cases, many events each: the workers' batches keep cutting through the same cases,
    # so each worker often finds an earlier event of a case held by the other.
    cases = [f"C{n}" for n in range(5)]
    with (
        databases("postgresql", tmp_path, "acceptance", "approval", "supervision") as urls,
        receiver(urls["approval"]) as approval,
        receiver(urls["supervision"]) as supervision,
    ):
        outbox = outbox_database(urls["acceptance"])
        stage = Stage(outbox, approval, supervision)
        # 5 cases x 60 events, interleaved: half waiting when the workers start, half written
        # while they run.
        for seq in range(30):
            for case in cases:
                write_events(outbox, case, range(seq, seq + 1))
        workers = [stage.relay(batch_size=7), stage.relay(batch_size=7)]
        for worker in workers:
            worker.start()
        try:
            for seq in range(30, 60):
                for case in cases:
                    write_events(outbox, case, range(seq, seq + 1))
            wait_until(
                lambda: undelivered(outbox, "approval") == undelivered(outbox, "supervision") == 0,
                what="both receivers to get all 300",
            )
        finally:
            for worker in workers:
                worker.stop(timeout=5)
            outbox.dispose()

        for target in (approval, supervision):
            assert len(target.arrivals) == 300
            assert set(target.arrivals.values()) == {1}, "an event reached the receiver twice"
            assert target.seqs_by_aggregate() == {case: list(range(60)) for case in cases}


def test_only_services_may_deliver_events(stage: Stage) -> None:
    event = event_pb2.Event(event_id="e-1", event_type="x.Noted", source="acceptance", aggregate_id="C1")
    request = intake_pb2.DeliverEventsRequest(events=[event])
    with grpc.insecure_channel(stage.supervision.address) as channel:
        stub = intake_pb2_grpc.EventIntakeServiceStub(channel)
        with pytest.raises(grpc.RpcError) as anonymous:
            stub.DeliverEvents(request, timeout=10)
        assert status_of(anonymous.value) == grpc.StatusCode.UNAUTHENTICATED
        for person in (clerk(), as_role("inspector"), as_role("centre_admin")):
            with pytest.raises(grpc.RpcError) as refused:
                stub.DeliverEvents(request, timeout=10, metadata=identity_metadata(person))
            assert status_of(refused.value) == grpc.StatusCode.PERMISSION_DENIED
    assert stage.supervision.arrivals == {}
    assert stage.supervision.inbox() == {}


def test_a_service_runs_its_relay_as_a_worker_of_its_server(stage: Stage, tmp_path: Path) -> None:
    settings = Settings(
        port=0,
        internal_key=INTERNAL_KEY.decode(),
        var_dir=tmp_path,
        approval_addr=stage.approval.address,
        supervision_addr=stage.supervision.address,
        # Longer than any wait below: only the wake-up after the commit can deliver in time.
        relay_poll_seconds=600,
    )
    wiring = event_delivery(settings, stage.outbox, name="acceptance", handle=lambda s, e: None)
    # A lane per service that receives events, never one to itself.
    assert sorted(wiring.relay.destinations) == ["approval", "staff", "supervision"]
    running = create_server(
        registrations=[wiring.registration],
        service_names=[wiring.service_name],
        address="127.0.0.1:0",
        tracer_provider=TracerProvider(),
        workers=[wiring.relay],
    )
    running.start()
    try:
        write_events(stage.outbox, "C1", range(2))
        wait_until(
            lambda: len(stage.approval.applied()) == 2, what="the relay to deliver right after the commit"
        )
    finally:
        running.stop(grace=1)
    assert len(stage.supervision.applied()) == 2
