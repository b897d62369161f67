"""Acting on a review step: claim (签收), reassign, answer, and send the case back for supplement."""

from __future__ import annotations

import json

from sqlmodel import Session
from tongban.acceptance.v1 import catalog_pb2
from tongban.approval.v1 import approval_pb2
from tongban.approval.v1 import events_pb2 as E

from services.approval import flow, repository, staff_copy, views
from services.approval.commands.decision import record_decision
from services.approval.commands.guards import (
    claimed,
    hold,
    on_step,
    open_pause,
    refuse_state,
    require_active,
    require_open,
)
from services.approval.events import publish, review_ref
from services.approval.models import PauseRow, ReviewRow, StepRow
from services.common.calls import CallContext
from services.common.errors import FieldProblem, StateProblem, invalid_input, required, wrong_state
from services.common.rows import update_rows
from services.common.usecases import UseCases

A = approval_pb2
C = catalog_pb2


def claim(
    uc: UseCases, call: CallContext, request: approval_pb2.ClaimStepRequest
) -> approval_pb2.ClaimStepResponse:
    def action(session: Session, review: ReviewRow, step: StepRow, _steps: list[StepRow]) -> None:
        require_active(review, step)
        hold(uc, session, call, review, step)

    use_case = on_step(uc, call, request.case_no, request.step_number, action, "claim")
    return uc.once(
        call, "ClaimStep", request, A.ClaimStepResponse, lambda s: A.ClaimStepResponse(review=use_case(s))
    )


def reassign(
    uc: UseCases, call: CallContext, request: approval_pb2.ReassignStepRequest
) -> approval_pb2.ReassignStepResponse:
    def action(session: Session, review: ReviewRow, step: StepRow, _steps: list[StepRow]) -> None:
        target = request.assignee.strip()
        if not target or target == step.assignee:
            raise invalid_input(
                "请填写改派给谁 (不能是当前承办人) / name a different assignee",
                [FieldProblem("assignee", "须填写另一位承办人 / required, and not the current assignee")],
            )
        problem = staff_copy.reassignment_problem(session, target, step)
        if problem is not None:
            raise invalid_input(
                "不能改派给此人 / the step cannot be reassigned to this person",
                [FieldProblem("assignee", problem)],
            )
        require_active(review, step)
        previous = step.assignee
        step.assignee = target
        repository.add_activity(
            session,
            review,
            "reassigned",
            call.caller.user_id,
            uc.clock.now(),
            step_id=step.step_id,
            target=target,
            detail=f"from {previous or '-'}: {request.reason.strip()}",
        )

    use_case = on_step(uc, call, request.case_no, request.step_number, action, "reassign")
    return uc.once(
        call,
        "ReassignStep",
        request,
        A.ReassignStepResponse,
        lambda s: A.ReassignStepResponse(review=use_case(s)),
    )


