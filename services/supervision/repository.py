"""Queries on supervision's tables. Reads and adds only: the use case commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from services.supervision.models import ReceivedEventRow


@dataclass(frozen=True)
class EventFilter:
    aggregate_id: str = ""
    event_type: str = ""
    source: str = ""


def received_events(
    session: Session, where: EventFilter, *, after_id: int, limit: int
) -> list[ReceivedEventRow]:
    """Events received after `after_id` that match, oldest first, at most `limit`."""
    query = select(ReceivedEventRow).where(col(ReceivedEventRow.id) > after_id)
    if where.aggregate_id:
        query = query.where(ReceivedEventRow.aggregate_id == where.aggregate_id)
    if where.event_type:
        query = query.where(ReceivedEventRow.event_type == where.event_type)
    if where.source:
        query = query.where(ReceivedEventRow.source == where.source)
    return list(session.exec(query.order_by(col(ReceivedEventRow.id)).limit(limit)).all())
