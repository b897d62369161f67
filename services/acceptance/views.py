"""Case rows as the contract's Case message, with the clock computed live and personal data masked."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date
from typing import cast

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from sqlmodel import Session
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from services.acceptance import applicants, county_clock, repository
from services.acceptance.models import CaseRow, DocumentRow, SiteRow
from services.common.calendar import CalendarDataMissing, WorkingCalendar
from services.common.calls import CallContext

# The rows keep enum values as plain ints; cast() tells mypy which enum (no conversion at runtime).

# States in which the promised clock is running.
CLOCK_RUNNING = (acceptance_pb2.CASE_STATE_ACCEPTED, acceptance_pb2.CASE_STATE_DECIDED)
# A county-decided case the county reviews (sent back for supplement, its clock stands).
UNDER_COUNTY_REVIEW = (acceptance_pb2.CASE_STATE_ACCEPTED, acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT)
# States a case can be overdue in: its clock runs, or stands after it ran out.
MAY_BE_OVERDUE = (*CLOCK_RUNNING, acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT)
ISSUE_LIMIT_DAYS = 10


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def issues_of(row: CaseRow) -> list[acceptance_pb2.MaterialIssue]:
    return [
        json_format.ParseDict(item, acceptance_pb2.MaterialIssue()) for item in json.loads(row.outstanding)
    ]


def issues_json(issues: list[acceptance_pb2.MaterialIssue]) -> str:
    return json.dumps(
        [json_format.MessageToDict(i, preserving_proto_field_name=True) for i in issues], ensure_ascii=False
    )


def applicant_of(row: CaseRow) -> acceptance_pb2.Applicant:
    return acceptance_pb2.Applicant(
        kind=cast(acceptance_pb2.ApplicantKind, row.applicant_kind),
        name=row.applicant_name,
        id_number=row.applicant_id_number,
        phone=row.applicant_phone,
        address=row.applicant_address,
    )


def working_days_left(calendar: WorkingCalendar, due: date, today: date) -> int:
    """Working days from today to the due date, negative when overdue. Counted no further than the
    calendar knows (the case then names the missing year): a reading never fails on a missing year."""
    if today <= due:
        return calendar.working_days_known(today, due)
    return -calendar.working_days_known(due, today)


def _clock(message: acceptance_pb2.Case, calendar: WorkingCalendar, due: date, today: date) -> None:
    message.working_days_left = working_days_left(calendar, due, today)
    message.overdue = today > due
    message.calendar_missing_year = calendar.first_missing_year(max(today, due)) or 0


def case_message(
    row: CaseRow,
    *,
    matter: catalog_pb2.Matter,
    site: SiteRow,
    documents: Sequence[repository.DocumentRef],
    calendar: WorkingCalendar,
    today: date,
    revealed: Collection[str],
) -> acceptance_pb2.Case:
    received = Timestamp()
    received.FromDatetime(row.received_at)
    applicant = applicant_of(row)
    message = acceptance_pb2.Case(
        case_no=row.case_no,
        matter_code=matter.code,
        matter_name=matter.name,
        department_name=matter.department_name,
        handling_type=matter.handling_type,
        deciding_level=matter.deciding_level,
        service_mode=matter.service_mode,
        site_code=site.code,
        site_name=site.name,
        window_code=row.window_code,
        state=cast(acceptance_pb2.CaseState, row.state),
        applicant=applicants.masked(applicant, revealed),
        received_time=received,
        accepted_on=_iso(row.accepted_on),
        promised_limit_days=row.promised_limit_days,
        promised_date=_iso(row.promised_date),
        outstanding=issues_of(row),
        notice_count=row.notice_count,
        outcome=cast(acceptance_pb2.Outcome, row.outcome),
        result_summary=row.result_summary,
        completed_on=_iso(row.completed_on),
        issued_on=_iso(row.issued_on),
        withdrawal_reason=row.withdrawal_reason,
        trace_id=row.trace_id,
        matter_version=row.matter_version,
        received_by=row.received_by,
        issued_by=row.issued_by,
        documents=[
            acceptance_pb2.DocumentRef(
                number=d.number,
                kind=cast(acceptance_pb2.DocumentKind, d.kind),
                issued_on=d.issued_on.isoformat(),
            )
            for d in documents
        ],
    )
    if row.non_acceptance_reason:
        message.non_acceptance.reason = row.non_acceptance_reason
        message.non_acceptance.competent_agency = row.competent_agency
    if matter.deciding_level == catalog_pb2.DECIDING_LEVEL_COUNTY:
        _county_part(message, row, calendar, today)
    elif row.promised_date:
        if row.state in CLOCK_RUNNING:
            _clock(message, calendar, row.promised_date, today)
        if row.completed_on:
            message.completed_on_time = row.completed_on <= row.promised_date
    return message


def case_view(
    session: Session, row: CaseRow, call: CallContext, calendar: WorkingCalendar, today: date
) -> acceptance_pb2.Case:
    """The case as the caller may see it, with what it refers to loaded and its clock read for today."""
    session.flush()
    site = repository.site(session, row.site_code)
    assert site is not None  # foreign key
    return case_message(
        row,
        matter=repository.case_matter(session, row),
        site=site,
        documents=repository.documents_of(session, row.case_no),
        calendar=calendar,
        today=today,
        revealed=revealed_applicant_fields(call),
    )


def revealed_applicant_fields(call: CallContext) -> frozenset[str]:
    """The applicant's fields the caller sees in full, as the RPC's access rule declares."""
    if call.sees_full_personal_data:
        return applicants.ALL_FIELDS
    return frozenset(
        path.removeprefix("applicant.") for path in call.revealed_fields() if path.startswith("applicant.")
    )


def reviewing_departments(row: CaseRow, matter: catalog_pb2.Matter) -> frozenset[str]:
    """The county departments that review the case: those of its matter's flow, once accepted."""
    if matter.deciding_level != catalog_pb2.DECIDING_LEVEL_COUNTY or row.accepted_on is None:
        return frozenset()
    return frozenset(
        {matter.department_code} | {code for step in matter.review_steps for code in step.department_codes}
    )


