"""The inbox: a receiver records each event id once, so a redelivery has no second effect.

A delivered batch is applied in one transaction (one commit for the batch, not one per
event), each event together with its inbox row. An event the handler refuses (a DomainError)
is recorded as rejected, with none of its effects, so a poison event is acknowledged and never
blocks the events behind it. An event already in the inbox, or being applied by a concurrent
delivery (its inbox row's key taken), counts as a duplicate. Any other error fails the whole
batch: nothing of it is committed and the sender's relay delivers it again.

The batch is first applied at once, with no savepoint and one flush at commit: the usual case,
where every event applies. Only when that attempt meets a refusal or a taken key does it roll
back whole, and the batch is applied again one event at a time, each under a savepoint. The
savepoints and their flushes were a quarter of supervision's CPU (bench/README.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from opentelemetry import trace
from sqlalchemy import Text, bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Column, Field, Session, SQLModel, col, select
from tongban.events.v1 import event_pb2

from services.common import delivery_tracing
from services.common.db import Database
from services.common.errors import DomainError
from services.common.rows import append_row, append_rows

log = logging.getLogger(__name__)

APPLIED = "applied"
REJECTED_PREFIX = "rejected: "
# What became of one delivered event (the inbox stores APPLIED or REJECTED_PREFIX + message).
_Outcome = Literal["applied", "duplicate", "rejected"]
_APPLIED: _Outcome = "applied"
_DUPLICATE: _Outcome = "duplicate"
_REJECTED: _Outcome = "rejected"

# Applies one event inside the given transaction; raises DomainError to refuse it.
EventHandler = Callable[[Session, event_pb2.Event], None]
# Optional: reads ahead, in one go, what the handler will need for these events (e.g. locks their
# rows), before the batch is applied at once. Not called when the batch is applied one by one.
BatchPreparer = Callable[[Session, Sequence[event_pb2.Event]], None]


class InboxEntry(SQLModel, table=True):
    __tablename__ = "inbox"

    event_id: str = Field(primary_key=True, max_length=36)
    event_type: str = Field(max_length=80)
    source: str = Field(max_length=40)
    aggregate_id: str = Field(max_length=64)
    received_at: datetime
    # "applied", or "rejected: <the DomainError's message>" (messages carry no personal data).
    outcome: str = Field(sa_column=Column(Text, nullable=False))


@dataclass(frozen=True)
class ReceiveCounts:
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0


class OneByOne(Exception):
    """The batch cannot be applied at once (an event refused, or its key taken): roll it back and
    apply it again event by event."""


def receive(
    database: Database,
    events: Iterable[event_pb2.Event],
    handle: EventHandler,
    now: Callable[[], datetime],
    *,
    prepare: BatchPreparer | None = None,
) -> ReceiveCounts:
    """Apply `events` in order, each at most once; returns what happened to them."""
    batch = list(events)
    try:
        return _apply(database, batch, handle, now, prepare, at_once=True)
    except (OneByOne, IntegrityError):
        return _apply(database, batch, handle, now, None, at_once=False)


def _apply(
    database: Database,
    batch: list[event_pb2.Event],
    handle: EventHandler,
    now: Callable[[], datetime],
    prepare: BatchPreparer | None,
    *,
    at_once: bool,
) -> ReceiveCounts:
    outcomes: list[_Outcome] = []
    with database.transaction() as session:
        recorded = _recorded(session, [event.event_id for event in batch])
        if at_once:
            # The new events' inbox rows in one statement, before any is handled (as one by one).
            new = list({event.event_id: event for event in batch if event.event_id not in recorded}.values())
            _enter_all(session, new, now())
            if prepare is not None and new:
                prepare(session, new)
        for event in batch:
            # The handling joins the case's trace, under the relay's span that sent the event.
            with delivery_tracing.consuming(event) as span:
                if event.event_id in recorded:
                    outcome = _DUPLICATE
                else:
                    outcome = (
                        _handled(session, event, handle)
                        if at_once
                        else _receive_one(session, event, handle, now)
                    )
                span.set_attribute("tongban.event.outcome", outcome)
            recorded.add(event.event_id)
            outcomes.append(outcome)
    return ReceiveCounts(
        applied=outcomes.count(_APPLIED),
        duplicates=outcomes.count(_DUPLICATE),
        rejected=outcomes.count(_REJECTED),
    )


def _recorded(session: Session, event_ids: list[str]) -> set[str]:
    if not event_ids:
        return set()
    return set(session.exec(_RECORDED, params={"event_ids": event_ids}).all())


# Every delivery asks it: built once, the ids a bound parameter (bench/README.md, "Statements built once").
_RECORDED = select(InboxEntry.event_id).where(
    col(InboxEntry.event_id).in_(bindparam("event_ids", expanding=True))
)


def _handled(session: Session, event: event_pb2.Event, handle: EventHandler) -> _Outcome:
    try:
        handle(session, event)
    except DomainError:
        raise OneByOne(event.event_id) from None
    return _APPLIED


def _receive_one(
    session: Session, event: event_pb2.Event, handle: EventHandler, now: Callable[[], datetime]
) -> _Outcome:
    savepoint = session.begin_nested()
    try:
        # The inbox row goes in first: on PostgreSQL a concurrent delivery of the same event
        # then waits on its key, and finds it taken, instead of running the handler twice.
        _enter(session, event, APPLIED, now())
    except IntegrityError:
        savepoint.rollback()
        return _DUPLICATE
    try:
        handle(session, event)
        session.flush()
    except DomainError as error:
        savepoint.rollback()
        return _record_rejection(session, event, error, now)
    savepoint.commit()
    return _APPLIED


def _record_rejection(
    session: Session, event: event_pb2.Event, error: DomainError, now: Callable[[], datetime]
) -> _Outcome:
    # Event id and type only: the data could one day hold something a log must not.
    log.warning(
        "event %s (%s) from %s rejected: %s", event.event_id, event.event_type, event.source, error.code.name
    )
    delivery_tracing.rejected(trace.get_current_span(), error.code.name)
    _enter(session, event, REJECTED_PREFIX + error.message, now())
    return _REJECTED


def _enter(session: Session, event: event_pb2.Event, outcome: str, received_at: datetime) -> None:
    append_row(session, InboxEntry, **event_columns(event), received_at=received_at, outcome=outcome)


def _enter_all(session: Session, events: list[event_pb2.Event], received_at: datetime) -> None:
    rows = [{**event_columns(event), "received_at": received_at, "outcome": APPLIED} for event in events]
    append_rows(session, InboxEntry, rows)


def event_columns(event: event_pb2.Event) -> dict[str, str]:
    """The columns a table of received events keys each one by: its id, type, source and aggregate."""
    return {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "source": event.source,
        "aggregate_id": event.aggregate_id,
    }
