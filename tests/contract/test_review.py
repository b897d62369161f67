"""Approval's review flow against a real server: steps, parallel departments, the clock and
the refusals a reviewer meets. Events from acceptance are applied as the inbox applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from sqlmodel import func, select
from tongban.acceptance.v1 import catalog_pb2 as C
from tongban.acceptance.v1 import events_pb2 as acceptance_events
from tongban.approval.v1 import approval_pb2 as A
from tongban.approval.v1 import events_pb2 as approval_events

from services.approval.models import ActivityRow, PauseRow, ReviewDocumentRow
from services.common.errors import DomainError
from services.common.identity import Caller
from tests.contract.review_support import (
    COUNTY,
    START,
    ApprovalUnderTest,
    accepted_event,
    approval,
    event,
    staff_member,
)
from tests.support import clerk, identity_metadata, reviewer

__all__ = ["approval"]

# 拖拉机和联合收割机登记: 县乡同办, promised 5: 乡镇初审 1, 部门审核 2 (NJ), 审批决定 2 (NJ); testing allowed.
TRACTOR = "320826-NJ-XK-001"
# 乡村建设规划许可证核发: promised 15: 乡镇初审 2, 并联审核 7 (ZR lead, ZJ, NJ), 审批决定 6 (ZR).
PLANNING = "320826-ZR-XK-001"
CASE = "320826101-20260928-0001"
CLERK = identity_metadata(clerk())
NJ = identity_metadata(reviewer("NJ"))
_ids = iter(range(1, 10**9))


def rid() -> str:
    return f"review-{next(_ids)}"


def as_(caller: Caller) -> tuple[tuple[str, str], ...]:
    return identity_metadata(caller)


def error_of(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def fields_of(error: grpc.RpcError) -> set[str]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    fields: set[str] = set()
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields |= {v.field for v in bad.field_violations}
    return fields


def on(approval: ApprovalUnderTest, day: date) -> None:
    approval.clock.advance(timedelta(days=(day - approval.clock.now().date()).days))


def review(approval: ApprovalUnderTest, case_no: str = CASE) -> A.Review:
    return approval.reviews.GetReview(A.GetReviewRequest(case_no=case_no), metadata=NJ).review


def active(review_: A.Review) -> list[A.Step]:
    return [s for s in review_.steps if s.state == A.STEP_STATE_ACTIVE]


def snapshot(approval: ApprovalUnderTest) -> tuple[A.Review, int, int, int]:
    """What a refused call must leave unchanged: the review, its pauses, documents and activity."""
    with approval.db.reading() as session:
        counts = tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (PauseRow, ReviewDocumentRow, ActivityRow)
        )
    return (review(approval), *counts)  # type: ignore[return-value]


def test_an_accepted_county_case_opens_its_review_at_the_township(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))

    opened = review(approval)
    assert opened.state == A.REVIEW_STATE_IN_REVIEW
    assert [(s.name, s.state) for s in opened.steps] == [
        ("乡镇初审", A.STEP_STATE_ACTIVE),
        ("部门审核", A.STEP_STATE_WAITING),
        ("审批决定", A.STEP_STATE_WAITING),
    ]
    assert opened.steps[0].site_code == "320826101" and opened.steps[1].department_code == "NJ"
    assert (opened.clock.budget_days, opened.clock.days_left, opened.clock.due_on) == (5, 5, "2026-10-10")
    # The township clerk sees the initial review in the inbox; the NJ reviewer has nothing yet.
    township = approval.reviews.ListInbox(A.ListInboxRequest(), metadata=CLERK)
    assert [(i.case_no, i.step.name) for i in township.items] == [(CASE, "乡镇初审")]
    assert not approval.reviews.ListInbox(A.ListInboxRequest(), metadata=NJ).items


def test_a_case_accepted_at_the_county_skips_the_township_review(approval: ApprovalUnderTest) -> None:
    case_no = "320826000-20260928-0001"
    approval.deliver(accepted_event(TRACTOR, case_no, site=COUNTY))

    opened = review(approval, case_no)
    assert [s.state for s in opened.steps] == [
        A.STEP_STATE_SKIPPED,
        A.STEP_STATE_ACTIVE,
        A.STEP_STATE_WAITING,
    ]


def test_each_case_numbers_its_steps_from_one(approval: ApprovalUnderTest) -> None:
    second = "320826101-20260928-0002"
    approval.deliver(accepted_event(TRACTOR, CASE), accepted_event(PLANNING, second))
    assert [(s.number, s.name) for s in review(approval).steps] == [
        (1, "乡镇初审"),
        (2, "部门审核"),
        (3, "审批决定"),
    ]
    planning = review(approval, second).steps
    assert [(s.number, s.department_code) for s in planning] == [
        (1, ""),
        (2, "ZR"),
        (3, "ZJ"),
        (4, "NJ"),
        (5, "ZR"),
    ]


def test_a_redelivered_or_township_event_opens_nothing_more(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE), accepted_event(TRACTOR, CASE))
    approval.deliver(accepted_event("320826-NJ-XK-003", "320826101-20260928-0002"))  # township-decided

    assert len(review(approval).steps) == 3
    assert len(approval.sent(approval_events.ReviewOpened)) == 1
    error = error_of(lambda: review(approval, "320826101-20260928-0002"))
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_steps_move_on_with_claims_and_reassignments_on_record(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    first = active(review(approval))[0]
    on(approval, date(2026, 9, 29))
    approval.reviews.CompleteStep(
        A.CompleteStepRequest(
            request_id=rid(), case_no=CASE, step_number=first.number, verdict=A.VERDICT_APPROVE
        ),
        metadata=CLERK,
    )
    step = active(review(approval))[0]
    assert step.name == "部门审核" and step.started_on == "2026-09-29"

    claimed = approval.reviews.ClaimStep(
        A.ClaimStepRequest(request_id=rid(), case_no=CASE, step_number=step.number), metadata=NJ
    ).review
    assert active(claimed)[0].assignee == "reviewer-nj"
    colleague = reviewer("NJ", user="reviewer-nj-b")
    taken = error_of(
        lambda: approval.reviews.ClaimStep(
            A.ClaimStepRequest(request_id=rid(), case_no=CASE, step_number=step.number),
            metadata=as_(colleague),
        )
    )
    assert taken.code() == grpc.StatusCode.FAILED_PRECONDITION
    approval.deliver(staff_member("reviewer-nj-b", "NJ"))  # the staff service registered the colleague
    handed = approval.reviews.ReassignStep(
        A.ReassignStepRequest(
            request_id=rid(),
            case_no=CASE,
            step_number=step.number,
            assignee="reviewer-nj-b",
            reason="A岗请假",
        ),
        metadata=NJ,
    ).review
    mine = approval.reviews.ListInbox(A.ListInboxRequest(scope=A.INBOX_SCOPE_MINE), metadata=as_(colleague))
    assert [i.step.number for i in mine.items] == [step.number] and mine.items[0].assigned_to_me
    assert [(a.action, a.actor, a.target) for a in handed.activities][-3:] == [
        ("answered", "clerk-gaogou", ""),
        ("claimed", "reviewer-nj", ""),
        ("reassigned", "reviewer-nj", "reviewer-nj-b"),
    ]
    # The former holder can no longer answer it.
    refused = error_of(
        lambda: approval.reviews.CompleteStep(
            A.CompleteStepRequest(
                request_id=rid(), case_no=CASE, step_number=step.number, verdict=A.VERDICT_APPROVE
            ),
            metadata=NJ,
        )
    )
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_the_clock_pauses_extends_once_and_decides_on_time(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    on(approval, date(2026, 9, 29))
    first = active(review(approval))[0]
    approval.reviews.CompleteStep(
        A.CompleteStepRequest(
            request_id=rid(), case_no=CASE, step_number=first.number, verdict=A.VERDICT_APPROVE
        ),
        metadata=CLERK,
    )
    # 30 Sep: 2 of 5 days used; testing (检验检测) starts.
    on(approval, date(2026, 9, 30))
    assert review(approval).clock.days_left == 3
    started = approval.reviews.StartSpecialProcedure(
        A.StartSpecialProcedureRequest(
            request_id=rid(),
            case_no=CASE,
            procedure=C.SPECIAL_PROCEDURE_TESTING,
            reason="安全技术检验",
            planned_days=3,
        ),
        metadata=NJ,
    )
    assert started.notice.number == "TS-NJ-2026-00001" and "不计入审批时限" in started.notice.text
    # Planned 3 working days after 30 Sep: 8, 9 Oct and the make-up Saturday 10 Oct.
    assert started.review.pauses[0].planned_end_on == "2026-10-10"
    # 9 Oct: the pause ends; 8 and 9 Oct did not count, so 3 days are still left.
    on(approval, date(2026, 10, 9))
    assert review(approval).clock.paused
    ended = approval.reviews.EndSpecialProcedure(
        A.EndSpecialProcedureRequest(request_id=rid(), case_no=CASE), metadata=NJ
    ).review
    assert (ended.clock.used_days, ended.clock.paused_days, ended.clock.days_left) == (2, 2, 3)
    assert ended.clock.due_on == "2026-10-13"
    extended = approval.reviews.ExtendTimeLimit(
        A.ExtendTimeLimitRequest(
            request_id=rid(), case_no=CASE, approver="县农业农村局局长", reason="需补充检验"
        ),
        metadata=NJ,
    )
    assert extended.review.clock.extension_days == 10 and extended.review.clock.days_left == 13
    assert extended.notice.number == "YQ-NJ-2026-00001"

    before = snapshot(approval)
    again = error_of(
        lambda: approval.reviews.ExtendTimeLimit(
            A.ExtendTimeLimitRequest(request_id=rid(), case_no=CASE, approver="局长", reason="再延"),
            metadata=NJ,
        )
    )
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert snapshot(approval) == before


def test_deciding_is_refused_while_paused_and_before_the_decision_step(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    before = snapshot(approval)
    early = error_of(
        lambda: approval.reviews.DecideCase(
            A.DecideCaseRequest(request_id=rid(), case_no=CASE, outcome=A.DECISION_OUTCOME_GRANTED),
            metadata=NJ,
        )
    )
    assert early.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert snapshot(approval) == before

    for step in ("乡镇初审", "部门审核"):
        current = active(review(approval))[0]
        assert current.name == step
        who = CLERK if step == "乡镇初审" else NJ
        approval.reviews.CompleteStep(
            A.CompleteStepRequest(
                request_id=rid(), case_no=CASE, step_number=current.number, verdict=A.VERDICT_APPROVE
            ),
            metadata=who,
        )
    approval.reviews.StartSpecialProcedure(
        A.StartSpecialProcedureRequest(
            request_id=rid(),
            case_no=CASE,
            procedure=C.SPECIAL_PROCEDURE_TESTING,
            reason="复检",
            planned_days=2,
        ),
        metadata=NJ,
    )
    before = snapshot(approval)
    paused = error_of(
        lambda: approval.reviews.DecideCase(
            A.DecideCaseRequest(request_id=rid(), case_no=CASE, outcome=A.DECISION_OUTCOME_GRANTED),
            metadata=NJ,
        )
    )
    assert paused.code() == grpc.StatusCode.FAILED_PRECONDITION and "暂停" in paused.details()
    assert snapshot(approval) == before


def test_only_the_steps_own_window_may_act(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    first = active(review(approval))[0]
    before = snapshot(approval)
    for caller in (reviewer("NJ"), clerk(site="320826102", user="clerk-hongyao")):
        error = error_of(
            lambda caller=caller: approval.reviews.CompleteStep(
                A.CompleteStepRequest(
                    request_id=rid(), case_no=CASE, step_number=first.number, verdict=A.VERDICT_APPROVE
                ),
                metadata=as_(caller),
            )
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    approval.reviews.CompleteStep(
        A.CompleteStepRequest(
            request_id=rid(), case_no=CASE, step_number=first.number, verdict=A.VERDICT_APPROVE
        ),
        metadata=CLERK,
    )
    second = active(review(approval))[0]
    other_department = error_of(
        lambda: approval.reviews.CompleteStep(
            A.CompleteStepRequest(
                request_id=rid(), case_no=CASE, step_number=second.number, verdict=A.VERDICT_APPROVE
            ),
            metadata=as_(reviewer("GA")),
        )
    )
    assert other_department.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "NJ" in other_department.details()
    # Only the clerk's claim and answer were recorded.
    assert snapshot(approval)[1:] == (before[1], before[2], before[3] + 2)


def test_bad_input_is_refused_field_by_field(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    first = active(review(approval))[0]
    before = snapshot(approval)
    no_reason = error_of(
        lambda: approval.reviews.CompleteStep(
            A.CompleteStepRequest(
                request_id=rid(), case_no=CASE, step_number=first.number, verdict=A.VERDICT_REFUSE
            ),
            metadata=CLERK,
        )
    )
    assert no_reason.code() == grpc.StatusCode.INVALID_ARGUMENT and fields_of(no_reason) == {"opinion"}
    wrong_procedure = error_of(
        lambda: approval.reviews.StartSpecialProcedure(
            A.StartSpecialProcedureRequest(
                request_id=rid(),
                case_no=CASE,
                procedure=C.SPECIAL_PROCEDURE_HEARING,
                reason="",
                planned_days=0,
            ),
            metadata=NJ,
        )
    )
    assert wrong_procedure.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fields_of(wrong_procedure) == {"procedure", "reason", "planned_days"}
    send_back = error_of(
        lambda: approval.reviews.SendBackForSupplement(
            A.SendBackForSupplementRequest(
                request_id=rid(), case_no=CASE, step_number=first.number, items=[" "]
            ),
            metadata=CLERK,
        )
    )
    assert fields_of(send_back) == {"items", "reason"}
    missing = error_of(
        lambda: approval.reviews.ClaimStep(
            A.ClaimStepRequest(request_id=rid(), case_no=CASE, step_number=999), metadata=CLERK
        )
    )
    assert missing.code() == grpc.StatusCode.NOT_FOUND
    # The answer says which steps there are, by the numbers a reviewer types.
    assert "本件的环节: 1 乡镇初审、2 部门审核、3 审批决定" in missing.details()
    assert snapshot(approval) == before


def test_one_send_back_pauses_the_clock_until_the_supplement(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    first = active(review(approval))[0]
    on(approval, date(2026, 9, 29))
    sent = approval.reviews.SendBackForSupplement(
        A.SendBackForSupplementRequest(
            request_id=rid(),
            case_no=CASE,
            step_number=first.number,
            items=["车辆来历证明原件"],
            reason="复印件不清晰",
        ),
        metadata=CLERK,
    ).review
    assert sent.state == A.REVIEW_STATE_SENT_BACK and sent.clock.paused
    [announced] = approval.sent(approval_events.ReviewSentBack)
    assert list(announced.items) == ["车辆来历证明原件"]
    # Nobody answers a case that is with the applicant.
    blocked = error_of(
        lambda: approval.reviews.CompleteStep(
            A.CompleteStepRequest(
                request_id=rid(), case_no=CASE, step_number=first.number, verdict=A.VERDICT_APPROVE
            ),
            metadata=CLERK,
        )
    )
    assert blocked.code() == grpc.StatusCode.FAILED_PRECONDITION
    # The applicant supplements on 9 Oct: 30 Sep, 8 and 9 Oct do not count.
    approval.deliver(
        event(
            acceptance_events.CaseReviewSupplemented(
                case=acceptance_events.CaseRef(case_no=CASE), supplemented_on="2026-10-09"
            ),
            CASE,
        )
    )
    on(approval, date(2026, 10, 9))
    resumed = review(approval)
    assert resumed.state == A.REVIEW_STATE_IN_REVIEW
    assert (resumed.clock.used_days, resumed.clock.paused_days, resumed.clock.days_left) == (1, 3, 4)
    twice = error_of(
        lambda: approval.reviews.SendBackForSupplement(
            A.SendBackForSupplementRequest(
                request_id=rid(), case_no=CASE, step_number=first.number, items=["又一项"], reason="再退"
            ),
            metadata=CLERK,
        )
    )
    assert twice.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_an_overdue_case_cannot_be_extended(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    on(approval, date(2026, 10, 12))  # the 6th working day of 5
    assert review(approval).clock.overdue
    error = error_of(
        lambda: approval.reviews.ExtendTimeLimit(
            A.ExtendTimeLimitRequest(request_id=rid(), case_no=CASE, approver="局长", reason="来不及"),
            metadata=NJ,
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and "超期" in error.details()
    overdue = approval.reviews.ListInbox(A.ListInboxRequest(overdue_only=True), metadata=CLERK)
    assert [i.case_no for i in overdue.items] == [CASE] and overdue.items[0].step.overdue


def _answer_parallel(approval: ApprovalUnderTest, verdicts: dict[str, int]) -> A.Review:
    first = active(review(approval))[0]
    approval.reviews.CompleteStep(
        A.CompleteStepRequest(
            request_id=rid(), case_no=CASE, step_number=first.number, verdict=A.VERDICT_APPROVE
        ),
        metadata=CLERK,
    )
    branches = active(review(approval))
    assert sorted((s.department_code, s.lead) for s in branches) == [
        ("NJ", False),
        ("ZJ", False),
        ("ZR", True),
    ]
    last = A.Review()
    for branch in branches:
        verdict = verdicts[branch.department_code]
        opinion = f"{branch.department_code}不同意: 不符合规划" if verdict == A.VERDICT_REFUSE else ""
        last = approval.reviews.CompleteStep(
            A.CompleteStepRequest(
                request_id=rid(), case_no=CASE, step_number=branch.number, verdict=verdict, opinion=opinion
            ),
            metadata=as_(reviewer(branch.department_code)),
        ).review
    return last


def test_parallel_approval_is_refused_when_one_department_refuses(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(PLANNING, CASE))
    decided = _answer_parallel(
        approval, {"ZR": A.VERDICT_APPROVE, "ZJ": A.VERDICT_REFUSE, "NJ": A.VERDICT_APPROVE}
    )
    assert decided.state == A.REVIEW_STATE_DECIDED
    assert decided.decision.outcome == A.DECISION_OUTCOME_REFUSED
    assert decided.decision.department_code == "ZR"  # the lead department decides
    assert [(r.department_code, r.reason) for r in decided.decision.reasons] == [
        ("ZJ", "ZJ不同意: 不符合规划")
    ]
    assert decided.steps[-1].state == A.STEP_STATE_CANCELLED
    document = approval.reviews.GetReviewDocument(
        A.GetReviewDocumentRequest(number=decided.decision.document_number), metadata=CLERK
    ).document
    assert document.kind == A.REVIEW_DOCUMENT_KIND_REFUSAL_DECISION
    assert "县住房和城乡建设局：ZJ不同意" in document.text and "县自然资源和规划局" in document.text
    [announced] = approval.sent(approval_events.ReviewDecided)
    assert announced.outcome == A.DECISION_OUTCOME_REFUSED and announced.on_time is True


def test_parallel_approval_waits_for_every_department_then_the_lead_decides(
    approval: ApprovalUnderTest,
) -> None:
    approval.deliver(accepted_event(PLANNING, CASE))
    answered = _answer_parallel(
        approval, {"ZR": A.VERDICT_APPROVE, "ZJ": A.VERDICT_APPROVE, "NJ": A.VERDICT_APPROVE}
    )
    assert [s.name for s in active(answered)] == ["审批决定"]
    extended = approval.reviews.ExtendTimeLimit(
        A.ExtendTimeLimitRequest(
            request_id=rid(), case_no=CASE, approver="县自然资源和规划局局长", reason="联合踏勘"
        ),
        metadata=as_(reviewer("ZR")),
    ).review
    assert extended.clock.extension_days == 15  # joint handling
    decided = approval.reviews.DecideCase(
        A.DecideCaseRequest(request_id=rid(), case_no=CASE, outcome=A.DECISION_OUTCOME_GRANTED),
        metadata=as_(reviewer("ZR")),
    )
    assert decided.review.decision.outcome == A.DECISION_OUTCOME_GRANTED
    assert decided.document.number == "ZY-ZR-2026-00001" and "准予行政许可" in decided.document.text
    assert decided.review.decision.decided_on == START.date().isoformat()


def test_a_withdrawn_case_closes_its_review(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    withdrawn = acceptance_events.CaseWithdrawn(
        case=acceptance_events.CaseRef(case_no=CASE), withdrawn_by="clerk-gaogou"
    )
    approval.deliver(event(withdrawn, CASE))

    closed = review(approval)
    assert closed.state == A.REVIEW_STATE_WITHDRAWN
    assert {s.state for s in closed.steps} == {A.STEP_STATE_CANCELLED}
    assert not approval.reviews.ListInbox(A.ListInboxRequest(), metadata=CLERK).items


def test_a_malformed_event_is_rejected_not_retried_for_ever(approval: ApprovalUnderTest) -> None:
    broken = accepted_event(TRACTOR, CASE)
    accepted = acceptance_events.CaseAccepted()
    broken.payload.Unpack(accepted)
    accepted.accepted_on = "28/09/2026"
    broken.payload.Pack(accepted)
    garbled = accepted_event(TRACTOR, CASE)
    garbled.payload.value = b"\xff\xff not protobuf"
    unknown = event(acceptance_events.CaseReceived(case=acceptance_events.CaseRef(case_no=CASE)), CASE)
    for bad in (broken, garbled, unknown):
        with pytest.raises(DomainError) as rejected:
            approval.deliver(bad)
        assert rejected.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error_of(lambda: review(approval)).code() == grpc.StatusCode.NOT_FOUND
