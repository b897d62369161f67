"""What every approval use case writes besides its own change: the activity log and the event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session
from tongban.approval.v1 import approval_pb2

from services.approval.models import ActivityRow, ReviewRow
from services.common.case_tracing import case_traceparent
from services.common.outbox import record_event

SOURCE = "approval"


def log_activity(
    session: Session,
    review: ReviewRow,
    action: str,
    actor: str,
    at: datetime,
    *,
    step_id: int | None = 0,
    target: str = "",
    detail: str = "",
) -> None:
    session.add(
        ActivityRow(
            case_no=review.case_no,
            action=action,
            actor=actor,
            step_id=step_id or 0,
            target=target,
            detail=detail,
            at=at,
        )
    )


def announce(session: Session, review: ReviewRow, event_type: str, at: datetime, **extra: Any) -> None:
    """Write the event in the use case's transaction; it carries codes and dates, no personal data."""
    record_event(
        session,
        source=SOURCE,
        event_type=event_type,
        aggregate_id=review.case_no,
        data={
            "case_no": review.case_no,
            "matter_code": review.matter_code,
            "department_code": review.department_code,
            "site_code": review.site_code,
            "state": approval_pb2.ReviewState.Name(review.state),
            **extra,
        },
        occurred=at,
        traceparent=case_traceparent(review.trace_id, review.root_span_id),
    )
