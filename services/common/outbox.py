"""The transactional outbox: an event is written in the same transaction as its change.

An event is written once per destination (services.common.routing), so each receiver's
delivery is tracked on its own row: a receiver that is down holds up no other. The relay
(services.common.relay) delivers undelivered rows in position order; the rows are
complete on their own.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

from google.protobuf import any_pb2
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Column, Field, Session, SQLModel, col, select
from tongban.events.v1 import event_pb2

from services.common import routing
from services.common.db import WROTE_EVENTS
from services.common.rows import append_row

_UNDELIVERED = text("delivered_at IS NULL")


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_id", "destination", name="uq_outbox_event_destination"),
        # Partial indexes over the undelivered rows only, which stay few while delivered rows
        # pile up: one for the relay's claim (oldest first per destination), one for its
        # check that no earlier event about the same aggregate is still pending.
        Index(
            "ix_outbox_pending",
            "destination",
            "position",
            postgresql_where=_UNDELIVERED,
            sqlite_where=_UNDELIVERED,
        ),
        Index(
            "ix_outbox_pending_aggregate",
            "destination",
            "aggregate_id",
            "position",
            postgresql_where=_UNDELIVERED,
            sqlite_where=_UNDELIVERED,
        ),
    )

    # Insertion order, so the relay delivers a case's events in the order they happened.
    position: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=36)
    # The service this row is delivered to, e.g. "supervision".
    destination: str = Field(max_length=40)
    # Not indexed on their own: no query reads by them alone (the relay's aggregate check has its
    # partial index), and each index is one more tree written with every event.
    event_type: str = Field(max_length=80)
    aggregate_id: str = Field(max_length=64)
    # A serialized tongban.events.v1.Event.
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    delivered_at: datetime | None = None


def record_event(
    session: Session,
    *,
    source: str,
    aggregate_id: str,
    payload: Message,
    occurred: datetime,
    traceparent: str = "",
) -> event_pb2.Event:
    """Add an event to the outbox of the session's transaction.

    `payload` is an event message (it declares the tongban.events.v1.event option); its full
    name is the event type, and its option names the receivers. It holds no personal data.
    """
    # protobuf's stubs add upb's Descriptor to the union; both are the same descriptor API.
    descriptor = cast(Descriptor, payload.DESCRIPTOR)
    # A service never delivers to itself (supervision receives every event, its own included).
    destinations = [area for area in routing.destinations(descriptor) if area != source]
    packed = any_pb2.Any()
    packed.Pack(payload)
    stamp = Timestamp()
    stamp.FromDatetime(occurred)
    event = event_pb2.Event(
        event_id=str(uuid.uuid4()),
        event_type=payload.DESCRIPTOR.full_name,
        source=source,
        aggregate_id=aggregate_id,
        occurred_time=stamp,
        traceparent=traceparent,
        payload=packed,
    )
    serialized = event.SerializeToString()
    session.info[WROTE_EVENTS] = True
    for destination in destinations:
        append_row(
            session,
            OutboxEvent,
            event_id=event.event_id,
            destination=destination,
            event_type=event.event_type,
            aggregate_id=aggregate_id,
            payload=serialized,
            created_at=occurred,
        )
    return event


def events_for(session: Session, aggregate_id: str) -> list[event_pb2.Event]:
    """The aggregate's events in the order they were written, each once (whatever its destinations)."""
    rows = session.exec(
        select(OutboxEvent.event_id, OutboxEvent.payload)
        .where(OutboxEvent.aggregate_id == aggregate_id)
        .order_by(col(OutboxEvent.position))
    ).all()
    payloads: dict[str, bytes] = {}
    for event_id, payload in rows:
        payloads.setdefault(event_id, payload)
    return [event_pb2.Event.FromString(payload) for payload in payloads.values()]
