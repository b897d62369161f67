"""The events acceptance publishes through its outbox, and the county's events it consumes.

Outgoing: each change to a case announces a typed event (tongban.acceptance.v1 events.proto);
an accepted county-decided case carries what approval needs to open its review.
Incoming (县乡同办): the county's decision, its send-back for supplement and the pauses and
extension of its clock, through the inbox;
and from the staff service, its sites, windows and calendar years (the copies acceptance keeps).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import grpc
from google.protobuf.message import Message
from sqlmodel import Session
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.acceptance.v1 import events_pb2 as E
from tongban.approval.v1 import approval_pb2
from tongban.approval.v1 import events_pb2 as approval_events
from tongban.events.v1 import event_pb2
from tongban.staff.v1 import events_pb2 as staff_events
from tongban.supervision.v1 import events_pb2 as supervision_events

from services.acceptance import county_clock, organisation, repository
from services.acceptance.models import CaseRow
from services.acceptance.views import issue_due_on
from services.common.calendar import WorkingCalendar
from services.common.calendar_store import CalendarCopy
from services.common.case_tracing import case_span, event_traceparent
from services.common.consumers import Consumer, iso_date, on
from services.common.db import Database
from services.common.errors import DomainError
from services.common.outbox import record_event

S = acceptance_pb2
SOURCE = "acceptance"
_WAITING_FOR_COUNTY = (S.CASE_STATE_ACCEPTED, S.CASE_STATE_REVIEW_SUPPLEMENT)


def case_ref(row: CaseRow, matter: catalog_pb2.Matter) -> E.CaseRef:
    return E.CaseRef(
        case_no=row.case_no,
        matter_code=row.matter_code,
        department_code=matter.department_code,
        site_code=row.site_code,
        window_code=row.window_code,
        state=row.state,  # type: ignore[arg-type]
        matter_version=row.matter_version,
    )


def publish(session: Session, row: CaseRow, payload: Message, at: datetime) -> None:
    """Write a case's event in the use case's transaction, under the span writing it (case's trace)."""
    record_event(
        session,
        source=SOURCE,
        aggregate_id=row.case_no,
        payload=payload,
        occurred=at,
        traceparent=event_traceparent(row),
    )


def county_review_plan(
    session: Session, row: CaseRow, matter: catalog_pb2.Matter
) -> E.CountyReviewPlan | None:
    """What approval keeps with the review of a county-decided matter: the flow, the departments, the site."""
    if matter.deciding_level != catalog_pb2.DECIDING_LEVEL_COUNTY:
        return None
    codes = {matter.department_code} | {
        code for step in matter.review_steps for code in step.department_codes
    }
    site = repository.site(session, row.site_code)
    return E.CountyReviewPlan(
        matter_name=matter.name,
        department_names=dict(sorted(repository.department_names(session, sorted(codes)).items())),
        site_level=site.level if site else catalog_pb2.SITE_LEVEL_UNSPECIFIED,  # type: ignore[arg-type]
        special_procedures=matter.special_procedures,
        steps=matter.review_steps,
    )


def _not_wired(
    _session: Session, _event: event_pb2.Event, _deemed: supervision_events.CaseDeemedAccepted
) -> None:
    raise DomainError(
        "本服务未接入视为受理 / deemed acceptance is not wired here", grpc.StatusCode.UNIMPLEMENTED
    )


@dataclass
class CountyResults:
    """Applies approval's events to the case at the accepting window, the staff service's sites,
    windows and calendar years, and supervision's word that a case counts as accepted."""

    calendar: WorkingCalendar
    # Supervision's Art. 32 event; the case commands accept the case (app.py wires them).
    deemed_accepted: Callable[[Session, event_pb2.Event, supervision_events.CaseDeemedAccepted], None] = (
        field(default=_not_wired)
    )

    def consumer(self) -> Consumer:
        # A year loaded by the administrator gives waiting decisions their issue deadline at once.
        calendar = CalendarCopy(self.calendar, then=self._fill_issue_deadlines)
        return Consumer(
            on(approval_events.ReviewDecided, self._decided),
            on(approval_events.ReviewSentBack, self._sent_back),
            on(approval_events.ReviewProcedureStarted, self._procedure_started),
            on(approval_events.ReviewProcedureEnded, self._procedure_ended),
            on(approval_events.ReviewExtended, self._extended),
            on(staff_events.SiteChanged, organisation.site_changed),
            on(staff_events.WindowChanged, organisation.window_changed),
            on(staff_events.CalendarYearPublished, calendar.apply),
            on(supervision_events.CaseDeemedAccepted, self.deemed_accepted),
        )

    def fill_issue_deadlines(self, db: Database) -> int:
        """Issue deadlines of decisions that arrived while their year's calendar was missing, now
        that the calendar may know it (run at start-up); how many were filled."""
        with db.transaction() as session:
            return self._fill_issue_deadlines(session)

    def _fill_issue_deadlines(self, session: Session) -> int:
        filled = 0
        for row in repository.decided_without_issue_deadline(session):
            assert row.decided_on is not None  # the query asks for it
            row.window_due_on = issue_due_on(self.calendar, row.decided_on)
            filled += row.window_due_on is not None
        return filled

    def _waiting_case(self, session: Session, case_no: str) -> CaseRow | None:
        row = repository.case(session, case_no, for_update=True)
        # A case withdrawn meanwhile keeps its state; the inbox records that the event came.
        return row if row is not None and row.state in _WAITING_FOR_COUNTY else None

    def _decided(
        self, session: Session, _event: event_pb2.Event, decided: approval_events.ReviewDecided
    ) -> None:
        decided_on = iso_date(decided.decided_on, "decided_on")
        row = self._waiting_case(session, decided.review.case_no)
        if row is None:
            return
        with case_span("acceptance.record_decision", row):
            row.state = S.CASE_STATE_DECIDED
            granted = decided.outcome == approval_pb2.DECISION_OUTCOME_GRANTED
            row.outcome = S.OUTCOME_APPROVED if granted else S.OUTCOME_REFUSED
            row.decided_on = row.completed_on = decided_on
            row.window_due_on = issue_due_on(self.calendar, decided_on)
            row.decision_number = decided.document_number
            row.decided_on_time = decided.on_time
            row.review_items = "[]"
            row.review_reason = ""

    def _sent_back(
        self, session: Session, _event: event_pb2.Event, sent: approval_events.ReviewSentBack
    ) -> None:
        sent_back_on = iso_date(sent.sent_back_on, "sent_back_on")
        row = self._waiting_case(session, sent.review.case_no)
        if row is None:
            return
        with case_span("acceptance.record_send_back", row):
            row.state = S.CASE_STATE_REVIEW_SUPPLEMENT
            row.review_items = json.dumps(list(sent.items), ensure_ascii=False)
            row.review_reason = sent.reason
            county_clock.start_pause(row, sent_back_on)
            self._clock_changed(row, sent_back_on)

    # The county's clock (services.acceptance.county_clock): pauses and the extension, as approval
    # records them, so the window's case list reads the reviewer's days left.

    def _procedure_started(
        self, session: Session, _event: event_pb2.Event, started: approval_events.ReviewProcedureStarted
    ) -> None:
        started_on = iso_date(started.started_on, "started_on")
        row = self._waiting_case(session, started.review.case_no)
        if row is not None:
            county_clock.start_pause(row, started_on)
            self._clock_changed(row, started_on)

    def _procedure_ended(
        self, session: Session, _event: event_pb2.Event, ended: approval_events.ReviewProcedureEnded
    ) -> None:
        ended_on = iso_date(ended.ended_on, "ended_on")
        row = self._waiting_case(session, ended.review.case_no)
        if row is not None:
            county_clock.end_pause(row, ended_on)
            self._clock_changed(row, ended_on)

    def _extended(
        self, session: Session, _event: event_pb2.Event, extended: approval_events.ReviewExtended
    ) -> None:
        granted_on = iso_date(extended.granted_on, "granted_on")
        row = self._waiting_case(session, extended.review.case_no)
        if row is not None:
            row.review_extension_days = extended.extension_days
            self._clock_changed(row, granted_on)

    def _clock_changed(self, row: CaseRow, on: date) -> None:
        row.window_due_on = county_clock.due_for_listing(self.calendar, row, on)
