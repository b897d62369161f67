"""The window's side of 县乡同办: what approval needs goes out with the accepted event, and the
county's send-back and decision come back through the inbox to the accepting window."""

from __future__ import annotations

from datetime import timedelta

import grpc
from google.protobuf.message import Message
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import catalog_pb2
from tongban.acceptance.v1 import events_pb2 as E
from tongban.approval.v1 import approval_pb2
from tongban.approval.v1 import events_pb2 as approval_events

from services.acceptance.events import CountyResults
from services.common.calendar import WorkingCalendar
from services.common.outbox import events_for
from tests.conftest import AcceptanceUnderTest
from tests.contract.helpers import JOINT, JOINT_COMPLETE, request_id, rpc_error, submit_request
from tests.support import P, clerk, envelope, identity_metadata, payloads

AS_CLERK = identity_metadata(clerk())


def _deliver(acceptance: AcceptanceUnderTest, payload: Message, case_no: str) -> None:
    event = envelope(payload, source="approval", aggregate_id=case_no)
    with acceptance.db.transaction() as session:
        CountyResults(WorkingCalendar.load()).consumer()(session, event)


def _ref(case_no: str) -> approval_events.ReviewRef:
    return approval_events.ReviewRef(case_no=case_no)


def _accepted(acceptance: AcceptanceUnderTest) -> str:
    return acceptance.cases.SubmitApplication(
        submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK
    ).case.case_no


def _event(acceptance: AcceptanceUnderTest, case_no: str, payload_type: type[P]) -> P:
    with acceptance.db.reading() as session:
        [payload] = payloads(events_for(session, case_no), payload_type)
    return payload


def test_the_accepted_event_carries_the_review_flow(acceptance: AcceptanceUnderTest) -> None:
    accepted = _event(acceptance, _accepted(acceptance), E.CaseAccepted)
    plan = accepted.county_review
    assert accepted.deciding_level == catalog_pb2.DECIDING_LEVEL_COUNTY
    assert plan.site_level == catalog_pb2.SITE_LEVEL_TOWNSHIP
    assert [step.name for step in plan.steps] == ["乡镇初审", "部门审核", "审批决定"]
    assert dict(plan.department_names) == {"GA": "县公安局"}


def test_a_send_back_waits_for_the_supplement_then_returns_to_review(acceptance: AcceptanceUnderTest) -> None:
    case_no = _accepted(acceptance)
    _deliver(
        acceptance,
        approval_events.ReviewSentBack(
            review=_ref(case_no), items=["户口簿原件"], reason="复印件不清晰", sent_back_on="2026-09-28"
        ),
        case_no,
    )
    waiting = acceptance.cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=AS_CLERK).case
    assert waiting.state == A.CASE_STATE_REVIEW_SUPPLEMENT
    assert list(waiting.review_supplement_items) == ["户口簿原件"]
    early = rpc_error(
        lambda: acceptance.cases.IssueResult(
            A.IssueResultRequest(
                request_id=request_id(), case_no=case_no, result_summary="x", recipient_name="王"
            ),
            metadata=AS_CLERK,
        )
    )
    assert early.code() == grpc.StatusCode.FAILED_PRECONDITION

    acceptance.clock.advance(timedelta(days=1))
    back = acceptance.cases.SupplementMaterials(
        A.SupplementMaterialsRequest(request_id=request_id(), case_no=case_no), metadata=AS_CLERK
    ).case
    assert back.state == A.CASE_STATE_ACCEPTED and not back.review_supplement_items
    assert _event(acceptance, case_no, E.CaseReviewSupplemented).supplemented_on == "2026-09-29"


def test_the_decision_starts_the_issue_clock_at_the_window(acceptance: AcceptanceUnderTest) -> None:
    case_no = _accepted(acceptance)
    _deliver(
        acceptance,
        approval_events.ReviewDecided(
            review=_ref(case_no),
            outcome=approval_pb2.DECISION_OUTCOME_GRANTED,
            document_number="ZY-GA-2026-00001",
            decided_on="2026-10-09",
            on_time=True,
        ),
        case_no,
    )
    acceptance.clock.advance(timedelta(days=11))  # 2026-10-09
    decided = acceptance.cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=AS_CLERK).case
    assert decided.state == A.CASE_STATE_DECIDED and decided.outcome == A.OUTCOME_APPROVED
    # Art. 44: 10 working days after 9 Oct: 10 (make-up Saturday), 12–16, 19–22 Oct.
    assert (decided.issue_due_on, decided.working_days_left) == ("2026-10-22", 10)
    acceptance.clock.advance(timedelta(days=14))  # 2026-10-23: one day late
    late = acceptance.cases.ListCases(A.ListCasesRequest(overdue_only=True), metadata=AS_CLERK)
    assert [c.case_no for c in late.cases] == [case_no]
    issued = acceptance.cases.IssueResult(
        A.IssueResultRequest(
            request_id=request_id(), case_no=case_no, result_summary="准迁证", recipient_name="王秀英"
        ),
        metadata=AS_CLERK,
    ).case
    assert issued.state == A.CASE_STATE_RESULT_ISSUED
    assert (issued.completed_on_time, issued.issued_on_time) == (True, False)
    assert _event(acceptance, case_no, E.CaseResultIssued).on_time is False


