"""Event delivery under test: outbox databases, receivers on free ports, bounded waiting.

A receiver is a real gRPC server running the intake servicer behind the services'
IdentityInterceptor. It counts every event id that reaches it before the inbox drops
duplicates, can be told to answer UNAVAILABLE, and its handler keeps what it applied in
a table of its own (refusing events whose case names the window "poison").
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar, cast

import grpc
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import Table
from sqlmodel import Field, Session, SQLModel, col, select
from tongban.acceptance.v1 import events_pb2 as acceptance_events
from tongban.events.v1 import event_pb2, intake_pb2, intake_pb2_grpc

from services.common.calls import IdentityInterceptor
from services.common.clock import CHINA, FixedClock
from services.common.consumers import payload_of
from services.common.db import Database
from services.common.delivery import INTAKE_SERVICE_NAME, EventIntakeServicer
from services.common.errors import StateProblem, wrong_state
from services.common.inbox import InboxEntry
from services.common.outbox import OutboxEvent, record_event
from services.common.server import RunningServer, create_server
from tests.support import INTERNAL_KEY, create_tables, fresh_postgres_database

NOW = datetime(2026, 9, 28, 9, 30, tzinfo=CHINA)
T = TypeVar("T")


def table(model: type[SQLModel]) -> Table:
    return SQLModel.metadata.tables[cast(str, model.__tablename__)]


class AppliedEvent(SQLModel, table=True):
    """What a test receiver's handler did, in the order it did it."""

    __tablename__ = "test_applied_events"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=36)
    aggregate_id: str = Field(max_length=64)
    seq: int


@contextmanager
def databases(kind: str, tmp: Path, *names: str) -> Iterator[dict[str, str]]:
    """One database URL per name (database per service), SQLite files or fresh PostgreSQL databases."""
    with ExitStack() as stack:
        if kind == "sqlite":
            yield {name: f"sqlite:///{tmp / f'{name}.db'}" for name in names}
        else:
            yield {name: stack.enter_context(fresh_postgres_database()) for name in names}


def outbox_database(url: str) -> Database:
    db = Database(url, [table(OutboxEvent)])
    create_tables(db)
    return db


def write_events(
    db: Database,
    aggregate_id: str,
    seqs: range,
    *,
    supervision_only: bool = False,
    poison: bool = False,
    marker: str = "",
) -> list[str]:
    """One event per seq about one aggregate, each in its own transaction; their ids.

    The events go to approval and supervision (CaseAccepted, its promised limit holding the seq),
    or to supervision only (CaseSupplementRequested, its notice count holding the seq).
    """
    ids = []
    for seq in seqs:
        case = acceptance_events.CaseRef(
            case_no=aggregate_id, matter_code=marker, window_code="poison" if poison else ""
        )
        payload = (
            acceptance_events.CaseSupplementRequested(case=case, notice_count=seq)
            if supervision_only
            else acceptance_events.CaseAccepted(case=case, promised_limit_days=seq)
        )
        with db.transaction() as session:
            event = record_event(
                session, source="acceptance", aggregate_id=aggregate_id, payload=payload, occurred=NOW
            )
        ids.append(event.event_id)
    return ids


def undelivered(db: Database, destination: str) -> int:
    with db.reading() as session:
        rows = session.exec(
            select(OutboxEvent.position).where(
                OutboxEvent.destination == destination, col(OutboxEvent.delivered_at).is_(None)
            )
        ).all()
    return len(rows)


def apply_event(session: Session, event: event_pb2.Event) -> None:
    """The test receivers' handler."""
    if event.event_type == acceptance_events.CaseAccepted.DESCRIPTOR.full_name:
        accepted = payload_of(event, acceptance_events.CaseAccepted)
        case, seq = accepted.case, accepted.promised_limit_days
    else:
        noticed = payload_of(event, acceptance_events.CaseSupplementRequested)
        case, seq = noticed.case, noticed.notice_count
    if case.window_code == "poison":
        raise wrong_state(
            "测试拒收事件 / refused by the test handler",
            [StateProblem(subject=event.aggregate_id, description="poison")],
        )
    session.add(AppliedEvent(event_id=event.event_id, aggregate_id=event.aggregate_id, seq=seq))


@dataclass
class Receiver:
    db: Database
    clock: FixedClock
    arrivals: Counter[str] = field(default_factory=Counter)
    refused_calls: int = 0
    down: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    running: RunningServer | None = None

    @property
    def address(self) -> str:
        assert self.running is not None
        return f"127.0.0.1:{self.running.port}"

    def applied(self) -> list[AppliedEvent]:
        with self.db.reading() as session:
            return list(session.exec(select(AppliedEvent).order_by(col(AppliedEvent.id))).all())

    def inbox(self) -> dict[str, str]:
        with self.db.reading() as session:
            return {row.event_id: row.outcome for row in session.exec(select(InboxEntry)).all()}

    def seqs_by_aggregate(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for row in self.applied():
            found.setdefault(row.aggregate_id, []).append(row.seq)
        return found

    def serve(self, port: int = 0) -> None:
        self.running = create_server(
            registrations=[
                lambda server: intake_pb2_grpc.add_EventIntakeServiceServicer_to_server(
                    _CountingIntake(self), server
                )
            ],
            service_names=[INTAKE_SERVICE_NAME],
            address=f"127.0.0.1:{port}",
            tracer_provider=TracerProvider(),
            interceptors=[IdentityInterceptor(INTERNAL_KEY)],
        )
        self.running.start()

    def stop(self) -> None:
        if self.running is not None:
            self.running.server.stop(0).wait()


class _CountingIntake(EventIntakeServicer):
    def __init__(self, receiver: Receiver) -> None:
        super().__init__(receiver.db, apply_event, receiver.clock)
        self.receiver = receiver

    def DeliverEvents(
        self, request: intake_pb2.DeliverEventsRequest, context: grpc.ServicerContext
    ) -> intake_pb2.DeliverEventsResponse:
        with self.receiver.lock:
            if self.receiver.down:
                self.receiver.refused_calls += 1
                context.abort(grpc.StatusCode.UNAVAILABLE, "down for the test")
            self.receiver.arrivals.update(event.event_id for event in request.events)
        return super().DeliverEvents(request, context)


@contextmanager
def receiver(url: str, *, down: bool = False) -> Iterator[Receiver]:
    db = Database(url, [table(InboxEntry), table(AppliedEvent)])
    create_tables(db)
    r = Receiver(db, FixedClock(NOW), down=down)
    r.serve()
    try:
        yield r
    finally:
        r.stop()
        db.dispose()
