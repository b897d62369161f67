"""Accountability cases (问责, DOMAIN.md "Supervision"): an inspector opens one from alerts about
one department, asks for a written explanation by a date and records it, decides, and closes.
Every step is an entry of the hash-chained record; a decided case cannot be decided again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select
from tongban.supervision.v1 import supervision_pb2 as S

from services.common import labels
from services.common.calls import CallContext
from services.common.case_tracing import case_span
from services.common.errors import (
    FieldProblem,
    StateProblem,
    invalid_input,
    not_found,
    or_not_found,
    wrong_state,
)
from services.common.usecases import Response, UseCases
from services.supervision import deductions, record
from services.supervision.models import (
    AccountabilityAlertRow,
    AccountabilityCaseRow,
    AccountabilityStepRow,
    AlertRow,
    CaseWatchRow,
)
from services.supervision.views import accountability_message

OPEN = S.ACCOUNTABILITY_STATE_OPEN
REQUESTED = S.ACCOUNTABILITY_STATE_EXPLANATION_REQUESTED
RECEIVED = S.ACCOUNTABILITY_STATE_EXPLANATION_RECEIVED
DECIDED = S.ACCOUNTABILITY_STATE_DECIDED
CLOSED = S.ACCOUNTABILITY_STATE_CLOSED


def _wrong_state(case: AccountabilityCaseRow, doing: str, allowed: Sequence[int]) -> Exception:
    names = "、".join(_state_zh(s) for s in allowed)
    return wrong_state(
        f"问责案件 {case.case_id} 当前为“{_state_zh(case.state)}”，不能{doing}（须为：{names}）"
        f" / case {case.case_id} is {S.AccountabilityState.Name(case.state)}",
        [StateProblem(str(case.case_id), f"cannot {doing} now", "ACCOUNTABILITY_STATE")],
    )


def _state_zh(state: int) -> str:
    return labels.zh(S.AccountabilityState, state)


@dataclass
class AccountabilityCommands:
    uc: UseCases

    def _step(
        self,
        call: CallContext,
        method: str,
        request: Any,
        response_type: type[Response],
        change: Callable[[Session, AccountabilityCaseRow], tuple[str, dict[str, Any]]],
    ) -> Response:
        """Load the case, change it, put the step on the record: one transaction, once per request."""

        def use_case(session: Session) -> Response:
            record.lock(session)
            case = or_not_found(
                session.get(AccountabilityCaseRow, request.case_id, with_for_update=True),
                "accountability_case",
                str(request.case_id),
                f"没有编号为 {request.case_id} 的问责案件 / no such accountability case",
            )
            kind, body = change(session, case)
            self._record(session, case, kind, body)
            return response_type(accountability_case=accountability_message(session, case))

        return self.uc.once(call, method, request, response_type, use_case)

    def _record(self, session: Session, case: AccountabilityCaseRow, kind: str, body: dict[str, Any]) -> int:
        entry = record.append(session, kind, {**body, "case_id": case.case_id}, self.uc.clock.now())
        session.add(AccountabilityStepRow(record_seq=entry.seq, case_id=case.case_id or 0))
        return entry.seq

    def open(
        self, call: CallContext, request: S.OpenAccountabilityCaseRequest
    ) -> S.OpenAccountabilityCaseResponse:
        ids = list(dict.fromkeys(request.alert_ids))
        problems = [FieldProblem("alert_ids", "至少选一条预警 / name at least one alert")] if not ids else []
        if not request.reason.strip():
            problems.append(FieldProblem("reason", "立案事由必填 / reason is required"))
        if problems:
            raise invalid_input("立案信息有误 / the case cannot be opened as given", problems)

        def use_case(session: Session) -> S.OpenAccountabilityCaseResponse:
            record.lock(session)
            alerts = list(session.exec(select(AlertRow).where(col(AlertRow.alert_id).in_(ids))).all())
            missing = sorted(set(ids) - {a.alert_id for a in alerts})
            if missing:
                raise not_found("alert", str(missing[0]), f"没有编号为 {missing[0]} 的预警 / no such alert")
            departments = {a.department_code for a in alerts}
            if len(departments) != 1 or "" in departments:
                raise invalid_input(
                    "一个问责案件只针对一个部门：所选预警须属于同一部门 / alerts of one department only",
                    [FieldProblem("alert_ids", "须为同一部门的预警 / alerts of one department")],
                )
            taken = session.exec(
                select(AccountabilityAlertRow).where(col(AccountabilityAlertRow.alert_id).in_(ids))
            ).first()
            if taken is not None:
                raise wrong_state(
                    f"预警 {taken.alert_id} 已在问责案件 {taken.case_id} 中 / alert already in a case",
                    [StateProblem(str(taken.alert_id), f"in case {taken.case_id}", "ALERT_STATE")],
                )
            now = self.uc.clock.now()
            case = AccountabilityCaseRow(
                state=OPEN,
                department_code=departments.pop(),
                site_code=alerts[0].site_code,
                user_id=request.user_id,
                reason=request.reason.strip(),
                opened_by=call.caller.user_id,
                opened_at=now,
            )
            session.add(case)
            session.flush()
            session.add_all(AccountabilityAlertRow(alert_id=a, case_id=case.case_id or 0) for a in ids)
            body = {
                "alerts": ids,
                "department_code": case.department_code,
                "user_id": case.user_id,
                "reason": case.reason,
                "by": case.opened_by,
            }
            self._record(session, case, "accountability_opened", body)
            return S.OpenAccountabilityCaseResponse(accountability_case=accountability_message(session, case))

        return self.uc.once(
            call, "OpenAccountabilityCase", request, S.OpenAccountabilityCaseResponse, use_case
        )

    def request_explanation(
        self, call: CallContext, request: S.RequestExplanationRequest
    ) -> S.RequestExplanationResponse:
        due = _due_date(request.due_date, self.uc.today())

        def change(_session: Session, case: AccountabilityCaseRow) -> tuple[str, dict[str, Any]]:
            if case.state not in (OPEN, REQUESTED):
                raise _wrong_state(case, "要求书面说明", [OPEN, REQUESTED])
            case.state, case.question, case.explanation_due = REQUESTED, request.question.strip(), due
            body = {"question": case.question, "due": due.isoformat(), "by": call.caller.user_id}
            return "explanation_requested", body

        return self._step(call, "RequestExplanation", request, S.RequestExplanationResponse, change)

    def record_explanation(
        self, call: CallContext, request: S.RecordExplanationRequest
    ) -> S.RecordExplanationResponse:
        if not request.explanation.strip():
            raise invalid_input(
                "书面说明不能为空 / the explanation is empty",
                [FieldProblem("explanation", "必填 / required")],
            )

        def change(_session: Session, case: AccountabilityCaseRow) -> tuple[str, dict[str, Any]]:
            if case.state != REQUESTED:
                raise _wrong_state(case, "登记书面说明", [REQUESTED])
            case.state, case.explanation = RECEIVED, request.explanation.strip()
            return "explanation_recorded", {"explanation": case.explanation, "by": call.caller.user_id}

        return self._step(call, "RecordExplanation", request, S.RecordExplanationResponse, change)

    def decide(
        self, call: CallContext, request: S.DecideAccountabilityCaseRequest
    ) -> S.DecideAccountabilityCaseResponse:
        _check_decision(request)

        def change(session: Session, case: AccountabilityCaseRow) -> tuple[str, dict[str, Any]]:
            if case.state not in (OPEN, REQUESTED, RECEIVED):
                raise _wrong_state(case, "作出决定", [OPEN, REQUESTED, RECEIVED])
            if case.state == REQUESTED:
                raise _wrong_state(case, "在收到书面说明前作出决定", [OPEN, RECEIVED])
            case.state, case.outcome, case.points = DECIDED, request.outcome, request.points
            case.decision_reasons, case.decided_by = request.reasons.strip(), call.caller.user_id
            case.decided_at = self.uc.clock.now()
            # The decision's entry number is the next one: the row names it for verification.
            case.decision_seq = record.next_seq(session)
            alerts = _alerts_of(session, case)
            _trace_decision(session, case, alerts)
            if request.outcome == S.ACCOUNTABILITY_OUTCOME_DEDUCTION:
                deductions.for_decision(session, case, alerts)
            return record.ACCOUNTABILITY_DECIDED, record.decision_body(case)

        return self._step(
            call, "DecideAccountabilityCase", request, S.DecideAccountabilityCaseResponse, change
        )

    def close(
        self, call: CallContext, request: S.CloseAccountabilityCaseRequest
    ) -> S.CloseAccountabilityCaseResponse:
        def change(_session: Session, case: AccountabilityCaseRow) -> tuple[str, dict[str, Any]]:
            if case.state != DECIDED:
                raise _wrong_state(case, "结案", [DECIDED])
            case.state, case.closed_at = CLOSED, self.uc.clock.now()
            return "accountability_closed", {"by": call.caller.user_id}

        return self._step(call, "CloseAccountabilityCase", request, S.CloseAccountabilityCaseResponse, change)


def _trace_decision(session: Session, case: AccountabilityCaseRow, alerts: Sequence[AlertRow]) -> None:
    """The decision is a span in the trace of each case its alerts were about."""
    for case_no in dict.fromkeys(a.case_no for a in alerts if a.case_no):
        watch = session.get(CaseWatchRow, case_no)
        if watch is not None and watch.trace_id and watch.root_span_id:
            with case_span("supervision.accountability_decided", watch) as span:
                span.set_attribute("tongban.accountability_case_id", case.case_id or 0)
                span.set_attribute("tongban.outcome", S.AccountabilityOutcome.Name(case.outcome))


def _alerts_of(session: Session, case: AccountabilityCaseRow) -> list[AlertRow]:
    ids = select(AccountabilityAlertRow.alert_id).where(AccountabilityAlertRow.case_id == case.case_id)
    return list(
        session.exec(select(AlertRow).where(col(AlertRow.alert_id).in_(ids)).order_by(col(AlertRow.alert_id)))
    )


def _due_date(text: str, today: date) -> date:
    try:
        due = date.fromisoformat(text)
    except ValueError:
        raise invalid_input(
            "说明期限应为日期，如 2026-12-08 / due_date must be a date",
            [FieldProblem("due_date", "应为日期 YYYY-MM-DD / a date")],
        ) from None
    if due < today:
        raise invalid_input(
            f"说明期限不能早于今天（{today}）/ due_date is in the past",
            [FieldProblem("due_date", "不能早于今天 / before today")],
        )
    return due


def _check_decision(request: S.DecideAccountabilityCaseRequest) -> None:
    problems: list[FieldProblem] = []
    if request.outcome == S.ACCOUNTABILITY_OUTCOME_UNSPECIFIED:
        problems.append(FieldProblem("outcome", "处理决定必选 / outcome is required"))
    deduction = request.outcome == S.ACCOUNTABILITY_OUTCOME_DEDUCTION
    if deduction and request.points <= 0:
        problems.append(FieldProblem("points", "扣分决定须写明扣几分 / a deduction needs its points"))
    if not deduction and request.points:
        problems.append(FieldProblem("points", "只有扣分决定才写扣分 / points are for a deduction only"))
    if not request.reasons.strip():
        problems.append(FieldProblem("reasons", "决定理由必填 / reasons are required"))
    if problems:
        raise invalid_input("处理决定有误 / the decision cannot be made as given", problems)