def test_a_decision_for_a_withdrawn_case_changes_nothing(acceptance: AcceptanceUnderTest) -> None:
    case_no = _accepted(acceptance)
    acceptance.cases.WithdrawCase(
        A.WithdrawCaseRequest(request_id=request_id(), case_no=case_no, reason="申请人撤回"),
        metadata=AS_CLERK,
    )
    _deliver(
        acceptance,
        approval_events.ReviewDecided(
            review=_ref(case_no),
            outcome=approval_pb2.DECISION_OUTCOME_GRANTED,
            decided_on="2026-09-28",
            on_time=True,
        ),
        case_no,
    )
    case = acceptance.cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=AS_CLERK).case
    assert case.state == A.CASE_STATE_WITHDRAWN and not case.decided_on


def _clock(acceptance: AcceptanceUnderTest, case_no: str) -> tuple[int, bool, bool]:
    """What the clerk's list shows of the case: days left, overdue, and whether the overdue
    filter lists it."""
    [listed] = [
        c
        for c in acceptance.cases.ListCases(A.ListCasesRequest(), metadata=AS_CLERK).cases
        if c.case_no == case_no
    ]
    late = acceptance.cases.ListCases(A.ListCasesRequest(overdue_only=True), metadata=AS_CLERK)
    return listed.working_days_left, listed.overdue, case_no in {c.case_no for c in late.cases}


def test_the_window_reads_the_countys_clock_while_it_reviews(acceptance: AcceptanceUnderTest) -> None:
    # Accepted Mon 28 Sep, promised 5 working days: 29, 30 Sep and, after the National Day
    # holiday, 8, 9 and Sat 10 Oct (a make-up working day).
    case_no = _accepted(acceptance)
    assert _clock(acceptance, case_no) == (5, False, False)
    acceptance.clock.advance(timedelta(days=11))  # Fri 9 Oct
    assert _clock(acceptance, case_no) == (1, False, False)
    acceptance.clock.advance(timedelta(days=3))  # Mon 12 Oct: one working day past the promise
    case = acceptance.cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=AS_CLERK).case
    assert (case.state, case.promised_date, case.working_days_left, case.overdue) == (
        A.CASE_STATE_ACCEPTED,
        "2026-10-10",
        -1,
        True,
    )
    assert _clock(acceptance, case_no) == (-1, True, True)


def test_the_countys_pauses_and_extension_move_the_windows_clock(acceptance: AcceptanceUnderTest) -> None:
    case_no = _accepted(acceptance)
    # Sent back on Tue 29 Sep (one day used), supplemented on Fri 9 Oct: the days between stand.
    acceptance.clock.advance(timedelta(days=1))
    _deliver(
        acceptance,
        approval_events.ReviewSentBack(review=_ref(case_no), items=["户口簿原件"], sent_back_on="2026-09-29"),
        case_no,
    )
    acceptance.clock.advance(timedelta(days=10))  # Fri 9 Oct
    assert _clock(acceptance, case_no) == (4, False, False)
    acceptance.cases.SupplementMaterials(
        A.SupplementMaterialsRequest(request_id=request_id(), case_no=case_no), metadata=AS_CLERK
    )
    assert _clock(acceptance, case_no) == (4, False, False)
    # A special procedure (an expert review) from Sat 10 Oct to Mon 12 Oct, then an extension.
    _deliver(
        acceptance,
        approval_events.ReviewProcedureStarted(review=_ref(case_no), started_on="2026-10-10"),
        case_no,
    )
    _deliver(
        acceptance, approval_events.ReviewProcedureEnded(review=_ref(case_no), ended_on="2026-10-12"), case_no
    )
    acceptance.clock.advance(timedelta(days=4))  # Tue 13 Oct: 29 Sep, 10 and 13 Oct counted
    assert _clock(acceptance, case_no) == (2, False, False)
    _deliver(
        acceptance,
        approval_events.ReviewExtended(review=_ref(case_no), extension_days=10, granted_on="2026-10-13"),
        case_no,
    )
    assert _clock(acceptance, case_no) == (12, False, False)
    acceptance.clock.advance(timedelta(days=30))  # Thu 12 Nov: 22 working days after 13 Oct
    assert _clock(acceptance, case_no) == (-10, True, True)
