"""What every review use case checks first: the review and step exist, the caller's window acts
on them, and the review's state allows the action. Each refusal says why in Chinese and English."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlmodel import Session
from tongban.approval.v1 import approval_pb2

from services.approval import flow, repository, views
from services.approval.models import PauseRow, ReviewRow, StepRow
from services.common import labels
from services.common.calls import CallContext
from services.common.case_tracing import case_span
from services.common.errors import (
    DomainError,
    StateProblem,
    invalid_input,
    not_found,
    permission_denied,
    required,
    wrong_state,
)
from services.common.rows import update_rows
from services.common.usecases import UseCases

A = approval_pb2

# The English half of each refusal message (messages are bilingual where a reviewer reads them).
_ACTIONS_EN = {
    "提交审查意见": "answer the step",
    "退回补正": "send the case back",
    "再次退回补正": "send the case back again",
    "启动特殊环节": "start a special procedure",
    "结束特殊环节": "end a special procedure",
    "延期": "extend the time limit",
    "再次延期": "extend the time limit again",
    "作出决定": "decide the case",
}


def refuse_state(review: ReviewRow, action: str, problem: str) -> DomainError:
    return wrong_state(
        f"办件 {review.case_no} {problem}, 不能{action} / "
        f"case {review.case_no}: cannot {_ACTIONS_EN.get(action, action)} in its present state",
        [StateProblem(review.case_no, problem, "REVIEW_STATE")],
    )


def state_name(review: ReviewRow) -> str:
    return labels.zh(A.ReviewState, review.state) or "未知"


def require_open(review: ReviewRow, action: str) -> None:
    if review.state == A.REVIEW_STATE_SENT_BACK:
        raise refuse_state(review, action, "已退回窗口补正, 等待申请人补正材料")
    if review.state != A.REVIEW_STATE_IN_REVIEW:
        raise refuse_state(review, action, f"当前状态为「{state_name(review)}」")


def open_pause(pauses: list[PauseRow]) -> PauseRow | None:
    return next((pause for pause in pauses if pause.ended_on is None), None)


def load_review(session: Session, call: CallContext, case_no: str, *, for_update: bool) -> ReviewRow:
    if not case_no.strip():
        raise invalid_input("缺少办件编号 / case_no is required", required(case_no, "case_no", "办件编号"))
    review = repository.review(session, case_no, for_update=for_update)
    if review is None:
        raise not_found("review", case_no, f"办件 {case_no} 不在审查中 / no review for this case")
    departments = reviewing_departments(review)
    if call.department_scoped and not call.may_touch(review.site_code, departments):
        raise permission_denied(
            f"办件 {review.case_no} 由 {'、'.join(sorted(departments))} 审查, 不含您的部门 / "
            f"case {review.case_no} is reviewed by {', '.join(sorted(departments))}, not your department"
        )
    call.require(review.site_code, departments)
    return review


def reviewing_departments(review: ReviewRow) -> frozenset[str]:
    """Every department of the review's flow (the accepted event named them all)."""
    return frozenset(json.loads(review.department_names)) | {review.department_code}


def load_step(session: Session, review: ReviewRow, number: int) -> tuple[StepRow, list[StepRow]]:
    """The case's step with this number, and all its steps; NOT_FOUND lists the numbers there are."""
    steps = repository.steps_of(session, review.case_no)
    step = next((s for s in steps if s.number == number), None)
    if step is None:
        listed = "、".join(_step_label(s, steps) for s in steps)
        raise not_found(
            "step",
            f"{review.case_no}/{number}",
            f"办件 {review.case_no} 没有环节 {number}; 本件的环节: {listed} / "
            f"no step {number} in this case; its steps are 1–{len(steps)}",
        )
    return step, steps


def _step_label(step: StepRow, steps: list[StepRow]) -> str:
    """ "2 并联审核(ZJ)": a parallel step's branches are told apart by their department."""
    parallel = sum(1 for s in steps if s.position == step.position) > 1
    return f"{step.number} {step.name}" + (f"({step.department_code})" if parallel else "")


def require_window(call: CallContext, step: StepRow) -> None:
    problem = flow.window_problem(call.caller, step)
    if problem is not None:
        raise permission_denied(problem)


def require_department(call: CallContext, review: ReviewRow) -> None:
    if call.caller.department_code != review.department_code:
        raise permission_denied(
            f"仅承办部门 {review.department_code} 可以办理 / "
            f"only department {review.department_code} may do this"
        )


def require_active(review: ReviewRow, step: StepRow) -> None:
    if step.state != A.STEP_STATE_ACTIVE:
        raise wrong_state(
            f"「{step.name}」环节不是当前环节 / step {step.number} is not active",
            [
                StateProblem(
                    f"{review.case_no}/{step.number}", labels.zh(A.StepState, step.state), "STEP_STATE"
                )
            ],
        )


def hold(uc: UseCases, session: Session, call: CallContext, review: ReviewRow, step: StepRow) -> None:
    """The caller must hold the step; an unassigned step is claimed by acting on it."""
    claim = claimed(uc, session, call, review, step)
    if claim:
        update_rows(session, [step], **claim)


def claimed(
    uc: UseCases, session: Session, call: CallContext, review: ReviewRow, step: StepRow
) -> dict[str, str]:
    """As `hold`, for an action that writes the step itself: the claim is recorded, and the
    assignee it sets is returned for the action's own UPDATE to carry (one statement, not two)."""
    if step.assignee and step.assignee != call.caller.user_id:
        raise wrong_state(
            f"「{step.name}」已由 {step.assignee} 签收, 请先改派 / "
            f"held by {step.assignee}; reassign it first",
            [
                StateProblem(
                    f"{review.case_no}/{step.number}",
                    f"由 {step.assignee} 签收 / held by {step.assignee}",
                    "ASSIGNEE",
                )
            ],
        )
    if step.assignee:
        return {}
    repository.add_activity(
        session, review, "claimed", call.caller.user_id, uc.clock.now(), step_id=step.step_id
    )
    return {"assignee": call.caller.user_id}


def department_name(review: ReviewRow, code: str) -> str:
    return str(json.loads(review.department_names).get(code, code))


def review_view(
    uc: UseCases, session: Session, review: ReviewRow, steps: list[StepRow] | None = None
) -> approval_pb2.Review:
    session.flush()
    return views.review_view(session, review, uc.calendar, uc.today(), steps=steps)


StepAction = Callable[[Session, ReviewRow, StepRow, list[StepRow]], None]


def on_step(
    uc: UseCases, call: CallContext, case_no: str, number: int, action: StepAction, name: str
) -> Callable[[Session], approval_pb2.Review]:
    """A use case acting on one step of a review, at the caller's window, in the case's trace."""

    def use_case(session: Session) -> approval_pb2.Review:
        review = load_review(session, call, case_no, for_update=True)
        step, steps = load_step(session, review, number)
        require_window(call, step)
        with case_span(f"approval.{name}", review):
            action(session, review, step, steps)
        return review_view(uc, session, review, steps)

    return use_case
