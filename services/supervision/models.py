"""Supervision's tables. For now: every event the other services delivered, as received.
Every table model here (its own, and the shared ones it imports) is one of its tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary
from sqlmodel import Column, Field, SQLModel

# Shared table: the inbox that records each delivered event once.
from services.common.inbox import InboxEntry as InboxEntry


class ReceivedEventRow(SQLModel, table=True):
    __tablename__ = "received_events"

    # Arrival order; also the position page tokens continue after.
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=36)
    event_type: str = Field(max_length=80, index=True)
    source: str = Field(max_length=40, index=True)
    aggregate_id: str = Field(max_length=64, index=True)
    # Aware datetimes; SQLModel stores them in UTC on both databases.
    occurred_at: datetime
    received_at: datetime
    traceparent: str = Field(default="", max_length=64)
    # The serialized tongban.events.v1.Event, kept whole for the rules that will read it.
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
