"""Deductions from a person's assessment (考核扣分), sent to the staff service as
tongban.supervision.v1.DeductionRecorded through supervision's outbox, in the transaction that
decides them: a conduct violation's points at once, an accountability case's when it is decided
as a deduction. One event per finding: staff counts each finding id once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session
from tongban.supervision.v1 import deductions_pb2

from services.common.case_tracing import event_traceparent
from services.common.outbox import record_event
from services.supervision.models import AccountabilityCaseRow, AlertRow, CaseWatchRow
from services.supervision.views import stamp

SOURCE = "supervision"


def _send(session: Session, deduction: deductions_pb2.DeductionRecorded, at: datetime, case_no: str) -> None:
    """Into the outbox, in the trace of the case it arose from (staff's work on it shows there)."""
    watch = session.get(CaseWatchRow, case_no) if case_no else None
    traced = watch is not None and watch.trace_id and watch.root_span_id
    traceparent = event_traceparent(watch) if traced and watch is not None else ""
    record_event(
        session,
        source=SOURCE,
        aggregate_id=deduction.user_id,
        payload=deduction,
        occurred=at,
        traceparent=traceparent,
    )


def for_alerts(session: Session, alerts: Sequence[AlertRow]) -> None:
    """The deductions the rules attached to findings about a person (a conduct violation's)."""
    for alert in alerts:
        if alert.points > 0 and alert.user_id:
            deduction = deductions_pb2.DeductionRecorded(
                finding_id=f"alert-{alert.alert_id}",
                user_id=alert.user_id,
                window_code=alert.window_code,
                site_code=alert.site_code,
                points=alert.points,
                # The rule and the kind of finding (attendance:late, conduct:violation), no dates.
                reason_code=f"{alert.rule}:{alert.finding_key.split('-')[0]}"[:40],
                decided_at=stamp(alert.raised_at),
            )
            _send(session, deduction, alert.raised_at, alert.case_no)


def for_decision(session: Session, case: AccountabilityCaseRow, alerts: Sequence[AlertRow]) -> None:
    """An accountability case decided as a deduction from the person it holds to account."""
    if case.points <= 0 or not case.user_id or case.decided_at is None:
        return
    first = alerts[0] if alerts else None
    deduction = deductions_pb2.DeductionRecorded(
        finding_id=f"accountability-{case.case_id}",
        accountability_case_id=str(case.case_id),
        user_id=case.user_id,
        # The person's own window and site, which the staff service knows: the case may have
        # been received elsewhere (a county reviewer's deduction for a township's case).
        window_code="",
        site_code="",
        points=case.points,
        reason_code=first.rule if first else "accountability",
        decided_at=stamp(case.decided_at),
    )
    _send(session, deduction, case.decided_at, first.case_no if first else "")
