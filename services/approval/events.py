"""The events approval publishes through its outbox, and the events it consumes: acceptance's, and
the staff service's people and calendar years.

Incoming (through the inbox): a review opens when a county-decided case is accepted, closes
when the applicant withdraws, and runs again after the window records a supplement. Each
handler runs inside the inbox's transaction, so the event is recorded as received exactly
when its effect is committed. Outgoing: every change to a review announces a typed event
(tongban.approval.v1 events.proto).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from google.protobuf.message import Message
from sqlmodel import Session
from tongban.acceptance.v1 import catalog_pb2
from tongban.acceptance.v1 import events_pb2 as acceptance_events
from tongban.approval.v1 import approval_pb2
from tongban.approval.v1 import events_pb2 as E
from tongban.events.v1 import event_pb2
from tongban.staff.v1 import events_pb2 as staff_events

from services.approval import flow, repository, staff_copy
from services.approval.models import ReviewRow, StepRow
from services.common.calendar_store import CalendarCopy
from services.common.case_tracing import case_span, event_traceparent, review_trace_ids
from services.common.consumers import Consumer, iso_date, on
from services.common.outbox import record_event
from services.common.rows import append_rows, insert_now
from services.common.usecases import UseCases

A = approval_pb2
C = catalog_pb2
SOURCE = "approval"
SYSTEM = "system"


def review_ref(review: ReviewRow) -> E.ReviewRef:
    return E.ReviewRef(
        case_no=review.case_no,
        matter_code=review.matter_code,
        department_code=review.department_code,
        site_code=review.site_code,
        state=review.state,  # type: ignore[arg-type]
    )


def publish(session: Session, review: ReviewRow, payload: Message, at: datetime) -> None:
    """Write a review's event in the use case's transaction, under the span writing it (case's trace)."""
    record_event(
        session,
        source=SOURCE,
        aggregate_id=review.case_no,
        payload=payload,
        occurred=at,
        traceparent=event_traceparent(review),
    )


@dataclass
class CaseLifecycle:
    """Opens, closes and resumes reviews on acceptance's events."""

    uc: UseCases

    def consumer(self) -> Consumer:
        return Consumer(
            on(acceptance_events.CaseAccepted, self._open),
            on(acceptance_events.CaseWithdrawn, self._close_withdrawn),
            on(acceptance_events.CaseReviewSupplemented, self._resume_supplemented),
            # The staff service's people (for reassignments) and calendar years.
            on(staff_events.StaffMemberChanged, staff_copy.member_changed),
            on(staff_events.CalendarYearPublished, CalendarCopy(self.uc.calendar).apply),
        )

    def _open(
        self, session: Session, event: event_pb2.Event, accepted: acceptance_events.CaseAccepted
    ) -> None:
        county_decided = accepted.deciding_level == C.DECIDING_LEVEL_COUNTY
        promised = accepted.handling_type == C.HANDLING_TYPE_PROMISED
        case = accepted.case
        if not (county_decided and promised) or repository.review(session, case.case_no) is not None:
            return
        plan = accepted.county_review
        ids = review_trace_ids(case.case_no, event.traceparent)
        now = self.uc.clock.now()
        review = ReviewRow(
            case_no=case.case_no,
            matter_code=case.matter_code,
            matter_name=plan.matter_name,
            department_code=case.department_code,
            site_code=case.site_code,
            site_level=plan.site_level,
            service_mode=accepted.service_mode,
            special_procedures=" ".join(str(p) for p in plan.special_procedures),
            department_names=json.dumps(dict(sorted(plan.department_names.items())), ensure_ascii=False),
            state=A.REVIEW_STATE_IN_REVIEW,
            accepted_on=iso_date(accepted.accepted_on, "accepted_on"),
            budget_days=accepted.promised_limit_days,
            trace_id=ids.trace_id,
            root_span_id=ids.root_span_id,
            opened_at=now,
        )
        with case_span("approval.open_review", review):
            insert_now(session, review)
            steps = flow.plan_steps(review, list(plan.steps) or flow.fallback_flow(review.budget_days))
            for first in flow.next_to_start(steps):
                first.start(review.accepted_on)
            # Written in one statement: every later use case reads the steps afresh.
            append_rows(session, StepRow, [asdict(step) for step in steps])
            repository.add_activity(session, review, "opened", SYSTEM, now)
            publish(
                session,
                review,
                E.ReviewOpened(
                    review=review_ref(review),
                    accepted_on=review.accepted_on.isoformat(),
                    budget_days=review.budget_days,
                ),
                now,
            )

    def _close_withdrawn(
        self, session: Session, _event: event_pb2.Event, withdrawn: acceptance_events.CaseWithdrawn
    ) -> None:
        review = repository.review(session, withdrawn.case.case_no, for_update=True)
        if review is None or review.state not in repository.OPEN_STATES:
            return
        today = self.uc.today()
        with case_span("approval.withdrawn", review):
            review.state = A.REVIEW_STATE_WITHDRAWN
            flow.cancel_open(repository.steps_of(session, review.case_no), today)
            for pause in repository.pauses_of(session, review):
                if pause.ended_on is None:
                    pause.ended_on = today
            repository.add_activity(
                session, review, "withdrawn", withdrawn.withdrawn_by or SYSTEM, self.uc.clock.now()
            )

    def _resume_supplemented(
        self,
        session: Session,
        _event: event_pb2.Event,
        supplemented: acceptance_events.CaseReviewSupplemented,
    ) -> None:
        supplemented_on = iso_date(supplemented.supplemented_on, "supplemented_on")
        review = repository.review(session, supplemented.case.case_no, for_update=True)
        if review is None or review.state != A.REVIEW_STATE_SENT_BACK:
            return
        by = supplemented.supplemented_by or SYSTEM
        now = self.uc.clock.now()
        with case_span("approval.resume_after_supplement", review):
            review.state = A.REVIEW_STATE_IN_REVIEW
            for pause in repository.pauses_of(session, review):
                if pause.ended_on is None and pause.kind == A.PAUSE_KIND_SUPPLEMENT:
                    pause.ended_on = supplemented_on
                    pause.ended_by = by
            repository.add_activity(session, review, "supplemented", by, now)
            publish(
                session,
                review,
                E.ReviewResumed(review=review_ref(review), resumed_on=supplemented_on.isoformat()),
                now,
            )