def issue_due_on(calendar: WorkingCalendar, decided_on: date) -> date | None:
    """Art. 44: the result is issued within 10 working days of the decision; None while that day
    falls in a year the calendar lacks (it is filled in once the year is loaded)."""
    try:
        return calendar.add_working_days(decided_on, ISSUE_LIMIT_DAYS)
    except CalendarDataMissing:
        return None


def _county_part(message: acceptance_pb2.Case, row: CaseRow, calendar: WorkingCalendar, today: date) -> None:
    """The county runs the review clock (pauses, extension); the window runs the issue clock."""
    message.review_supplement_items.extend(json.loads(row.review_items))
    message.review_supplement_reason = row.review_reason
    if row.decided_on is None:
        reading = county_clock.reading(calendar, row, today) if row.state in UNDER_COUNTY_REVIEW else None
        if reading is not None:
            message.working_days_left = reading.days_left
            message.overdue = reading.overdue
            message.calendar_missing_year = reading.missing_year or 0
        return
    message.decided_on = row.decided_on.isoformat()
    message.decision_number = row.decision_number
    message.completed_on_time = row.decided_on_time
    due = row.window_due_on or issue_due_on(calendar, row.decided_on)
    if due is None:
        # The issue deadline lies in a year the calendar lacks.
        message.calendar_missing_year = (
            calendar.first_missing_year(today) or calendar.known_through().year + 1
        )
        return
    message.issue_due_on = due.isoformat()
    if row.state == acceptance_pb2.CASE_STATE_DECIDED:
        _clock(message, calendar, due, today)
    if row.issued_on:
        message.issued_on_time = row.issued_on <= due


def document_message(row: DocumentRow) -> acceptance_pb2.Document:
    return acceptance_pb2.Document(
        number=row.number,
        kind=cast(acceptance_pb2.DocumentKind, row.kind),
        case_no=row.case_no,
        site_code=row.site_code,
        window_code=row.window_code,
        issued_on=row.issued_on.isoformat(),
        text=row.text,
        html=row.html,
        sha256=row.sha256,
    )
