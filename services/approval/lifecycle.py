"""Reviews open, close and resume on events from acceptance (delivered through the inbox).

Each handler runs inside the inbox's transaction, so the event is recorded as received
exactly when its effect is committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from sqlmodel import Session
from tongban.acceptance.v1 import catalog_pb2
from tongban.approval.v1 import approval_pb2
from tongban.events.v1 import event_pb2

from services.approval import flow, repository
from services.approval.models import ReviewRow
from services.approval.records import announce, log_activity
from services.common.calendar import WorkingCalendar
from services.common.case_tracing import case_ids_from, case_span
from services.common.clock import Clock
from services.common.clock import today as today_of
from services.common.event_data import data_of, date_field, rejects_malformed

A = approval_pb2
C = catalog_pb2
SYSTEM = "system"


def _flow(data: dict[str, Any], budget: int) -> list[catalog_pb2.ReviewStep]:
    steps = [json_format.ParseDict(item, C.ReviewStep()) for item in data.get("review_steps", [])]
    return steps or flow.fallback_flow(budget)


@dataclass
class Lifecycle:
    clock: Clock
    calendar: WorkingCalendar

    @rejects_malformed
    def handle(self, session: Session, event: event_pb2.Event) -> None:
        data = data_of(event)
        if event.event_type == "case.accepted":
            self._open(session, event, data)
        elif event.event_type == "case.withdrawn":
            self._close_withdrawn(session, data)
        elif event.event_type == "case.review_supplemented":
            self._resume_supplemented(session, data)

    def _open(self, session: Session, event: event_pb2.Event, data: dict[str, Any]) -> None:
        county_decided = data.get("deciding_level") == C.DecidingLevel.Name(C.DECIDING_LEVEL_COUNTY)
        promised = data.get("handling_type") == C.HandlingType.Name(C.HANDLING_TYPE_PROMISED)
        case_no = str(data.get("case_no", ""))
        if not (county_decided and promised) or repository.review(session, case_no) is not None:
            return
        budget = int(data.get("promised_limit_days", 0))
        trace_id, root_span_id = case_ids_from(event.traceparent)
        review = ReviewRow(
            case_no=case_no,
            matter_code=str(data["matter_code"]),
            matter_name=str(data.get("matter_name", "")),
            department_code=str(data.get("department_code", "")),
            site_code=str(data["site_code"]),
            site_level=C.SiteLevel.Value(str(data.get("site_level", "SITE_LEVEL_UNSPECIFIED"))),
            service_mode=C.ServiceMode.Value(str(data.get("service_mode", "SERVICE_MODE_UNSPECIFIED"))),
            special_procedures=" ".join(
                str(C.SpecialProcedure.Value(name)) for name in data.get("special_procedures", [])
            ),
            department_names=json.dumps(data.get("department_names", {}), ensure_ascii=False),
            state=A.REVIEW_STATE_IN_REVIEW,
            accepted_on=date_field(data, "accepted_on"),
            budget_days=budget,
            trace_id=trace_id,
            root_span_id=root_span_id,
            opened_at=self.clock.now(),
        )
        with case_span("approval.open_review", review):
            session.add(review)
            session.flush()
            steps = flow.plan_steps(review, _flow(data, budget))
            session.add_all(steps)
            flow.activate_next(steps, review.accepted_on)
            session.flush()
            log_activity(session, review, "opened", SYSTEM, self.clock.now())
            announce(
                session, review, "review.opened", self.clock.now(), accepted_on=review.accepted_on.isoformat()
            )

    def _close_withdrawn(self, session: Session, data: dict[str, Any]) -> None:
        review = repository.review(session, str(data.get("case_no", "")), for_update=True)
        if review is None or review.state not in repository.OPEN_STATES:
            return
        today = today_of(self.clock)
        with case_span("approval.withdrawn", review):
            review.state = A.REVIEW_STATE_WITHDRAWN
            flow.cancel_open(repository.steps_of(session, review.case_no), today)
            for pause in repository.pauses_of(session, review.case_no):
                if pause.ended_on is None:
                    pause.ended_on = today
            log_activity(
                session, review, "withdrawn", str(data.get("withdrawn_by", SYSTEM)), self.clock.now()
            )

    def _resume_supplemented(self, session: Session, data: dict[str, Any]) -> None:
        review = repository.review(session, str(data.get("case_no", "")), for_update=True)
        if review is None or review.state != A.REVIEW_STATE_SENT_BACK:
            return
        supplemented_on = date_field(data, "supplemented_on")
        with case_span("approval.resume_after_supplement", review):
            review.state = A.REVIEW_STATE_IN_REVIEW
            for pause in repository.pauses_of(session, review.case_no):
                if pause.ended_on is None and pause.kind == A.PAUSE_KIND_SUPPLEMENT:
                    pause.ended_on = supplemented_on
                    pause.ended_by = str(data.get("supplemented_by", SYSTEM))
            log_activity(
                session, review, "supplemented", str(data.get("supplemented_by", SYSTEM)), self.clock.now()
            )
            announce(
                session, review, "review.resumed", self.clock.now(), resumed_on=supplemented_on.isoformat()
            )
