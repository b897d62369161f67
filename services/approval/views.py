"""Rows -> approval messages, with the clocks computed for the day asked about."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from google.protobuf.timestamp_pb2 import Timestamp
from sqlmodel import Session
from tongban.approval.v1 import approval_pb2

from services.approval import repository
from services.approval.models import PauseRow, ReviewRow, StepRow
from services.approval.repository import Activity, DocumentRef
from services.common.calendar import CalendarDataMissing, WorkingCalendar
from services.common.timelimit import ClockReading, Pause, read_clock

A = approval_pb2


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def pauses_of(rows: Sequence[PauseRow]) -> list[Pause]:
    return [Pause(row.started_on, row.ended_on) for row in rows]


def case_clock(
    calendar: WorkingCalendar, review: ReviewRow, pauses: Sequence[PauseRow], today: date
) -> ClockReading:
    # A decided case's clock stops on the day of the decision.
    until = review.decided_on or today
    budget = review.budget_days + review.extension_days
    return read_clock(calendar, review.accepted_on, budget, pauses_of(pauses), until)


def step_clock(
    calendar: WorkingCalendar, step: StepRow, pauses: Sequence[PauseRow], today: date
) -> ClockReading | None:
    if step.started_on is None:
        return None
    until = step.finished_on or today
    return read_clock(calendar, step.started_on, step.time_limit_days, pauses_of(pauses), until)


def clock_message(review: ReviewRow, reading: ClockReading) -> approval_pb2.Clock:
    return A.Clock(
        accepted_on=review.accepted_on.isoformat(),
        budget_days=review.budget_days,
        extension_days=review.extension_days,
        used_days=reading.used_days,
        paused_days=reading.paused_days,
        days_left=reading.days_left,
        due_on=_day(reading.due_on),
        paused=reading.paused,
        overdue=reading.overdue,
        calendar_missing_year=reading.missing_year or 0,
    )


def step_message(
    calendar: WorkingCalendar, step: StepRow, pauses: Sequence[PauseRow], today: date
) -> approval_pb2.Step:
    message = A.Step(
        number=step.number,
        position=step.position,
        name=step.name,
        kind=step.kind,  # type: ignore[arg-type]
        role=step.role,  # type: ignore[arg-type]
        department_code=step.department_code,
        site_code=step.site_code,
        lead=step.lead,
        state=step.state,  # type: ignore[arg-type]
        time_limit_days=step.time_limit_days,
        started_on=_day(step.started_on),
        finished_on=_day(step.finished_on),
        assignee=step.assignee,
        verdict=step.verdict,  # type: ignore[arg-type]
        opinion=step.opinion,
        acted_by=step.acted_by,
    )
    reading = step_clock(calendar, step, pauses, today)
    if reading is not None:
        message.used_days = reading.used_days
        message.days_left = reading.days_left
        message.overdue = reading.overdue
    return message


def _planned_end(calendar: WorkingCalendar, row: PauseRow) -> date | None:
    try:
        return calendar.add_working_days(row.started_on, row.planned_days) if row.planned_days else None
    except CalendarDataMissing:
        return None  # in a year the calendar lacks: the clock says which


def pause_message(calendar: WorkingCalendar, row: PauseRow, today: date) -> approval_pb2.Pause:
    planned_end = _planned_end(calendar, row)
    return A.Pause(
        pause_id=row.pause_id or 0,
        kind=row.kind,  # type: ignore[arg-type]
        procedure=row.procedure,  # type: ignore[arg-type]
        reason=row.reason,
        planned_days=row.planned_days,
        planned_end_on=_day(planned_end),
        started_on=row.started_on.isoformat(),
        ended_on=_day(row.ended_on),
        paused_days=calendar.working_days_known(row.started_on, row.ended_on or today),
        notice_number=row.notice_number,
        started_by=row.started_by,
        ended_by=row.ended_by,
        items=json.loads(row.items),
    )


def _timestamp(row: Activity) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(row.at)
    return stamp


def review_message(
    calendar: WorkingCalendar,
    review: ReviewRow,
    *,
    steps: Sequence[StepRow],
    pauses: Sequence[PauseRow],
    activities: Sequence[Activity],
    documents: Sequence[DocumentRef],
    today: date,
) -> approval_pb2.Review:
    reading = case_clock(calendar, review, pauses, today)
    # The activity log names steps by their number within the case, as reviewers type them.
    numbers = {step.step_id: step.number for step in steps}
    message = A.Review(
        case_no=review.case_no,
        matter_code=review.matter_code,
        matter_name=review.matter_name,
        department_code=review.department_code,
        site_code=review.site_code,
        service_mode=review.service_mode,  # type: ignore[arg-type]
        state=review.state,  # type: ignore[arg-type]
        clock=clock_message(review, reading),
        steps=[step_message(calendar, step, pauses, today) for step in steps],
        pauses=[pause_message(calendar, pause, today) for pause in pauses],
        activities=[
            A.Activity(
                action=row.action,
                actor=row.actor,
                step_number=numbers.get(row.step_id, 0),
                target=row.target,
                detail=row.detail,
                time=_timestamp(row),
            )
            for row in activities
        ],
        documents=[
            A.ReviewDocumentRef(number=row.number, kind=row.kind, issued_on=row.issued_on.isoformat())  # type: ignore[arg-type]
            for row in documents
        ],
        sent_back_used=review.sent_back,
        trace_id=review.trace_id,
    )
    if review.extension_days:
        message.extension.CopyFrom(
            A.Extension(
                days=review.extension_days,
                approver=review.extension_approver,
                reason=review.extension_reason,
                granted_on=_day(review.extension_granted_on),
                granted_by=review.extension_granted_by,
                notice_number=review.extension_notice,
            )
        )
    if review.decision_outcome:
        message.decision.CopyFrom(
            A.Decision(
                outcome=review.decision_outcome,  # type: ignore[arg-type]
                reasons=[
                    A.DepartmentReason(department_code=code, reason=reason)
                    for code, reason in json.loads(review.decision_reasons)
                ],
                document_number=review.decision_number,
                decided_on=_day(review.decided_on),
                decided_by=review.decided_by,
                department_code=review.decision_department,
                on_time=not reading.overdue,
            )
        )
    return message


def review_view(
    session: Session,
    review: ReviewRow,
    calendar: WorkingCalendar,
    today: date,
    *,
    steps: Sequence[StepRow] | None = None,
) -> approval_pb2.Review:
    """The whole review with its clocks read for today. A use case that loaded every step of the
    case passes them (steps are made when the review opens, never later)."""
    return review_message(
        calendar,
        review,
        steps=repository.steps_of(session, review.case_no) if steps is None else steps,
        pauses=repository.pauses_of(session, review),
        activities=repository.activities_of(session, review.case_no),
        documents=repository.documents_of(session, review),
        today=today,
    )
