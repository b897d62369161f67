"""Hostile input against real servers, on SQLite and PostgreSQL: INVALID_ARGUMENT listing every
field that breaks its declared limit, never INTERNAL, never the value echoed, nothing written.

Before the limits, PostgreSQL answered INTERNAL to most of these (varchar truncation, "text
fields cannot contain NUL") while SQLite stored them, a 1 MB name included.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from grpc_status import rpc_status
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C
from tongban.approval.v1 import approval_pb2 as R
from tongban.supervision.v1 import supervision_pb2 as S

from tests.conftest import AcceptanceUnderTest
from tests.contract.helpers import ENTERPRISE, JOINT, JOINT_COMPLETE, PERSON, field_violations, submit_request
from tests.contract.review_support import ApprovalUnderTest, accepted_event, approval
from tests.contract.test_supervision import INSPECTOR, Supervision, supervision
from tests.support import clerk, identity_metadata, reviewer, row_counts

__all__ = ["approval", "supervision"]

AS_CLERK = identity_metadata(clerk())
AS_INSPECTOR = identity_metadata(INSPECTOR)
NJ = identity_metadata(reviewer("NJ"))
NOT_PROTOBUF = "请求格式无效 / the request is not a valid protobuf message"
ONE_LINE = "不能含换行、制表符等控制字符 / must not contain line breaks, tabs or other control characters"
# 拖拉机和联合收割机登记: a county review with a township initial review first.
TRACTOR = "320826-NJ-XK-001"
CASE = "320826101-20260928-0001"


def refused(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    error = caught.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    return error


def violations(call: Callable[[], Any]) -> dict[str, str]:
    error = refused(call)
    found = field_violations(error)
    assert found, "expected field violations"
    return found


def assert_not_echoed(error: grpc.RpcError, value: str) -> None:
    status = rpc_status.from_call(error)
    assert status is not None
    assert value not in error.details() and value not in str(status)


def _person(**fields: Any) -> A.Applicant:
    applicant = A.Applicant()
    applicant.CopyFrom(PERSON)
    for name, value in fields.items():
        setattr(applicant, name, value)
    return applicant


# --- acceptance --------------------------------------------------------------------------------------


def test_oversized_and_control_characters_in_an_application_write_nothing(
    acceptance: AcceptanceUnderTest,
) -> None:
    before = row_counts(acceptance.db)
    submit = acceptance.cases.SubmitApplication
    cases: list[tuple[A.SubmitApplicationRequest, dict[str, str]]] = [
        (
            submit_request(JOINT, JOINT_COMPLETE, request_id="r" * 129),
            {"request_id": "最多 128 个字 / at most 128 characters"},
        ),
        (
            submit_request(JOINT, JOINT_COMPLETE, applicant=_person(name="王" * 1_000_000)),
            {"applicant.name": "最多 100 个字 / at most 100 characters"},
        ),
        (
            submit_request(JOINT, JOINT_COMPLETE, applicant=_person(name="王" * 101)),
            {"applicant.name": "最多 100 个字 / at most 100 characters"},
        ),
        (
            submit_request(JOINT, JOINT_COMPLETE, applicant=_person(address="路" * 201)),
            {"applicant.address": "最多 200 个字 / at most 200 characters"},
        ),
        (
            submit_request(JOINT, JOINT_COMPLETE, request_id="key\x00"),
            {"request_id": ONE_LINE},
        ),
    ]
    for request, expected in cases:
        assert violations(lambda r=request: submit(r, metadata=AS_CLERK)) == expected  # type: ignore[misc]
    assert row_counts(acceptance.db) == before


def test_an_undefined_applicant_kind_is_refused_not_waved_through(acceptance: AcceptanceUnderTest) -> None:
    """kind = 99 once skipped the ID check and the masking."""
    before = row_counts(acceptance.db)
    odd = _person(kind=99, id_number="not an id at all")
    assert violations(
        lambda: acceptance.cases.SubmitApplication(
            submit_request(JOINT, JOINT_COMPLETE, applicant=odd), metadata=AS_CLERK
        )
    ) == {"applicant.kind": "不是可选的值 / not one of the defined values"}
    assert row_counts(acceptance.db) == before


def test_every_violation_is_listed_at_once_and_no_value_is_echoed(acceptance: AcceptanceUnderTest) -> None:
    secret = "32082619850312002X"
    request = submit_request(
        "nope",
        JOINT_COMPLETE,
        applicant=_person(name=secret * 10, phone=f"{secret}\n", kind=7),
        non_acceptance=A.NonAcceptance(reason=f"{secret}\x00", competent_agency="县公安局"),
    )
    error = refused(lambda: acceptance.cases.SubmitApplication(request, metadata=AS_CLERK))
    assert set(field_violations(error)) == {
        "matter_code",
        "applicant.kind",
        "applicant.name",
        "applicant.phone",
        "non_acceptance.reason",
    }
    assert_not_echoed(error, secret)


def test_a_refused_request_id_is_not_used_up(acceptance: AcceptanceUnderTest) -> None:
    """The limits refuse before the idempotency key is stored: the fixed request goes through."""
    bad = submit_request(JOINT, JOINT_COMPLETE, applicant=_person(name="王" * 101))
    refused(lambda: acceptance.cases.SubmitApplication(bad, metadata=AS_CLERK))
    bad.applicant.name = "王秀英"
    reply = acceptance.cases.SubmitApplication(bad, metadata=AS_CLERK)
    assert reply.case.state == A.CASE_STATE_ACCEPTED


def test_nul_in_a_key_a_filter_and_a_reason(acceptance: AcceptanceUnderTest) -> None:
    case_no = acceptance.cases.SubmitApplication(
        submit_request(JOINT, JOINT_COMPLETE, applicant=ENTERPRISE), metadata=AS_CLERK
    ).case.case_no
    before = row_counts(acceptance.db)
    withdraw = acceptance.cases.WithdrawCase
    assert set(
        violations(
            lambda: withdraw(
                A.WithdrawCaseRequest(request_id="w-1", case_no=f"{case_no}\x00", reason="申请人撤回"),
                metadata=AS_CLERK,
            )
        )
    ) == {"case_no"}
    assert violations(
        lambda: withdraw(
            A.WithdrawCaseRequest(request_id="w-2", case_no=case_no, reason="申请人\x00撤回"),
            metadata=AS_CLERK,
        )
    ) == {"reason": "不能含控制字符 / must not contain control characters"}
    assert set(
        violations(
            lambda: acceptance.cases.ListCases(
                A.ListCasesRequest(matter_code=f"{JOINT}\x00"), metadata=AS_CLERK
            )
        )
    ) == {"matter_code"}
    assert set(
        violations(
            lambda: acceptance.catalog.ListMatters(
                C.ListMattersRequest(keyword="户口\x00"), metadata=AS_CLERK
            )
        )
    ) == {"keyword"}
    assert row_counts(acceptance.db) == before
    # A reason may run over several lines.
    reply = withdraw(
        A.WithdrawCaseRequest(request_id="w-3", case_no=case_no, reason="申请人撤回:\n\t材料另行提交"),
        metadata=AS_CLERK,
    )
    assert reply.case.state == A.CASE_STATE_WITHDRAWN


def test_a_list_filter_with_an_undefined_state_is_refused(acceptance: AcceptanceUnderTest) -> None:
    """It once answered OK and empty, as if no case were in that state."""
    assert violations(
        lambda: acceptance.cases.ListCases(A.ListCasesRequest(state=99), metadata=AS_CLERK)  # type: ignore[arg-type]
    ) == {"state": "不是可选的值 / not one of the defined values"}
    assert violations(
        lambda: acceptance.cases.ListCases(A.ListCasesRequest(page_size=1000), metadata=AS_CLERK)
    ) == {"page_size": "不能大于 100 / must be at most 100"}


def test_a_page_token_cannot_carry_an_offset_past_64_bits(acceptance: AcceptanceUnderTest) -> None:
    """A token naming offset 10**19 once reached SQL OFFSET and answered INTERNAL on both databases."""
    token = base64.urlsafe_b64encode(b"o:" + b"9" * 19).decode()
    assert violations(
        lambda: acceptance.cases.ListCases(A.ListCasesRequest(page_token=token), metadata=AS_CLERK)
    ) == {"page_token": "最多 24 个字 / at most 24 characters"}
    assert set(
        violations(
            lambda: acceptance.catalog.ListMatters(C.ListMattersRequest(page_token=token), metadata=AS_CLERK)
        )
    ) == {"page_token"}


@pytest.mark.parametrize(
    "method",
    [
        "/tongban.acceptance.v1.AcceptanceService/SubmitApplication",
        "/tongban.acceptance.v1.AcceptanceService/GetCase",
        "/tongban.acceptance.v1.CatalogService/ListSites",
    ],
)
def test_a_body_that_is_not_protobuf_is_invalid_argument_not_internal(
    acceptance: AcceptanceUnderTest, method: str
) -> None:
    before = row_counts(acceptance.db)
    call = acceptance.channel.unary_unary(method)
    for body in (b"\xff\xfe not protobuf \x00", b"\x0a\xff\xff\xff\xff\x0f", b'{"case_no": 1}'):
        error = refused(lambda b=body: call(b, metadata=AS_CLERK, timeout=10))  # type: ignore[misc]
        assert error.details() == NOT_PROTOBUF
    assert row_counts(acceptance.db) == before


def test_a_body_is_read_only_after_the_caller_is_known(acceptance: AcceptanceUnderTest) -> None:
    call = acceptance.channel.unary_unary("/tongban.acceptance.v1.AcceptanceService/SubmitApplication")
    with pytest.raises(grpc.RpcError) as anonymous:
        call(b"\xff\xff", timeout=10)
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED


# --- approval and supervision ------------------------------------------------------------------------


def test_review_input_beyond_its_limits_writes_nothing(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    step = approval.reviews.GetReview(R.GetReviewRequest(case_no=CASE), metadata=NJ).review.steps[0]
    before = row_counts(approval.db)
    as_clerk = AS_CLERK
    assert violations(
        lambda: approval.reviews.CompleteStep(
            R.CompleteStepRequest(
                request_id="c-1",
                case_no=CASE,
                step_number=step.number,
                verdict=R.VERDICT_REFUSE,
                opinion="不\x00符",
            ),
            metadata=as_clerk,
        )
    ) == {"opinion": "不能含控制字符 / must not contain control characters"}
    assert violations(
        lambda: approval.reviews.SendBackForSupplement(
            R.SendBackForSupplementRequest(
                request_id="s-1",
                case_no=CASE,
                step_number=step.number,
                items=["户口簿"] * 31,
                reason="理" * 1001,
            ),
            metadata=as_clerk,
        )
    ) == {"items": "最多 30 项 / at most 30 items", "reason": "最多 1000 个字 / at most 1000 characters"}
    assert set(
        violations(
            lambda: approval.reviews.ClaimStep(
                R.ClaimStepRequest(request_id="c-2", case_no=CASE, step_number=-1), metadata=as_clerk
            )
        )
    ) == {"step_number"}
    assert set(
        violations(
            lambda: approval.reviews.CompleteStep(
                R.CompleteStepRequest(request_id="c-3", case_no=CASE, step_number=step.number, verdict=5),  # type: ignore[arg-type]
                metadata=as_clerk,
            )
        )
    ) == {"verdict"}
    error = refused(
        lambda: approval.channel.unary_unary("/tongban.approval.v1.ReviewService/ClaimStep")(
            b"\xff\xff\xff", metadata=as_clerk, timeout=10
        )
    )
    assert error.details() == NOT_PROTOBUF
    assert row_counts(approval.db) == before


def test_supervision_filters_beyond_their_limits(supervision: Supervision) -> None:
    before = row_counts(supervision.db)
    stub = supervision.stub
    for fields, field in (
        ({"aggregate_id": "C1\x00"}, "aggregate_id"),
        ({"event_type": "case accepted"}, "event_type"),
        ({"source": "a" * 41}, "source"),
        ({"page_size": 101}, "page_size"),
        ({"page_token": "x" * 25}, "page_token"),
    ):
        request = S.ListReceivedEventsRequest(**fields)  # type: ignore[arg-type]
        found = violations(lambda r=request: stub.ListReceivedEvents(r, metadata=AS_INSPECTOR, timeout=10))  # type: ignore[misc]
        assert set(found) == {field}
    assert row_counts(supervision.db) == before
