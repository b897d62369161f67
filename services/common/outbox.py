"""The transactional outbox: an event is written in the same transaction as its change.

Delivery (the relay) reads undelivered rows in order; the rows are complete on their own.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from google.protobuf import struct_pb2
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import LargeBinary
from sqlmodel import Column, Field, Session, SQLModel, select
from tongban.events.v1 import event_pb2


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox"

    # Insertion order, so the relay delivers a case's events in the order they happened.
    position: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=36)
    event_type: str = Field(max_length=80, index=True)
    aggregate_id: str = Field(max_length=64, index=True)
    # A serialized tongban.events.v1.Event.
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    delivered_at: datetime | None = Field(default=None, index=True)


def record_event(
    session: Session,
    *,
    source: str,
    event_type: str,
    aggregate_id: str,
    data: dict[str, Any],
    occurred: datetime,
    traceparent: str = "",
) -> event_pb2.Event:
    """Add an event to the outbox of the session's transaction. `data` holds no personal data."""
    struct = struct_pb2.Struct()
    struct.update(data)
    stamp = Timestamp()
    stamp.FromDatetime(occurred)
    event = event_pb2.Event(
        event_id=str(uuid.uuid4()),
        event_type=event_type,
        source=source,
        aggregate_id=aggregate_id,
        occurred_time=stamp,
        traceparent=traceparent,
        data=struct,
    )
    session.add(
        OutboxEvent(
            event_id=event.event_id,
            event_type=event_type,
            aggregate_id=aggregate_id,
            payload=event.SerializeToString(),
            created_at=occurred,
        )
    )
    return event


def events_for(session: Session, aggregate_id: str) -> list[event_pb2.Event]:
    rows = session.exec(
        select(OutboxEvent).where(OutboxEvent.aggregate_id == aggregate_id).order_by(OutboxEvent.position)  # type: ignore[arg-type]
    ).all()
    return [event_pb2.Event.FromString(row.payload) for row in rows]
