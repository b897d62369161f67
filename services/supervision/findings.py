"""Findings become alerts: each rule's finding stored once (by rule, key and case), on the
hash-chained record in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select
from tongban.supervision.v1 import supervision_pb2

from services.common.outbox import record_event
from services.supervision import deductions, record
from services.supervision.models import AlertRow, CaseWatchRow
from services.supervision.rule_types import Finding


def store(
    session: Session, findings: Iterable[Finding], *, at: datetime, trace_id: str = ""
) -> list[AlertRow]:
    """The alerts newly raised for `findings`; one already stored is left as it is."""
    raised: list[AlertRow] = []
    for finding in findings:
        # The record's turn first: another replica's same finding waits, then sees this one.
        record.lock(session)
        if _stored(session, finding):
            continue
        alert = AlertRow(
            rule=finding.rule,
            finding_key=finding.key,
            severity=finding.severity,
            state=supervision_pb2.ALERT_STATE_OPEN,
            summary=finding.summary,
            case_no=finding.case_no,
            site_code=finding.site_code,
            department_code=finding.department_code,
            window_code=finding.window_code,
            user_id=finding.user_id,
            finish_by=finding.finish_by,
            points=finding.points,
            trace_id=trace_id if finding.case_no else "",
            raised_at=at,
            record_seq=0,
        )
        session.add(alert)
        _mark_watch(session, finding.case_no)
        session.flush()
        alert.record_seq = record.append(session, record.ALERT_RAISED, record.alert_body(alert), at).seq
        for payload in finding.events:
            record_event(
                session, source="supervision", aggregate_id=finding.case_no, payload=payload, occurred=at
            )
        raised.append(alert)
    if raised:
        # The last alert's record_seq; with nothing raised the case's watch waits for the commit.
        session.flush()
        deductions.for_alerts(session, raised)
    return raised


def _mark_watch(session: Session, case_no: str) -> None:
    """The case's watch now has findings (services.supervision.watches reads them when it has)."""
    watch = session.get(CaseWatchRow, case_no) if case_no else None
    if watch is not None:
        watch.has_findings = True


def _stored(session: Session, finding: Finding) -> bool:
    query = select(AlertRow.alert_id).where(
        AlertRow.rule == finding.rule,
        AlertRow.finding_key == finding.key,
        AlertRow.case_no == finding.case_no,
    )
    return session.exec(query).first() is not None
