"""Deciding a case: the decision step, or a refusal in parallel approval, as a numbered document."""

from __future__ import annotations

import json

from sqlmodel import Session
from tongban.acceptance.v1 import catalog_pb2
from tongban.approval.v1 import approval_pb2
from tongban.approval.v1 import events_pb2 as E

from services.approval import documents, flow, repository, views
from services.approval.commands.guards import (
    claimed,
    department_name,
    load_review,
    open_pause,
    refuse_state,
    require_open,
    require_window,
    review_view,
)
from services.approval.events import publish, review_ref
from services.approval.models import ReviewDocumentRow, ReviewRow, StepRow
from services.common.calls import CallContext
from services.common.case_tracing import case_span
from services.common.errors import FieldProblem, calendar_missing, invalid_input, required
from services.common.rows import update_rows
from services.common.usecases import UseCases

A = approval_pb2
C = catalog_pb2


def decide(
    uc: UseCases, call: CallContext, request: approval_pb2.DecideCaseRequest
) -> approval_pb2.DecideCaseResponse:
    def use_case(session: Session) -> approval_pb2.DecideCaseResponse:
        problems: list[FieldProblem] = []
        if request.outcome not in (A.DECISION_OUTCOME_GRANTED, A.DECISION_OUTCOME_REFUSED):
            problems.append(FieldProblem("outcome", "准予或不予 / GRANTED or REFUSED"))
        if request.outcome == A.DECISION_OUTCOME_REFUSED:
            problems += required(request.reasons, "reasons", "不予许可的理由")
        if problems:
            raise invalid_input("决定信息不完整 / the decision is incomplete", problems)
        review = load_review(session, call, request.case_no, for_update=True)
        require_open(review, "作出决定")
        if open_pause(repository.pauses_of(session, review)) is not None:
            raise refuse_state(review, "作出决定", "特殊环节进行中, 计时暂停")
        steps = repository.steps_of(session, review.case_no)
        step = next(
            (s for s in steps if s.state == A.STEP_STATE_ACTIVE and s.kind == C.STEP_KIND_DECISION), None
        )
        if step is None:
            raise refuse_state(review, "作出决定", "尚未进入决定环节")
        require_window(call, step)
        claim = claimed(uc, session, call, review, step)
        with case_span("approval.decide", review):
            granted = request.outcome == A.DECISION_OUTCOME_GRANTED
            update_rows(
                session,
                [step],
                **claim,
                state=A.STEP_STATE_DONE,
                finished_on=uc.today(),
                verdict=A.VERDICT_APPROVE if granted else A.VERDICT_REFUSE,
                opinion=request.reasons.strip(),
                acted_by=call.caller.user_id,
            )
            reasons = [(step.department_code, request.reasons.strip())] if request.reasons.strip() else []
            document = record_decision(
                uc, session, call, review, steps, request.outcome, reasons, step.department_code
            )
            return A.DecideCaseResponse(
                review=review_view(uc, session, review, steps), document=documents.document_message(document)
            )

    return uc.once(call, "DecideCase", request, A.DecideCaseResponse, use_case)


def record_decision(
    uc: UseCases,
    session: Session,
    call: CallContext,
    review: ReviewRow,
    steps: list[StepRow],
    outcome: int,
    reasons: list[tuple[str, str]],
    department: str,
) -> ReviewDocumentRow:
    """Issue the decision document, close the review and tell the accepting window."""
    today = uc.today()
    now = uc.clock.now()
    # Whether it was decided in time is part of the record: it needs every working day so far.
    reading = views.case_clock(uc.calendar, review, repository.pauses_of(session, review), today)
    if reading.missing_year:
        raise calendar_missing(reading.missing_year)
    granted = outcome == A.DECISION_OUTCOME_GRANTED
    body = (
        ["经审查，您的申请符合法定条件、标准，决定准予行政许可。"]
        if granted
        else [
            "经审查，您的申请不符合法定条件、标准，决定不予行政许可。理由如下：",
            *(f"{department_name(review, code)}：{reason}" for code, reason in reasons),
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
            department_name=department_name(review, department),
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
    repository.add_activity(
        session, review, "decided", call.caller.user_id, now, detail=A.DecisionOutcome.Name(outcome)
    )
    publish(
        session,
        review,
        E.ReviewDecided(
            review=review_ref(review),
            outcome=outcome,  # type: ignore[arg-type]
            document_number=document.number,
            decided_on=today.isoformat(),
            decision_department=department,
            on_time=not reading.overdue,
            used_days=reading.used_days,
            budget_days=review.budget_days,
            extension_days=review.extension_days,
        ),
        now,
    )
    return document
