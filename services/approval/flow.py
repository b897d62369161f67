"""A case's review steps from the matter's configured flow, and moving from one step to the next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from tongban.acceptance.v1 import catalog_pb2
from tongban.access.v1 import access_pb2
from tongban.approval.v1 import approval_pb2

from services.approval.models import ReviewRow, StepRow
from services.common.access import role_name
from services.common.identity import Caller

A = approval_pb2
C = catalog_pb2
FINISHED = (A.STEP_STATE_DONE, A.STEP_STATE_SKIPPED, A.STEP_STATE_CANCELLED)


def fallback_flow(budget_days: int) -> list[catalog_pb2.ReviewStep]:
    """A matter without a configured flow is still decided: one decision step by its department."""
    return [
        C.ReviewStep(
            name="审批决定",
            kind=C.STEP_KIND_DECISION,
            role=access_pb2.ROLE_REVIEWER,
            time_limit_days=budget_days,
        )
    ]


@dataclass
class PlannedStep:
    """A step of a review being opened, before it is stored: its row's columns. A plain record,
    as nothing reads it back as an object (a StepRow object cost 60 µs to make, a quarter of
    opening a review: bench/README.md, seventh session)."""

    case_no: str
    position: int
    name: str
    kind: int
    role: int
    time_limit_days: int
    state: int
    department_code: str = ""
    site_code: str = ""
    lead: bool = False
    number: int = 0
    started_on: date | None = None
    # The column has no default of its own (a Text column): the INSERT names it.
    opinion: str = ""

    def start(self, day: date) -> None:
        """As repository.start_steps starts stored steps."""
        self.state = A.STEP_STATE_ACTIVE
        self.started_on = day


def plan_steps(review: ReviewRow, flow: Sequence[catalog_pb2.ReviewStep]) -> list[PlannedStep]:
    """One step per step of the flow, and one per department of a parallel step."""
    accepted_at_county = review.site_level == C.SITE_LEVEL_COUNTY
    planned: list[PlannedStep] = []
    for position, step in enumerate(flow, start=1):
        common: dict[str, Any] = {
            "case_no": review.case_no,
            "position": position,
            "name": step.name,
            "kind": step.kind,
            "role": step.role or access_pb2.ROLE_REVIEWER,
            "time_limit_days": step.time_limit_days,
            "state": A.STEP_STATE_WAITING,
        }
        if step.kind == C.STEP_KIND_INITIAL_REVIEW:
            # Art. 43: the accepting township reviews first; nothing to do when the county accepted.
            state = A.STEP_STATE_SKIPPED if accepted_at_county else A.STEP_STATE_WAITING
            planned.append(PlannedStep(**{**common, "state": state, "site_code": review.site_code}))
        elif step.kind == C.STEP_KIND_PARALLEL_REVIEW:
            lead = step.lead_department_code or review.department_code
            for department in step.department_codes or [review.department_code]:
                planned.append(PlannedStep(**common, department_code=department, lead=department == lead))
        else:
            department = step.department_codes[0] if step.department_codes else review.department_code
            planned.append(PlannedStep(**common, department_code=department))
    # Numbered within the case in the flow's order: the number a reviewer sees and types.
    for number, one in enumerate(planned, start=1):
        one.number = number
    return planned


class _Placed(Protocol):
    """What next_to_start reads of a step, stored (StepRow) or planned (PlannedStep)."""

    @property
    def state(self) -> int: ...

    @property
    def position(self) -> int: ...


S = TypeVar("S", bound=_Placed)


def next_to_start(steps: Sequence[S]) -> list[S]:
    """The steps of the first position that still waits (none at the end)."""
    waiting = [step for step in steps if step.state == A.STEP_STATE_WAITING]
    if not waiting:
        return []
    position = min(step.position for step in waiting)
    return [step for step in waiting if step.position == position]


def position_answered(steps: Sequence[StepRow], position: int) -> bool:
    return all(step.state in FINISHED for step in steps if step.position == position)


def refusals_at(steps: Sequence[StepRow], position: int) -> list[StepRow]:
    return [
        step
        for step in steps
        if step.position == position
        and step.kind == C.STEP_KIND_PARALLEL_REVIEW
        and step.verdict == A.VERDICT_REFUSE
    ]


def cancel_open(steps: Sequence[StepRow], today: date) -> None:
    for step in steps:
        if step.state in (A.STEP_STATE_WAITING, A.STEP_STATE_ACTIVE):
            step.state = A.STEP_STATE_CANCELLED
            if step.started_on is not None:
                step.finished_on = today


def is_joint(steps: Sequence[StepRow]) -> bool:
    """Joint handling (several departments) earns the longer extension (Art. 42: 15 days)."""
    return any(step.kind == C.STEP_KIND_PARALLEL_REVIEW for step in steps)


def window_problem(caller: Caller, step: StepRow) -> str | None:
    """Why the caller may not act on the step, or None: only the step's own window acts on it,
    its department's reviewers, or the accepting site's clerks for the township's review."""
    if role_name(step.role) not in caller.roles:
        return f"「{step.name}」环节不由您的角色办理 / your role does not act on this step"
    if step.department_code and caller.department_code != step.department_code:
        return (
            f"「{step.name}」环节由 {step.department_code} 部门窗口办理 / "
            f"this step belongs to department {step.department_code}"
        )
    if not step.department_code and caller.site_code != step.site_code:
        return (
            f"「{step.name}」环节由受理站点 {step.site_code} 办理 / "
            f"this step belongs to site {step.site_code}"
        )
    return None
