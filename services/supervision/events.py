"""Supervision's event log: records what the intake delivers, lists it for inspectors.

Recording runs inside the inbox's transaction (services.common.inbox), so each event is
stored once however often it is delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlmodel import Session, col, select
from tongban.events.v1 import event_pb2

from services.common.clock import Clock
from services.common.db import Database
from services.supervision.models import ReceivedEventRow
from services.supervision.paging import after_id, page_limit, token_after


@dataclass(frozen=True)
class EventFilter:
    aggregate_id: str = ""
    event_type: str = ""
    source: str = ""


@dataclass(frozen=True)
class ReceivedPage:
    rows: list[ReceivedEventRow]
    next_page_token: str


class EventLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def record(self, session: Session, event: event_pb2.Event) -> None:
        """The intake's handler: keep the event as delivered."""
        session.add(
            ReceivedEventRow(
                event_id=event.event_id,
                event_type=event.event_type,
                source=event.source,
                aggregate_id=event.aggregate_id,
                occurred_at=event.occurred_time.ToDatetime(tzinfo=UTC),
                received_at=self.clock.now(),
                traceparent=event.traceparent,
                payload=event.SerializeToString(),
            )
        )

    def page(self, where: EventFilter, *, page_size: int, page_token: str) -> ReceivedPage:
        limit = page_limit(page_size)
        query = select(ReceivedEventRow).where(col(ReceivedEventRow.id) > after_id(page_token))
        if where.aggregate_id:
            query = query.where(ReceivedEventRow.aggregate_id == where.aggregate_id)
        if where.event_type:
            query = query.where(ReceivedEventRow.event_type == where.event_type)
        if where.source:
            query = query.where(ReceivedEventRow.source == where.source)
        with self.db.reading() as session:
            # One row more than the page tells whether another page follows.
            rows = list(session.exec(query.order_by(col(ReceivedEventRow.id)).limit(limit + 1)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1].id if rows else None
        return ReceivedPage(rows, token_after(last) if more and last is not None else "")
