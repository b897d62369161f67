"""The window's side of 县乡同办: what approval needs goes out with the accepted event, and the
county's send-back and decision come back through the inbox to the accepting window."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.events.v1 import event_pb2

from services.acceptance.handover import CountyResults
from services.common.calendar import WorkingCalendar
from services.common.outbox import events_for
from tests.conftest import AcceptanceUnderTest
from tests.contract.helpers import JOINT, JOINT_COMPLETE, request_id, rpc_error, submit_request
from tests.support import clerk, identity_metadata

AS_CLERK = identity_metadata(clerk())


def _deliver(acceptance: AcceptanceUnderTest, event_type: str, data: dict[str, Any]) -> None:
    struct = struct_pb2.Struct()
    struct.update(data)
    event = event_pb2.Event(
        event_id=str(uuid.uuid4()),
        event_type=event_type,
        source="approval",
        aggregate_id=data["case_no"],
        data=struct,
    )
    with acceptance.db.transaction() as session:
        CountyResults(WorkingCalendar.load()).handle(session, event)


def _accepted(acceptance: AcceptanceUnderTest) -> str:
    return acceptance.cases.SubmitApplication(
        submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK
    ).case.case_no


def _events(acceptance: AcceptanceUnderTest, case_no: str) -> dict[str, dict[str, Any]]:
    with acceptance.db.reading() as session:
        return {e.event_type: json_format.MessageToDict(e.data) for e in events_for(session, case_no)}


def test_the_accepted_event_carries_the_review_flow(acceptance: AcceptanceUnderTest) -> None:
    data = _events(acceptance, _accepted(acceptance))["case.accepted"]
    assert data["deciding_level"] == "DECIDING_LEVEL_COUNTY" and data["site_level"] == "SITE_LEVEL_TOWNSHIP"
    assert [step["name"] for step in data["review_steps"]] == ["乡镇初审", "部门审核", "审批决定"]
    assert data["department_names"] == {"GA": "县公安局"}


def test_a_send_back_waits_for_the_supplement_then_returns_to_review(acceptance: AcceptanceUnderTest) -> None:
    case_no = _accepted(acceptance)
    _deliver(
        acceptance,
        "review.sent_back",
        {"case_no": case_no, "items": ["户口簿原件"], "reason": "复印件不清晰"},
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
    assert _events(acceptance, case_no)["case.review_supplemented"]["supplemented_on"] == "2026-09-29"


def test_the_decision_starts_the_issue_clock_at_the_window(acceptance: AcceptanceUnderTest) -> None:
    case_no = _accepted(acceptance)
    _deliver(
        acceptance,
        "review.decided",
        {
            "case_no": case_no,
            "outcome": "DECISION_OUTCOME_GRANTED",
            "document_number": "ZY-GA-2026-00001",
            "decided_on": "2026-10-09",
            "on_time": True,
        },
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
    assert _events(acceptance, case_no)["case.result_issued"]["on_time"] is False


def test_a_decision_for_a_withdrawn_case_changes_nothing(acceptance: AcceptanceUnderTest) -> None:
    case_no = _accepted(acceptance)
    acceptance.cases.WithdrawCase(
        A.WithdrawCaseRequest(request_id=request_id(), case_no=case_no, reason="申请人撤回"),
        metadata=AS_CLERK,
    )
    _deliver(
        acceptance,
        "review.decided",
        {
            "case_no": case_no,
            "outcome": "DECISION_OUTCOME_GRANTED",
            "decided_on": "2026-09-28",
            "on_time": True,
        },
    )
    case = acceptance.cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=AS_CLERK).case
    assert case.state == A.CASE_STATE_WITHDRAWN and not case.decided_on
