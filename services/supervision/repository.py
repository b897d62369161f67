"""Queries on supervision's tables. Reads and adds only: the use case commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from services.supervision.models import AlertRow, ReceivedEventRow


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


@dataclass(frozen=True)
class AlertFilter:
    site_code: str = ""
    department_code: str = ""
    window_code: str = ""
    user_id: str = ""
    rule: str = ""
    severity: int = 0
    state: int = 0
    case_no: str = ""


def alerts(session: Session, where: AlertFilter, *, before_id: int, limit: int) -> list[AlertRow]:
    """Alerts older than `before_id` (0: from the newest) that match, newest first, at most `limit`."""
    query = select(AlertRow)
    if before_id:
        query = query.where(col(AlertRow.alert_id) < before_id)
    for name in (
        "site_code",
        "department_code",
        "window_code",
        "user_id",
        "rule",
        "severity",
        "state",
        "case_no",
    ):
        wanted = getattr(where, name)
        if wanted:
            query = query.where(getattr(AlertRow, name) == wanted)
    return list(session.exec(query.order_by(col(AlertRow.alert_id).desc()).limit(limit)).all())


def alert(session: Session, alert_id: int, *, for_update: bool = False) -> AlertRow | None:
    return session.get(AlertRow, alert_id, with_for_update=for_update)