def complete(
    uc: UseCases, call: CallContext, request: approval_pb2.CompleteStepRequest
) -> approval_pb2.CompleteStepResponse:
    def action(session: Session, review: ReviewRow, step: StepRow, steps: list[StepRow]) -> None:
        problems: list[FieldProblem] = []
        if request.verdict not in (A.VERDICT_APPROVE, A.VERDICT_REFUSE):
            problems.append(FieldProblem("verdict", "同意或不同意 / APPROVE or REFUSE"))
        if request.verdict == A.VERDICT_REFUSE:
            problems += required(request.opinion, "opinion", "不同意的理由")
        if problems:
            raise invalid_input("审查意见不完整 / the answer is incomplete", problems)
        if step.kind == C.STEP_KIND_DECISION:
            raise wrong_state(
                "决定环节请使用「作出决定」/ use DecideCase on the decision step",
                [StateProblem(f"{review.case_no}/{step.number}", "decision step", "STEP_KIND")],
            )
        require_open(review, "提交审查意见")
        require_active(review, step)
        claim = claimed(uc, session, call, review, step)
        today = uc.today()
        now = uc.clock.now()
        update_rows(
            session,
            [step],
            **claim,
            state=A.STEP_STATE_DONE,
            finished_on=today,
            verdict=request.verdict,
            opinion=request.opinion.strip(),
            acted_by=call.caller.user_id,
        )
        repository.add_activity(
            session,
            review,
            "answered",
            call.caller.user_id,
            now,
            step_id=step.step_id,
            detail=A.Verdict.Name(request.verdict),
        )
        reading = views.step_clock(uc.calendar, step, repository.pauses_of(session, review), today)
        publish(
            session,
            review,
            E.ReviewStepCompleted(
                review=review_ref(review),
                step_number=step.number,
                step_name=step.name,
                step_department=step.department_code,
                verdict=request.verdict,
                completed_by=call.caller.user_id,
                completed_on=today.isoformat(),
                step_limit_days=step.time_limit_days,
                step_used_days=reading.used_days if reading else 0,
            ),
            now,
        )
        _advance(uc, session, call, review, step, steps)

    use_case = on_step(uc, call, request.case_no, request.step_number, action, "complete_step")
    return uc.once(
        call,
        "CompleteStep",
        request,
        A.CompleteStepResponse,
        lambda s: A.CompleteStepResponse(review=use_case(s)),
    )


def _advance(
    uc: UseCases, session: Session, call: CallContext, review: ReviewRow, step: StepRow, steps: list[StepRow]
) -> None:
    if not flow.position_answered(steps, step.position):
        return
    refusals = flow.refusals_at(steps, step.position)
    if refusals:
        # Parallel approval: any department's refusal refuses the case, with every department's reasons.
        lead = next(
            (s.department_code for s in steps if s.position == step.position and s.lead), step.department_code
        )
        reasons = [(s.department_code, s.opinion) for s in refusals]
        record_decision(uc, session, call, review, steps, A.DECISION_OUTCOME_REFUSED, reasons, lead)
        return
    repository.start_steps(session, flow.next_to_start(steps), uc.today())


def send_back(
    uc: UseCases, call: CallContext, request: approval_pb2.SendBackForSupplementRequest
) -> approval_pb2.SendBackForSupplementResponse:
    def action(session: Session, review: ReviewRow, step: StepRow, _steps: list[StepRow]) -> None:
        items = [item.strip() for item in request.items if item.strip()]
        problems = required(request.reason, "reason", "退回理由")
        if not items:
            problems.append(FieldProblem("items", "列出需补正的全部材料 / list everything to supplement"))
        if problems:
            raise invalid_input("退回补正信息不完整 / the send-back is incomplete", problems)
        require_open(review, "退回补正")
        if review.sent_back:
            raise refuse_state(review, "再次退回补正", "已退回补正过一次 (一次性告知)")
        if open_pause(repository.pauses_of(session, review)) is not None:
            raise refuse_state(review, "退回补正", "特殊环节进行中")
        require_active(review, step)
        hold(uc, session, call, review, step)
        today = uc.today()
        now = uc.clock.now()
        review.state = A.REVIEW_STATE_SENT_BACK
        review.sent_back = True
        repository.add_pause(
            session,
            review,
            PauseRow(
                case_no=review.case_no,
                kind=A.PAUSE_KIND_SUPPLEMENT,
                reason=request.reason.strip(),
                started_on=today,
                started_by=call.caller.user_id,
                items=json.dumps(items, ensure_ascii=False),
            ),
        )
        repository.add_activity(session, review, "sent_back", call.caller.user_id, now, step_id=step.step_id)
        publish(
            session,
            review,
            E.ReviewSentBack(
                review=review_ref(review),
                items=items,
                reason=request.reason.strip(),
                sent_back_on=today.isoformat(),
            ),
            now,
        )

    use_case = on_step(uc, call, request.case_no, request.step_number, action, "send_back")
    return uc.once(
        call,
        "SendBackForSupplement",
        request,
        A.SendBackForSupplementResponse,
        lambda s: A.SendBackForSupplementResponse(review=use_case(s)),
    )
