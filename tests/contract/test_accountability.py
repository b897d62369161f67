"""Accountability cases on a real server (SQLite and PostgreSQL): from a case that ran over to a
decided, closed case, every step on the record; wrong steps and bad input refused, changing
nothing; a decision altered behind the record is found."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import grpc
import pytest
from google.protobuf.message import Message
from sqlalchemy import text
from tongban.supervision.v1 import supervision_pb2 as S
from tongban.supervision.v1.deductions_pb2 import DeductionRecorded

from services.common.identity import Caller
from services.common.outbox import events_for
from tests.contract.supervision_support import INSPECTOR, Watching, accepted, watching
from tests.support import as_role, identity_metadata, payloads, status_of

CASE = "320826101-20260928-0001"
OTHER = "320826101-20260928-0002"


@pytest.fixture(params=["sqlite", "postgresql"])
def sv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Watching]:
    with watching(request.param, tmp_path) as running:
        # A case that ran over: reminder on 9 October, yellow card on 12 October.
        running.deliver(accepted(CASE, date(2026, 9, 28), 5))
        running.sweep_on(date(2026, 10, 9))
        running.sweep_on(date(2026, 10, 12))
        yield running


def _call(sv: Watching, method: str, request: Message, caller: Caller = INSPECTOR) -> S.AccountabilityCase:
    response = getattr(sv.stub, method)(request, timeout=10, metadata=identity_metadata(caller))
    case: S.AccountabilityCase = response.accountability_case
    return case


def _refused(sv: Watching, method: str, request: Message, caller: Caller = INSPECTOR) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as refused:
        getattr(sv.stub, method)(request, timeout=10, metadata=identity_metadata(caller))
    return refused.value


def _alert_ids(sv: Watching) -> list[int]:
    return sorted(a.alert_id for a in sv.alerts(case_no=CASE))


def test_a_case_that_ran_over_ends_in_a_decided_closed_accountability_case(sv: Watching) -> None:
    alerts = _alert_ids(sv)
    sv.on(date(2026, 10, 13))
    opened = _call(
        sv,
        "OpenAccountabilityCase",
        S.OpenAccountabilityCaseRequest(
            request_id="open-1", alert_ids=alerts, user_id="clerk-gaogou", reason="办件超期未办结"
        ),
    )
    assert opened.state == S.ACCOUNTABILITY_STATE_OPEN and list(opened.alert_ids) == alerts
    assert opened.department_code == "NJ" and opened.user_id == "clerk-gaogou"
    case_id = opened.case_id
    # A due date before today is refused, naming the field.
    late = _refused(
        sv,
        "RequestExplanation",
        S.RequestExplanationRequest(
            request_id="ask-0", case_id=case_id, question="超期原因", due_date="2026-10-12"
        ),
    )
    assert status_of(late) == grpc.StatusCode.INVALID_ARGUMENT
    asked = _call(
        sv,
        "RequestExplanation",
        S.RequestExplanationRequest(
            request_id="ask-1", case_id=case_id, question="超期原因", due_date="2026-10-16"
        ),
    )
    assert (
        asked.state == S.ACCOUNTABILITY_STATE_EXPLANATION_REQUESTED and asked.explanation_due == "2026-10-16"
    )
    # No decision while the explanation is awaited.
    early = _refused(
        sv,
        "DecideAccountabilityCase",
        S.DecideAccountabilityCaseRequest(
            request_id="decide-0", case_id=case_id, outcome=S.ACCOUNTABILITY_OUTCOME_CRITICISM, reasons="超期"
        ),
    )
    assert status_of(early) == grpc.StatusCode.FAILED_PRECONDITION
    explained = _call(
        sv,
        "RecordExplanation",
        S.RecordExplanationRequest(
            request_id="explain-1", case_id=case_id, explanation="国庆假期后积压，未及时办理"
        ),
    )
    assert explained.state == S.ACCOUNTABILITY_STATE_EXPLANATION_RECEIVED
    # A deduction needs its points; other outcomes take none.
    pointless = _refused(
        sv,
        "DecideAccountabilityCase",
        S.DecideAccountabilityCaseRequest(
            request_id="decide-1", case_id=case_id, outcome=S.ACCOUNTABILITY_OUTCOME_DEDUCTION, reasons="超期"
        ),
    )
    assert status_of(pointless) == grpc.StatusCode.INVALID_ARGUMENT
    decide = S.DecideAccountabilityCaseRequest(
        request_id="decide-2",
        case_id=case_id,
        outcome=S.ACCOUNTABILITY_OUTCOME_DEDUCTION,
        points=2,
        reasons="超期 2 个工作日",
    )
    decided = _call(sv, "DecideAccountabilityCase", decide)
    assert decided.state == S.ACCOUNTABILITY_STATE_DECIDED and decided.points == 2
    # The same request replays; another decision is refused.
    assert _call(sv, "DecideAccountabilityCase", decide) == decided
    again = _refused(
        sv,
        "DecideAccountabilityCase",
        S.DecideAccountabilityCaseRequest(
            request_id="decide-3", case_id=case_id, outcome=S.ACCOUNTABILITY_OUTCOME_NO_FAULT, reasons="改判"
        ),
    )
    assert status_of(again) == grpc.StatusCode.FAILED_PRECONDITION
    closed = _call(
        sv, "CloseAccountabilityCase", S.CloseAccountabilityCaseRequest(request_id="close-1", case_id=case_id)
    )
    assert closed.state == S.ACCOUNTABILITY_STATE_CLOSED and closed.HasField("close_time")
    # Every step is on the record, after the two alerts: opened, asked, explained, decided, closed.
    assert list(closed.record_seqs) == [3, 4, 5, 6, 7]
    shown = _call(sv, "GetAccountabilityCase", S.GetAccountabilityCaseRequest(case_id=case_id))
    assert shown == closed
    listed = sv.stub.ListAccountabilityCases(
        S.ListAccountabilityCasesRequest(state=S.ACCOUNTABILITY_STATE_CLOSED),
        timeout=10,
        metadata=identity_metadata(INSPECTOR),
    )
    assert [c.case_id for c in listed.accountability_cases] == [case_id]
    verified = sv.stub.VerifyRecord(
        S.VerifyRecordRequest(), timeout=10, metadata=identity_metadata(INSPECTOR)
    )
    assert verified.intact and verified.entries == 7
    # The deduction goes to the staff service's assessment, once, through supervision's outbox.
    with sv.db.reading() as session:
        [sent] = payloads(events_for(session, "clerk-gaogou"), DeductionRecorded)
    assert (sent.finding_id, sent.accountability_case_id, sent.points) == (
        f"accountability-{case_id}",
        str(case_id),
        2,
    )
    assert (sent.window_code, sent.site_code, sent.reason_code) == ("", "", "time_limit")
    # Nobody can quietly soften the decision afterwards.
    with sv.db.transaction() as session:
        session.execute(text("UPDATE accountability_cases SET points = 1"))
    tampered = sv.stub.VerifyRecord(
        S.VerifyRecordRequest(), timeout=10, metadata=identity_metadata(INSPECTOR)
    )
    assert not tampered.intact and tampered.first_bad_seq == 6


def test_opening_is_refused_for_missing_taken_or_mixed_alerts(sv: Watching) -> None:
    alerts = _alert_ids(sv)
    missing = _refused(
        sv,
        "OpenAccountabilityCase",
        S.OpenAccountabilityCaseRequest(request_id="o-1", alert_ids=[999], reason="x"),
    )
    assert status_of(missing) == grpc.StatusCode.NOT_FOUND
    empty = _refused(
        sv, "OpenAccountabilityCase", S.OpenAccountabilityCaseRequest(request_id="o-2", reason=" ")
    )
    assert status_of(empty) == grpc.StatusCode.INVALID_ARGUMENT
    _call(
        sv,
        "OpenAccountabilityCase",
        S.OpenAccountabilityCaseRequest(request_id="o-3", alert_ids=alerts[:1], reason="超期"),
    )
    taken = _refused(
        sv,
        "OpenAccountabilityCase",
        S.OpenAccountabilityCaseRequest(request_id="o-4", alert_ids=alerts, reason="超期"),
    )
    assert status_of(taken) == grpc.StatusCode.FAILED_PRECONDITION
    # The calendar notice belongs to no department: it cannot share a case with the card.
    sv.sweep_on(date(2026, 12, 1))
    [notice] = sv.alerts(rule="calendar_gap")
    mixed = _refused(
        sv,
        "OpenAccountabilityCase",
        S.OpenAccountabilityCaseRequest(request_id="o-5", alert_ids=[alerts[1], notice.alert_id], reason="x"),
    )
    assert status_of(mixed) == grpc.StatusCode.INVALID_ARGUMENT
    listed = sv.stub.ListAccountabilityCases(
        S.ListAccountabilityCasesRequest(), timeout=10, metadata=identity_metadata(INSPECTOR)
    )
    assert len(listed.accountability_cases) == 1


def test_only_inspectors_decide(sv: Watching) -> None:
    admin = as_role("centre_admin", user="admin-county")
    refused = _refused(
        sv,
        "OpenAccountabilityCase",
        S.OpenAccountabilityCaseRequest(request_id="o-1", alert_ids=_alert_ids(sv), reason="超期"),
        caller=admin,
    )
    assert status_of(refused) == grpc.StatusCode.PERMISSION_DENIED
    missing = _refused(sv, "GetAccountabilityCase", S.GetAccountabilityCaseRequest(case_id=7), caller=admin)
    assert status_of(missing) == grpc.StatusCode.NOT_FOUND
    assert sv.alerts(case_no=OTHER) == []
