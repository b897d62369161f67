"""Supervision's rows as response messages."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from sqlmodel import Session, col, select
from tongban.supervision.v1 import supervision_pb2 as S

from services.supervision.models import (
    AccountabilityAlertRow,
    AccountabilityCaseRow,
    AccountabilityStepRow,
    AlertRow,
    ComplaintRow,
    ReviewRow,
)


def stamp(moment: datetime | None) -> Timestamp | None:
    """A stored moment as a Timestamp (SQLite gives it back without its zone: UTC)."""
    if moment is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return stamp


def alert_message(alert: AlertRow) -> S.Alert:
    return S.Alert(
        alert_id=alert.alert_id or 0,
        rule=alert.rule,
        severity=alert.severity,  # type: ignore[arg-type]
        state=alert.state,  # type: ignore[arg-type]
        summary=alert.summary,
        case_no=alert.case_no,
        site_code=alert.site_code,
        department_code=alert.department_code,
        window_code=alert.window_code,
        user_id=alert.user_id,
        raise_time=stamp(alert.raised_at),
        finish_by=alert.finish_by.isoformat() if alert.finish_by else "",
        points=alert.points,
        trace_id=alert.trace_id,
        record_seq=alert.record_seq,
        acknowledged_by=alert.acknowledged_by,
        acknowledge_time=stamp(alert.acknowledged_at),
    )


def accountability_message(session: Session, case: AccountabilityCaseRow) -> S.AccountabilityCase:
    alerts = session.exec(
        select(AccountabilityAlertRow.alert_id)
        .where(AccountabilityAlertRow.case_id == case.case_id)
        .order_by(col(AccountabilityAlertRow.alert_id))
    ).all()
    steps = session.exec(
        select(AccountabilityStepRow.record_seq)
        .where(AccountabilityStepRow.case_id == case.case_id)
        .order_by(col(AccountabilityStepRow.record_seq))
    ).all()
    return S.AccountabilityCase(
        case_id=case.case_id or 0,
        state=case.state,  # type: ignore[arg-type]
        department_code=case.department_code,
        site_code=case.site_code,
        user_id=case.user_id,
        reason=case.reason,
        alert_ids=list(alerts),
        opened_by=case.opened_by,
        open_time=stamp(case.opened_at),
        question=case.question,
        explanation_due=case.explanation_due.isoformat() if case.explanation_due else "",
        explanation=case.explanation,
        outcome=case.outcome,  # type: ignore[arg-type]
        points=case.points,
        decision_reasons=case.decision_reasons,
        decided_by=case.decided_by,
        decide_time=stamp(case.decided_at),
        close_time=stamp(case.closed_at),
        record_seqs=list(steps),
    )


def review_message(review: ReviewRow) -> S.Review:
    return S.Review(
        review_id=review.review_id or 0,
        case_no=review.case_no,
        rating=review.rating,  # type: ignore[arg-type]
        channel=review.channel,  # type: ignore[arg-type]
        comment=review.comment,
        site_code=review.site_code,
        department_code=review.department_code,
        window_code=review.window_code,
        review_time=stamp(review.reviewed_at),
        rectify_by=review.rectify_by.isoformat() if review.rectify_by else "",
        rectification=review.rectification,
        rectified_by=review.rectified_by,
        rectify_time=stamp(review.rectified_at),
    )


def complaint_message(complaint: ComplaintRow) -> S.Complaint:
    return S.Complaint(
        complaint_id=complaint.complaint_id or 0,
        case_no=complaint.case_no,
        state=complaint.state,  # type: ignore[arg-type]
        content=complaint.content,
        registered_by=complaint.registered_by,
        register_time=stamp(complaint.registered_at),
        answer_by=complaint.answer_by.isoformat(),
        answer=complaint.answer,
        answered_by=complaint.answered_by,
        answer_time=stamp(complaint.answered_at),
    )
