"""The inbox: a receiver records each event id once, so a redelivery has no second effect.

Each event is applied in its own transaction together with its inbox row. An event the
handler refuses (a DomainError) is recorded as rejected in a transaction of its own, so
a poison event is acknowledged and never blocks the events behind it; any other error
propagates, the call fails and the sender's relay delivers the batch again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from opentelemetry import trace
from sqlalchemy import Text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Column, Field, Session, SQLModel
from tongban.events.v1 import event_pb2

from services.common import delivery_tracing
from services.common.db import Database
from services.common.errors import DomainError

log = logging.getLogger(__name__)

APPLIED = "applied"
REJECTED_PREFIX = "rejected: "
# What became of one delivered event (the inbox stores APPLIED or REJECTED_PREFIX + message).
_Outcome = Literal["applied", "duplicate", "rejected"]
_DUPLICATE: _Outcome = "duplicate"
_REJECTED: _Outcome = "rejected"

# Applies one event inside the given transaction; raises DomainError to refuse it.
EventHandler = Callable[[Session, event_pb2.Event], None]


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


class _Refused(Exception):
    """Carries a handler's DomainError out of the transaction so it rolls back."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.message)
        self.error = error


def receive(
    database: Database,
    events: Iterable[event_pb2.Event],
    handle: EventHandler,
    now: Callable[[], datetime],
) -> ReceiveCounts:
    """Apply `events` in order, each at most once; returns what happened to them."""
    applied = duplicates = rejected = 0
    for event in events:
        outcome = _receive_one(database, event, handle, now)
        if outcome == APPLIED:
            applied += 1
        elif outcome == _DUPLICATE:
            duplicates += 1
        else:
            rejected += 1
    return ReceiveCounts(applied=applied, duplicates=duplicates, rejected=rejected)


def _receive_one(
    database: Database, event: event_pb2.Event, handle: EventHandler, now: Callable[[], datetime]
) -> _Outcome:
    # The handling joins the case's trace, under the relay's span that sent the event.
    with delivery_tracing.consuming(event) as span:
        outcome = _outcome_of(database, event, handle, now)
        span.set_attribute("tongban.event.outcome", outcome)
        return outcome


def _outcome_of(
    database: Database, event: event_pb2.Event, handle: EventHandler, now: Callable[[], datetime]
) -> _Outcome:
    try:
        return _apply(database, event, handle, now)
    except _Refused as refused:
        outcome = _record_rejection(database, event, refused.error, now)
        if outcome == _REJECTED:
            delivery_tracing.rejected(trace.get_current_span(), refused.error.code.name)
        return outcome
    except IntegrityError:
        # A concurrent delivery of the same event committed first: the inbox has it now.
        if _seen(database, event.event_id):
            return _DUPLICATE
        raise


def _apply(
    database: Database, event: event_pb2.Event, handle: EventHandler, now: Callable[[], datetime]
) -> _Outcome:
    with database.transaction() as session:
        if session.get(InboxEntry, event.event_id) is not None:
            return _DUPLICATE
        # The inbox row goes in first: on PostgreSQL a concurrent duplicate then waits on its
        # primary key instead of running the handler a second time.
        session.add(_entry(event, APPLIED, now()))
        session.flush()
        try:
            handle(session, event)
        except DomainError as error:
            raise _Refused(error) from error
    return "applied"


def _record_rejection(
    database: Database, event: event_pb2.Event, error: DomainError, now: Callable[[], datetime]
) -> _Outcome:
    # Event id and type only: the data could one day hold something a log must not.
    log.warning(
        "event %s (%s) from %s rejected: %s", event.event_id, event.event_type, event.source, error.code.name
    )
    try:
        with database.transaction() as session:
            if session.get(InboxEntry, event.event_id) is not None:
                return _DUPLICATE
            session.add(_entry(event, REJECTED_PREFIX + error.message, now()))
    except IntegrityError:
        if _seen(database, event.event_id):
            return _DUPLICATE
        raise
    return _REJECTED


def _seen(database: Database, event_id: str) -> bool:
    with database.reading() as session:
        return session.get(InboxEntry, event_id) is not None


def _entry(event: event_pb2.Event, outcome: str, received_at: datetime) -> InboxEntry:
    return InboxEntry(
        event_id=event.event_id,
        event_type=event.event_type,
        source=event.source,
        aggregate_id=event.aggregate_id,
        received_at=received_at,
        outcome=outcome,
    )
