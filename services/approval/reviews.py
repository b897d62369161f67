"""Review use cases for county and township windows: claim, reassign, answer, send back,
special procedures, extension and decision. Each is one transaction with its activity
log entry, its outbox event and the request's idempotency key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from google.protobuf.message import Message
from sqlmodel import Session
from tongban.acceptance.v1 import catalog_pb2
from tongban.approval.v1 import approval_pb2

from services.approval import documents, flow, repository, views
from services.approval.models import PauseRow, ReviewDocumentRow, ReviewRow, StepRow
from services.approval.records import announce, log_activity
from services.common.calendar import WorkingCalendar
from services.common.calls import CallContext
from services.common.case_tracing import case_span
from services.common.clock import Clock
from services.common.clock import today as today_of
from services.common.db import Database
from services.common.errors import (
    DomainError,
    FieldProblem,
    StateProblem,
    invalid_input,
    not_found,
    permission_denied,
    required,
    wrong_state,
)
from services.common.idempotency import run_request_once

A = approval_pb2
C = catalog_pb2
Response = TypeVar("Response", bound=Message)
MAX_PLANNED_DAYS = 60

STATE_NAMES: dict[int, str] = {
    A.REVIEW_STATE_IN_REVIEW: "审查中",
    A.REVIEW_STATE_SENT_BACK: "退回补正中",
    A.REVIEW_STATE_DECIDED: "已决定",
    A.REVIEW_STATE_WITHDRAWN: "已撤回",
}


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


def _refuse_state(review: ReviewRow, action: str, problem: str) -> DomainError:
    return wrong_state(
        f"办件 {review.case_no} {problem}, 不能{action} / "
        f"case {review.case_no}: cannot {_ACTIONS_EN.get(action, action)} in its present state",
        [StateProblem(review.case_no, problem, "REVIEW_STATE")],
    )


def _require_open(review: ReviewRow, action: str) -> None:
    if review.state == A.REVIEW_STATE_SENT_BACK:
        raise _refuse_state(review, action, "已退回窗口补正, 等待申请人补正材料")
    if review.state != A.REVIEW_STATE_IN_REVIEW:
        raise _refuse_state(review, action, f"当前状态为「{STATE_NAMES.get(review.state, '未知')}」")


def _open_pause(pauses: list[PauseRow]) -> PauseRow | None:
    return next((pause for pause in pauses if pause.ended_on is None), None)


@dataclass
class Reviews:
    db: Database
    clock: Clock
    calendar: WorkingCalendar

    # ----- shared helpers -----

    def _today(self) -> date:
        return today_of(self.clock)

    def _idempotent(
        self,
        method: str,
        request: Any,
        response_type: type[Response],
        use_case: Callable[[Session], Response],
    ) -> Response:
        return run_request_once(self.db, self.clock, method, request, response_type, use_case)

    def _load(self, session: Session, call: CallContext, case_no: str, *, for_update: bool) -> ReviewRow:
        if not case_no.strip():
            raise invalid_input(
                "缺少办件编号 / case_no is required", required(case_no, "case_no", "办件编号")
            )
        review = repository.review(session, case_no, for_update=for_update)
        if review is None:
            raise not_found("review", case_no, f"办件 {case_no} 不在审查中 / no review for this case")
        call.require_site(review.site_code)
        return review

    def view(self, session: Session, review: ReviewRow) -> approval_pb2.Review:
        session.flush()
        return views.review_message(
            self.calendar,
            review,
            steps=repository.steps_of(session, review.case_no),
            pauses=repository.pauses_of(session, review.case_no),
            activities=repository.activities_of(session, review.case_no),
            documents=repository.documents_of(session, review.case_no),
            today=self._today(),
        )

    def _step(self, session: Session, review: ReviewRow, step_id: int) -> tuple[StepRow, list[StepRow]]:
        steps = repository.steps_of(session, review.case_no)
        step = next((s for s in steps if s.step_id == step_id), None)
        if step is None:
            raise not_found("step", str(step_id), f"办件 {review.case_no} 没有环节 {step_id} / no such step")
        return step, steps

    def _require_window(self, call: CallContext, step: StepRow) -> None:
        problem = flow.window_problem(call.caller, step)
        if problem is not None:
            raise permission_denied(problem)

    def _require_department(self, call: CallContext, review: ReviewRow) -> None:
        if call.caller.department_code != review.department_code:
            raise permission_denied(
                f"仅承办部门 {review.department_code} 可以办理 / "
                f"only department {review.department_code} may do this"
            )

    def _require_active(self, review: ReviewRow, step: StepRow) -> None:
        if step.state != A.STEP_STATE_ACTIVE:
            raise wrong_state(
                f"「{step.name}」环节不是当前环节 / step {step.step_id} is not active",
                [
                    StateProblem(
                        f"{review.case_no}/{step.step_id}", A.StepState.Name(step.state), "STEP_STATE"
                    )
                ],
            )

    def _hold(self, session: Session, call: CallContext, review: ReviewRow, step: StepRow) -> None:
        """The caller must hold the step; an unassigned step is claimed by acting on it."""
        if step.assignee and step.assignee != call.caller.user_id:
            raise wrong_state(
                f"「{step.name}」已由 {step.assignee} 签收, 请先改派 / "
                f"held by {step.assignee}; reassign it first",
                [
                    StateProblem(
                        f"{review.case_no}/{step.step_id}", f"assigned to {step.assignee}", "ASSIGNEE"
                    )
                ],
            )
        if not step.assignee:
            step.assignee = call.caller.user_id
            log_activity(
                session, review, "claimed", call.caller.user_id, self.clock.now(), step_id=step.step_id
            )

    def _step_use_case(
        self,
        call: CallContext,
        case_no: str,
        step_id: int,
        action: Callable[[Session, ReviewRow, StepRow, list[StepRow]], None],
        name: str,
    ) -> Callable[[Session], approval_pb2.Review]:
        def use_case(session: Session) -> approval_pb2.Review:
            review = self._load(session, call, case_no, for_update=True)
            step, steps = self._step(session, review, step_id)
            self._require_window(call, step)
            with case_span(f"approval.{name}", review):
                action(session, review, step, steps)
            return self.view(session, review)

        return use_case

    # ----- queries -----

    def get(
        self, call: CallContext, request: approval_pb2.GetReviewRequest
    ) -> approval_pb2.GetReviewResponse:
        with self.db.reading() as session:
            review = self._load(session, call, request.case_no, for_update=False)
            with case_span("approval.get_review", review):
                return A.GetReviewResponse(review=self.view(session, review))

    def document(
        self, call: CallContext, request: approval_pb2.GetReviewDocumentRequest
    ) -> approval_pb2.GetReviewDocumentResponse:
        with self.db.reading() as session:
            row = repository.document(session, request.number.strip())
            if row is None:
                raise not_found(
                    "document", request.number, f"文书 {request.number} 不存在 / no such document"
                )
            review = repository.review(session, row.case_no)
            assert review is not None  # foreign key
            call.require_site(review.site_code)
            return A.GetReviewDocumentResponse(document=documents.document_message(row))

    # ----- steps -----

    def claim(
        self, call: CallContext, request: approval_pb2.ClaimStepRequest
    ) -> approval_pb2.ClaimStepResponse:
        def claim(session: Session, review: ReviewRow, step: StepRow, _steps: list[StepRow]) -> None:
            self._require_active(review, step)
            self._hold(session, call, review, step)

        use_case = self._step_use_case(call, request.case_no, request.step_id, claim, "claim")
        return self._idempotent(
            "ClaimStep", request, A.ClaimStepResponse, lambda s: A.ClaimStepResponse(review=use_case(s))
        )

    def reassign(
        self, call: CallContext, request: approval_pb2.ReassignStepRequest
    ) -> approval_pb2.ReassignStepResponse:
        def reassign(session: Session, review: ReviewRow, step: StepRow, _steps: list[StepRow]) -> None:
            target = request.assignee.strip()
            if not target or target == step.assignee:
                raise invalid_input(
                    "请填写改派给谁 (不能是当前承办人) / name a different assignee",
                    [FieldProblem("assignee", "required, and not the current assignee")],
                )
            self._require_active(review, step)
            previous = step.assignee
            step.assignee = target
            log_activity(
                session,
                review,
                "reassigned",
                call.caller.user_id,
                self.clock.now(),
                step_id=step.step_id,
                target=target,
                detail=f"from {previous or '-'}: {request.reason.strip()}",
            )

        use_case = self._step_use_case(call, request.case_no, request.step_id, reassign, "reassign")
        return self._idempotent(
            "ReassignStep",
            request,
            A.ReassignStepResponse,
            lambda s: A.ReassignStepResponse(review=use_case(s)),
        )

    def complete(
        self, call: CallContext, request: approval_pb2.CompleteStepRequest
    ) -> approval_pb2.CompleteStepResponse:
        def complete(session: Session, review: ReviewRow, step: StepRow, steps: list[StepRow]) -> None:
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
                    [StateProblem(f"{review.case_no}/{step.step_id}", "decision step", "STEP_KIND")],
                )
            _require_open(review, "提交审查意见")
            self._require_active(review, step)
            self._hold(session, call, review, step)
            today = self._today()
            step.state = A.STEP_STATE_DONE
            step.finished_on = today
            step.verdict = request.verdict
            step.opinion = request.opinion.strip()
            step.acted_by = call.caller.user_id
            log_activity(
                session,
                review,
                "answered",
                call.caller.user_id,
                self.clock.now(),
                step_id=step.step_id,
                detail=A.Verdict.Name(request.verdict),
            )
            announce(
                session,
                review,
                "review.step_completed",
                self.clock.now(),
                step=step.name,
                step_department=step.department_code,
                verdict=A.Verdict.Name(request.verdict),
            )
            self._advance(session, call, review, step, steps)

        use_case = self._step_use_case(call, request.case_no, request.step_id, complete, "complete_step")
        return self._idempotent(
            "CompleteStep",
            request,
            A.CompleteStepResponse,
            lambda s: A.CompleteStepResponse(review=use_case(s)),
        )

    def _advance(
        self, session: Session, call: CallContext, review: ReviewRow, step: StepRow, steps: list[StepRow]
    ) -> None:
        if not flow.position_answered(steps, step.position):
            return
        refusals = flow.refusals_at(steps, step.position)
        if refusals:
            # Parallel approval: any department's refusal refuses the case, with every department's reasons.
            lead = next(
                (s.department_code for s in steps if s.position == step.position and s.lead),
                step.department_code,
            )
            reasons = [(s.department_code, s.opinion) for s in refusals]
            self._decide(session, call, review, steps, A.DECISION_OUTCOME_REFUSED, reasons, lead)
            return
        flow.activate_next(steps, self._today())

    def send_back(
        self, call: CallContext, request: approval_pb2.SendBackForSupplementRequest
    ) -> approval_pb2.SendBackForSupplementResponse:
        def send_back(session: Session, review: ReviewRow, step: StepRow, _steps: list[StepRow]) -> None:
            items = [item.strip() for item in request.items if item.strip()]
            problems = required(request.reason, "reason", "退回理由")
            if not items:
                problems.append(FieldProblem("items", "列出需补正的全部材料 / list everything to supplement"))
            if problems:
                raise invalid_input("退回补正信息不完整 / the send-back is incomplete", problems)
            _require_open(review, "退回补正")
            if review.sent_back:
                raise _refuse_state(review, "再次退回补正", "已退回补正过一次 (一次性告知)")
            pauses = repository.pauses_of(session, review.case_no)
            if _open_pause(pauses) is not None:
                raise _refuse_state(review, "退回补正", "特殊环节进行中")
            self._require_active(review, step)
            self._hold(session, call, review, step)
            today = self._today()
            review.state = A.REVIEW_STATE_SENT_BACK
            review.sent_back = True
            session.add(
                PauseRow(
                    case_no=review.case_no,
                    kind=A.PAUSE_KIND_SUPPLEMENT,
                    reason=request.reason.strip(),
                    started_on=today,
                    started_by=call.caller.user_id,
                    items=json.dumps(items, ensure_ascii=False),
                )
            )
            log_activity(
                session, review, "sent_back", call.caller.user_id, self.clock.now(), step_id=step.step_id
            )
            announce(
                session,
                review,
                "review.sent_back",
                self.clock.now(),
                items=items,
                reason=request.reason.strip(),
                sent_back_on=today.isoformat(),
            )

        use_case = self._step_use_case(call, request.case_no, request.step_id, send_back, "send_back")
        return self._idempotent(
            "SendBackForSupplement",
            request,
            A.SendBackForSupplementResponse,
            lambda s: A.SendBackForSupplementResponse(review=use_case(s)),
        )

    # ----- the clock -----

    def _department_name(self, review: ReviewRow, code: str) -> str:
        return str(json.loads(review.department_names).get(code, code))

    def start_procedure(
        self, call: CallContext, request: approval_pb2.StartSpecialProcedureRequest
    ) -> approval_pb2.StartSpecialProcedureResponse:
        def use_case(session: Session) -> approval_pb2.StartSpecialProcedureResponse:
            review = self._load(session, call, request.case_no, for_update=True)
            self._require_department(call, review)
            allowed = {int(value) for value in review.special_procedures.split()}
            problems = required(request.reason, "reason", "特殊环节事由")
            if request.procedure not in allowed:
                names = "、".join(C.SpecialProcedure.Name(v) for v in sorted(allowed)) or "无"
                problems.append(
                    FieldProblem("procedure", f"该事项可用的特殊环节 / allowed for this matter: {names}")
                )
            if not 1 <= request.planned_days <= MAX_PLANNED_DAYS:
                problems.append(FieldProblem("planned_days", f"1–{MAX_PLANNED_DAYS} 个工作日 / working days"))
            if problems:
                raise invalid_input("特殊环节信息有误 / the special procedure is not valid", problems)
            _require_open(review, "启动特殊环节")
            if _open_pause(repository.pauses_of(session, review.case_no)) is not None:
                raise _refuse_state(review, "启动特殊环节", "已有特殊环节进行中")
            today = self._today()
            with case_span("approval.start_special_procedure", review):
                kind_name = C.SpecialProcedure.Name(request.procedure)
                label = PROCEDURE_LABELS.get(request.procedure, kind_name)
                notice = documents.issue(
                    session,
                    review,
                    documents.Draft(
                        kind=A.REVIEW_DOCUMENT_KIND_SPECIAL_PROCEDURE_NOTICE,
                        department_code=review.department_code,
                        department_name=self._department_name(review, review.department_code),
                        body=[
                            f"您申请的事项需进行特殊环节：{label}。",
                            f"事由：{request.reason.strip()}",
                            f"自 {today.isoformat()} 起，预计 {request.planned_days} 个工作日；",
                            "依《行政许可法》第四十五条，所需时间不计入审批时限。",
                        ],
                    ),
                    today,
                )
                session.add(
                    PauseRow(
                        case_no=review.case_no,
                        kind=A.PAUSE_KIND_SPECIAL_PROCEDURE,
                        procedure=request.procedure,
                        reason=request.reason.strip(),
                        planned_days=request.planned_days,
                        started_on=today,
                        notice_number=notice.number,
                        started_by=call.caller.user_id,
                    )
                )
                log_activity(
                    session,
                    review,
                    "procedure_started",
                    call.caller.user_id,
                    self.clock.now(),
                    detail=kind_name,
                )
                announce(
                    session,
                    review,
                    "review.procedure_started",
                    self.clock.now(),
                    procedure=kind_name,
                    planned_days=request.planned_days,
                    started_on=today.isoformat(),
                    notice_number=notice.number,
                )
                return A.StartSpecialProcedureResponse(
                    review=self.view(session, review), notice=documents.document_message(notice)
                )

        return self._idempotent("StartSpecialProcedure", request, A.StartSpecialProcedureResponse, use_case)

    def end_procedure(
        self, call: CallContext, request: approval_pb2.EndSpecialProcedureRequest
    ) -> approval_pb2.EndSpecialProcedureResponse:
        def use_case(session: Session) -> approval_pb2.EndSpecialProcedureResponse:
            review = self._load(session, call, request.case_no, for_update=True)
            self._require_department(call, review)
            pause = _open_pause(repository.pauses_of(session, review.case_no))
            if pause is None or pause.kind != A.PAUSE_KIND_SPECIAL_PROCEDURE:
                raise _refuse_state(review, "结束特殊环节", "没有进行中的特殊环节")
            today = self._today()
            with case_span("approval.end_special_procedure", review):
                pause.ended_on = today
                pause.ended_by = call.caller.user_id
                paused = self.calendar.working_days_between(pause.started_on, today)
                log_activity(session, review, "procedure_ended", call.caller.user_id, self.clock.now())
                announce(
                    session,
                    review,
                    "review.procedure_ended",
                    self.clock.now(),
                    procedure=C.SpecialProcedure.Name(pause.procedure),
                    ended_on=today.isoformat(),
                    paused_days=paused,
                )
                return A.EndSpecialProcedureResponse(review=self.view(session, review))

        return self._idempotent("EndSpecialProcedure", request, A.EndSpecialProcedureResponse, use_case)

    def extend(
        self, call: CallContext, request: approval_pb2.ExtendTimeLimitRequest
    ) -> approval_pb2.ExtendTimeLimitResponse:
        def use_case(session: Session) -> approval_pb2.ExtendTimeLimitResponse:
            problems = required(request.approver, "approver", "批准人") + required(
                request.reason, "reason", "延期理由"
            )
            if problems:
                raise invalid_input("延期须写明批准人和理由 / approver and reason are required", problems)
            review = self._load(session, call, request.case_no, for_update=True)
            self._require_department(call, review)
            if review.state not in repository.OPEN_STATES:
                raise _refuse_state(review, "延期", f"当前状态为「{STATE_NAMES.get(review.state, '未知')}」")
            if review.extension_days:
                raise _refuse_state(review, "再次延期", "已延期一次 (《行政许可法》第四十二条只允许延期一次)")
            pauses = repository.pauses_of(session, review.case_no)
            today = self._today()
            if views.case_clock(self.calendar, review, pauses, today).overdue:
                raise _refuse_state(review, "延期", "已超期, 超期后不能再延期")
            steps = repository.steps_of(session, review.case_no)
            days = 15 if flow.is_joint(steps) else 10
            with case_span("approval.extend", review):
                notice = documents.issue(
                    session,
                    review,
                    documents.Draft(
                        kind=A.REVIEW_DOCUMENT_KIND_EXTENSION_NOTICE,
                        department_code=review.department_code,
                        department_name=self._department_name(review, review.department_code),
                        body=[
                            f"经 {request.approver.strip()} 批准，审批期限延长 {days} 个工作日。",
                            f"理由：{request.reason.strip()}",
                        ],
                    ),
                    today,
                )
                review.extension_days = days
                review.extension_approver = request.approver.strip()
                review.extension_reason = request.reason.strip()
                review.extension_granted_on = today
                review.extension_granted_by = call.caller.user_id
                review.extension_notice = notice.number
                log_activity(
                    session, review, "extended", call.caller.user_id, self.clock.now(), detail=f"+{days}"
                )
                announce(
                    session,
                    review,
                    "review.extended",
                    self.clock.now(),
                    extension_days=days,
                    notice_number=notice.number,
                )
                return A.ExtendTimeLimitResponse(
                    review=self.view(session, review), notice=documents.document_message(notice)
                )

        return self._idempotent("ExtendTimeLimit", request, A.ExtendTimeLimitResponse, use_case)

    # ----- the decision -----

    def decide(
        self, call: CallContext, request: approval_pb2.DecideCaseRequest
    ) -> approval_pb2.DecideCaseResponse:
        def use_case(session: Session) -> approval_pb2.DecideCaseResponse:
            problems: list[FieldProblem] = []
            if request.outcome not in (A.DECISION_OUTCOME_GRANTED, A.DECISION_OUTCOME_REFUSED):
                problems.append(FieldProblem("outcome", "准予或不予 / GRANTED or REFUSED"))
            if request.outcome == A.DECISION_OUTCOME_REFUSED:
                problems += required(request.reasons, "reasons", "不予许可的理由")
            if problems:
                raise invalid_input("决定信息不完整 / the decision is incomplete", problems)
            review = self._load(session, call, request.case_no, for_update=True)
            _require_open(review, "作出决定")
            if _open_pause(repository.pauses_of(session, review.case_no)) is not None:
                raise _refuse_state(review, "作出决定", "特殊环节进行中, 计时暂停")
            steps = repository.steps_of(session, review.case_no)
            step = next(
                (s for s in steps if s.state == A.STEP_STATE_ACTIVE and s.kind == C.STEP_KIND_DECISION), None
            )
            if step is None:
                raise _refuse_state(review, "作出决定", "尚未进入决定环节")
            self._require_window(call, step)
            self._hold(session, call, review, step)
            with case_span("approval.decide", review):
                step.state = A.STEP_STATE_DONE
                step.finished_on = self._today()
                step.verdict = (
                    A.VERDICT_APPROVE if request.outcome == A.DECISION_OUTCOME_GRANTED else A.VERDICT_REFUSE
                )
                step.opinion = request.reasons.strip()
                step.acted_by = call.caller.user_id
                reasons = [(step.department_code, request.reasons.strip())] if request.reasons.strip() else []
                document = self._decide(
                    session, call, review, steps, request.outcome, reasons, step.department_code
                )
                return A.DecideCaseResponse(
                    review=self.view(session, review), document=documents.document_message(document)
                )

        return self._idempotent("DecideCase", request, A.DecideCaseResponse, use_case)

    def _decide(
        self,
        session: Session,
        call: CallContext,
        review: ReviewRow,
        steps: list[StepRow],
        outcome: int,
        reasons: list[tuple[str, str]],
        department: str,
    ) -> ReviewDocumentRow:
        today = self._today()
        granted = outcome == A.DECISION_OUTCOME_GRANTED
        body = (
            ["经审查，您的申请符合法定条件、标准，决定准予行政许可。"]
            if granted
            else [
                "经审查，您的申请不符合法定条件、标准，决定不予行政许可。理由如下：",
                *(f"{self._department_name(review, code)}：{reason}" for code, reason in reasons),
                "如不服本决定，可依法申请行政复议或者提起行政诉讼。",
            ]
        )
        document = documents.issue(
            session,
            review,
            documents.Draft(
                kind=A.REVIEW_DOCUMENT_KIND_GRANT_DECISION
                if granted
                else A.REVIEW_DOCUMENT_KIND_REFUSAL_DECISION,
                department_code=department,
                department_name=self._department_name(review, department),
                body=body,
            ),
            today,
        )
        flow.cancel_open(steps, today)
        review.state = A.REVIEW_STATE_DECIDED
        review.decision_outcome = outcome
        review.decision_reasons = json.dumps(reasons, ensure_ascii=False)
        review.decision_number = document.number
        review.decided_on = today
        review.decided_by = call.caller.user_id
        review.decision_department = department
        reading = views.case_clock(
            self.calendar, review, repository.pauses_of(session, review.case_no), today
        )
        log_activity(
            session,
            review,
            "decided",
            call.caller.user_id,
            self.clock.now(),
            detail=A.DecisionOutcome.Name(outcome),
        )
        announce(
            session,
            review,
            "review.decided",
            self.clock.now(),
            outcome=A.DecisionOutcome.Name(outcome),
            document_number=document.number,
            decided_on=today.isoformat(),
            decision_department=department,
            on_time=not reading.overdue,
            used_days=reading.used_days,
            budget_days=review.budget_days,
            extension_days=review.extension_days,
        )
        return document


PROCEDURE_LABELS: dict[int, str] = {
    C.SPECIAL_PROCEDURE_HEARING: "听证",
    C.SPECIAL_PROCEDURE_SITE_INSPECTION: "现场踏勘",
    C.SPECIAL_PROCEDURE_PUBLIC_NOTICE: "公告公示",
    C.SPECIAL_PROCEDURE_EXPERT_REVIEW: "专家评审",
    C.SPECIAL_PROCEDURE_TESTING: "检验检测",
}
