"""Completing, issuing, withdrawing, reading and reprinting cases against a real server."""

from __future__ import annotations

from datetime import timedelta

import grpc
from tongban.acceptance.v1 import acceptance_pb2 as A

from tests.conftest import AcceptanceUnderTest
from tests.contract.helpers import (
    INSTANT,
    INSTANT_COMPLETE,
    JOINT,
    JOINT_COMPLETE,
    PERSON,
    TOWNSHIP,
    TOWNSHIP_COMPLETE,
    counts,
    field_violations,
    request_id,
    rpc_error,
    submit_request,
)
from tests.support import as_role, clerk, identity_metadata, reviewer

AS_CLERK = identity_metadata(clerk())


def _submit(acceptance: AcceptanceUnderTest, matter: str, codes: list[str]) -> A.Case:
    return acceptance.cases.SubmitApplication(submit_request(matter, codes), metadata=AS_CLERK).case


def test_instant_matter_is_completed_on_the_spot(acceptance: AcceptanceUnderTest) -> None:
    case = _submit(acceptance, INSTANT, INSTANT_COMPLETE)
    assert case.state == A.CASE_STATE_ACCEPTED and case.promised_date == "2026-09-28"

    done = acceptance.cases.CompleteInstantCase(
        A.CompleteInstantCaseRequest(
            request_id=request_id(), case_no=case.case_no, result_summary="生育服务登记卡已发放"
        ),
        metadata=AS_CLERK,
    ).case

    assert done.state == A.CASE_STATE_COMPLETED
    assert done.completed_on == "2026-09-28" and done.completed_on_time
    again = rpc_error(
        lambda: acceptance.cases.CompleteInstantCase(
            A.CompleteInstantCaseRequest(request_id=request_id(), case_no=case.case_no, result_summary="x"),
            metadata=AS_CLERK,
        )
    )
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_promised_matter_cannot_be_completed_on_the_spot(acceptance: AcceptanceUnderTest) -> None:
    case = _submit(acceptance, TOWNSHIP, TOWNSHIP_COMPLETE)
    before = counts(acceptance.db)
    error = rpc_error(
        lambda: acceptance.cases.CompleteInstantCase(
            A.CompleteInstantCaseRequest(request_id=request_id(), case_no=case.case_no, result_summary="x"),
            metadata=AS_CLERK,
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert counts(acceptance.db) == before


def test_township_decided_case_is_issued_at_the_window(acceptance: AcceptanceUnderTest) -> None:
    case = _submit(acceptance, TOWNSHIP, TOWNSHIP_COMPLETE)
    acceptance.clock.advance(timedelta(days=10))

    issued = acceptance.cases.IssueResult(
        A.IssueResultRequest(
            request_id=request_id(),
            case_no=case.case_no,
            outcome=A.OUTCOME_APPROVED,
            result_summary="农村宅基地批准书 涟高宅字〔2026〕第018号",
            recipient_name="王秀英",
        ),
        metadata=AS_CLERK,
    ).case

    assert issued.state == A.CASE_STATE_RESULT_ISSUED
    assert issued.issued_on == "2026-10-08" and issued.completed_on_time
    assert issued.issued_by == "clerk-gaogou"


def test_township_issue_needs_an_outcome_and_a_recipient(acceptance: AcceptanceUnderTest) -> None:
    case = _submit(acceptance, TOWNSHIP, TOWNSHIP_COMPLETE)
    before = counts(acceptance.db)
    error = rpc_error(
        lambda: acceptance.cases.IssueResult(
            A.IssueResultRequest(request_id=request_id(), case_no=case.case_no, result_summary="批准书"),
            metadata=AS_CLERK,
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "recipient_name" in field_violations(error)
    no_outcome = rpc_error(
        lambda: acceptance.cases.IssueResult(
            A.IssueResultRequest(
                request_id=request_id(),
                case_no=case.case_no,
                result_summary="批准书",
                recipient_name="王秀英",
            ),
            metadata=AS_CLERK,
        )
    )
    assert "outcome" in field_violations(no_outcome)
    assert counts(acceptance.db) == before


def test_county_decided_case_cannot_be_issued_before_the_county_decides(
    acceptance: AcceptanceUnderTest,
) -> None:
    case = _submit(acceptance, JOINT, JOINT_COMPLETE)
    error = rpc_error(
        lambda: acceptance.cases.IssueResult(
            A.IssueResultRequest(
                request_id=request_id(),
                case_no=case.case_no,
                result_summary="准迁证",
                recipient_name="王秀英",
            ),
            metadata=AS_CLERK,
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "县级" in (error.details() or "")


def test_withdrawal_before_decision(acceptance: AcceptanceUnderTest) -> None:
    case = _submit(acceptance, JOINT, JOINT_COMPLETE)
    missing_reason = rpc_error(
        lambda: acceptance.cases.WithdrawCase(
            A.WithdrawCaseRequest(request_id=request_id(), case_no=case.case_no), metadata=AS_CLERK
        )
    )
    assert missing_reason.code() == grpc.StatusCode.INVALID_ARGUMENT

    withdrawn = acceptance.cases.WithdrawCase(
        A.WithdrawCaseRequest(request_id=request_id(), case_no=case.case_no, reason="申请人决定暂不迁移"),
        metadata=AS_CLERK,
    ).case
    assert withdrawn.state == A.CASE_STATE_WITHDRAWN
    assert withdrawn.working_days_left == 0 and not withdrawn.overdue
    twice = rpc_error(
        lambda: acceptance.cases.WithdrawCase(
            A.WithdrawCaseRequest(request_id=request_id(), case_no=case.case_no, reason="再次"),
            metadata=AS_CLERK,
        )
    )
    assert twice.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_unknown_case_is_not_found(acceptance: AcceptanceUnderTest) -> None:
    for call in (
        lambda: acceptance.cases.GetCase(
            A.GetCaseRequest(case_no="320826101-20260928-9999"), metadata=AS_CLERK
        ),
        lambda: acceptance.cases.WithdrawCase(
            A.WithdrawCaseRequest(request_id=request_id(), case_no="320826101-20260928-9999", reason="x"),
            metadata=AS_CLERK,
        ),
        lambda: acceptance.cases.GetDocument(
            A.GetDocumentRequest(number="SL-320826101-2026-09999"), metadata=AS_CLERK
        ),
    ):
        assert rpc_error(call).code() == grpc.StatusCode.NOT_FOUND


def test_another_sites_clerk_cannot_see_or_touch_the_case(acceptance: AcceptanceUnderTest) -> None:
    case = _submit(acceptance, JOINT, JOINT_COMPLETE)
    stranger = identity_metadata(clerk(site="320826102", user="clerk-hongyao"))
    for call in (
        lambda: acceptance.cases.GetCase(A.GetCaseRequest(case_no=case.case_no), metadata=stranger),
        lambda: acceptance.cases.WithdrawCase(
            A.WithdrawCaseRequest(request_id=request_id(), case_no=case.case_no, reason="x"),
            metadata=stranger,
        ),
        lambda: acceptance.cases.GetDocument(
            A.GetDocumentRequest(number=case.documents[0].number), metadata=stranger
        ),
        lambda: acceptance.cases.ListCases(A.ListCasesRequest(site_code="320826101"), metadata=stranger),
    ):
        assert rpc_error(call).code() == grpc.StatusCode.PERMISSION_DENIED
    assert acceptance.cases.GetCase(A.GetCaseRequest(case_no=case.case_no), metadata=AS_CLERK).case.state == (
        A.CASE_STATE_ACCEPTED
    )


def test_personal_data_is_masked_unless_the_role_needs_it(acceptance: AcceptanceUnderTest) -> None:
    case_no = _submit(acceptance, JOINT, JOINT_COMPLETE).case_no

    def applicant(role: str, site: str) -> A.Applicant:
        md = identity_metadata(as_role(role, site=site))
        return acceptance.cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=md).case.applicant

    assert applicant("clerk", "320826101").id_number == PERSON.id_number
    inspector = applicant("inspector", "320826000")
    assert inspector.id_number == "320826********002X" and inspector.phone == "139****5678"
    assert inspector.name == "王**"
    assert applicant("township_officer", "320826101").id_number == "320826********002X"
    listed = acceptance.cases.ListCases(A.ListCasesRequest(), metadata=AS_CLERK).cases[0]
    assert listed.applicant.id_number == "320826********002X"


def test_a_county_reviewer_sees_only_what_their_department_reviews(acceptance: AcceptanceUnderTest) -> None:
    county = _submit(acceptance, JOINT, JOINT_COMPLETE)  # 户口迁移: reviewed by GA
    township = _submit(acceptance, TOWNSHIP, TOWNSHIP_COMPLETE)  # decided by the township: no county review
    noticed = _submit(acceptance, JOINT, ["M01"])  # never accepted: never reached the county
    ga, nj = identity_metadata(reviewer("GA")), identity_metadata(reviewer("NJ"))

    seen = acceptance.cases.GetCase(A.GetCaseRequest(case_no=county.case_no), metadata=ga).case.applicant
    # What a review checks (name and ID number), and no more: the phone masked, the address left out.
    assert (seen.name, seen.id_number, seen.phone, seen.address) == (
        PERSON.name,
        PERSON.id_number,
        "139****5678",
        "",
    )
    for case_no, metadata in (
        (county.case_no, nj),
        (township.case_no, nj),
        (township.case_no, ga),
        (noticed.case_no, ga),
    ):
        refused = rpc_error(
            lambda c=case_no, m=metadata: acceptance.cases.GetCase(A.GetCaseRequest(case_no=c), metadata=m)
        )
        assert refused.code() == grpc.StatusCode.PERMISSION_DENIED, case_no
        assert PERSON.id_number not in str(refused.details())
    listed = acceptance.cases.ListCases(A.ListCasesRequest(), metadata=ga)
    assert [c.case_no for c in listed.cases] == [county.case_no]
    assert listed.cases[0].applicant.id_number == "320826********002X"
    assert not acceptance.cases.ListCases(A.ListCasesRequest(), metadata=nj).cases
    receipt = county.documents[0].number
    assert (
        acceptance.cases.GetDocument(A.GetDocumentRequest(number=receipt), metadata=ga).document.number
        == receipt
    )
    refused_document = rpc_error(
        lambda: acceptance.cases.GetDocument(A.GetDocumentRequest(number=receipt), metadata=nj)
    )
    assert refused_document.code() == grpc.StatusCode.PERMISSION_DENIED


def test_case_list_filters_and_pages(acceptance: AcceptanceUnderTest) -> None:
    accepted = [_submit(acceptance, JOINT, JOINT_COMPLETE).case_no for _ in range(3)]
    noticed = _submit(acceptance, JOINT, ["M01"]).case_no

    first = acceptance.cases.ListCases(A.ListCasesRequest(page_size=2), metadata=AS_CLERK)
    second = acceptance.cases.ListCases(
        A.ListCasesRequest(page_size=2, page_token=first.next_page_token), metadata=AS_CLERK
    )
    assert first.total_size == 4 and len(first.cases) == 2 and second.next_page_token == ""
    assert [c.case_no for c in [*first.cases, *second.cases]] == [noticed, *reversed(accepted)]
    waiting = acceptance.cases.ListCases(
        A.ListCasesRequest(state=A.CASE_STATE_SUPPLEMENT_REQUESTED), metadata=AS_CLERK
    )
    assert [c.case_no for c in waiting.cases] == [noticed]
    bad = rpc_error(
        lambda: acceptance.cases.ListCases(A.ListCasesRequest(page_token="!!"), metadata=AS_CLERK)
    )
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT
    bad_date = rpc_error(
        lambda: acceptance.cases.ListCases(A.ListCasesRequest(received_from="28/09/2026"), metadata=AS_CLERK)
    )
    assert "received_from" in field_violations(bad_date)


def test_overdue_is_computed_from_the_clock(acceptance: AcceptanceUnderTest) -> None:
    case_no = _submit(acceptance, TOWNSHIP, TOWNSHIP_COMPLETE).case_no  # promised 2026-10-23
    county_case = _submit(acceptance, JOINT, JOINT_COMPLETE).case_no  # promised 2026-10-10
    acceptance.clock.advance(timedelta(days=30))  # 2026-10-28, Wednesday

    case = acceptance.cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=AS_CLERK).case
    assert case.overdue
    assert case.working_days_left == -3  # 10-26, 10-27, 10-28
    # While the county reviews, its clock (no pause or extension here) runs to the promised date.
    in_review = acceptance.cases.GetCase(A.GetCaseRequest(case_no=county_case), metadata=AS_CLERK).case
    assert in_review.overdue
    assert in_review.working_days_left == -13  # 10-12 to 10-16, 10-19 to 10-23, 10-26 to 10-28
    overdue = acceptance.cases.ListCases(A.ListCasesRequest(overdue_only=True), metadata=AS_CLERK)
    assert [c.case_no for c in overdue.cases] == [county_case, case_no]


def test_reprint_is_identical(acceptance: AcceptanceUnderTest) -> None:
    reply = acceptance.cases.SubmitApplication(submit_request(JOINT, ["M01"]), metadata=AS_CLERK)
    acceptance.clock.advance(timedelta(days=30))
    inspector = identity_metadata(as_role("inspector"))

    reprint = acceptance.cases.GetDocument(
        A.GetDocumentRequest(number=reply.document.number), metadata=AS_CLERK
    )
    by_inspector = acceptance.cases.GetDocument(
        A.GetDocumentRequest(number=reply.document.number), metadata=inspector
    )

    assert reprint.document == reply.document == by_inspector.document
    assert "<!DOCTYPE html>" in reprint.document.html and reply.document.number in reprint.document.html
    assert len(reprint.document.sha256) == 64
