"""The county–township handover on acceptance's side (县乡同办).

Outgoing: what approval needs to open a review, sent with the accepted event.
Incoming: the county's decision and its send-back for supplement, delivered through the inbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from sqlmodel import Session
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.events.v1 import event_pb2

from services.acceptance import repository
from services.acceptance.models import CaseRow, DepartmentRow
from services.acceptance.views import issue_due_on
from services.common.calendar import WorkingCalendar
from services.common.case_tracing import case_span
from services.common.event_data import data_of, date_field, rejects_malformed

S = acceptance_pb2
_WAITING_FOR_COUNTY = (S.CASE_STATE_ACCEPTED, S.CASE_STATE_REVIEW_SUPPLEMENT)


def review_facts(session: Session, row: CaseRow, matter: catalog_pb2.Matter) -> dict[str, Any]:
    """Matter facts approval keeps with the review: the flow, the departments, the accepting site."""
    if matter.deciding_level != catalog_pb2.DECIDING_LEVEL_COUNTY:
        return {}
    codes = {matter.department_code} | {
        code for step in matter.review_steps for code in step.department_codes
    }
    names = {
        code: department.name for code in sorted(codes) if (department := session.get(DepartmentRow, code))
    }
    site = repository.site(session, row.site_code)
    return {
        "matter_name": matter.name,
        "department_code": matter.department_code,
        "department_names": names,
        "site_level": catalog_pb2.SiteLevel.Name(site.level if site else 0),
        "special_procedures": [catalog_pb2.SpecialProcedure.Name(p) for p in matter.special_procedures],
        "review_steps": [json_format.MessageToDict(step) for step in matter.review_steps],
    }


@dataclass
class CountyResults:
    """Applies approval's events to the case at the accepting window."""

    calendar: WorkingCalendar

    @rejects_malformed
    def handle(self, session: Session, event: event_pb2.Event) -> None:
        data = data_of(event)
        if event.event_type not in ("review.decided", "review.sent_back"):
            return
        row = repository.case(session, str(data.get("case_no", "")), for_update=True)
        if row is None or row.state not in _WAITING_FOR_COUNTY:
            # A case withdrawn meanwhile keeps its state; the inbox records that the event came.
            return
        if event.event_type == "review.decided":
            with case_span("acceptance.record_decision", row):
                self._record_decision(row, data)
        else:
            with case_span("acceptance.record_send_back", row):
                row.state = S.CASE_STATE_REVIEW_SUPPLEMENT
                row.review_items = json.dumps(
                    [str(item) for item in data.get("items", [])], ensure_ascii=False
                )
                row.review_reason = str(data.get("reason", ""))

    def _record_decision(self, row: CaseRow, data: dict[str, Any]) -> None:
        granted = data.get("outcome") == "DECISION_OUTCOME_GRANTED"
        row.state = S.CASE_STATE_DECIDED
        row.outcome = S.OUTCOME_APPROVED if granted else S.OUTCOME_REFUSED
        row.decided_on = row.completed_on = date_field(data, "decided_on")
        row.window_due_on = issue_due_on(self.calendar, row.decided_on)
        row.decision_number = str(data.get("document_number", ""))
        row.decided_on_time = bool(data.get("on_time", False))
        row.review_items = "[]"
        row.review_reason = ""
