"""Approval's tables: reviews, their steps, pauses, activity log and documents. Every table model
here (its own, and the shared ones it imports) is one of its tables (services.common.db.tables_in).

Overdue and days left are never stored; they are computed from these rows and the calendar.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

# Shared tables: the calendar years an administrator loaded, document serials, the outbox it
# publishes through, the inbox of the other services' events, and request ids.
from services.common.calendar_store import CalendarYearRow as CalendarYearRow
from services.common.counters import CounterRow as CounterRow
from services.common.idempotency import IdempotencyKey as IdempotencyKey
from services.common.inbox import InboxEntry as InboxEntry
from services.common.outbox import OutboxEvent as OutboxEvent


class ReviewRow(SQLModel, table=True):
    __tablename__ = "reviews"

    case_no: str = Field(primary_key=True, max_length=40)
    matter_code: str = Field(index=True, max_length=40)
    matter_name: str = Field(max_length=200)
    # The matter's department: it decides, extends and runs special procedures.
    department_code: str = Field(index=True, max_length=16)
    # The accepting site, where the result is issued.
    site_code: str = Field(index=True, max_length=32)
    site_level: int
    service_mode: int
    # Space-separated SpecialProcedure values the catalogue allows for the matter.
    special_procedures: str = Field(default="", max_length=40)
    # JSON object {department code: name} of every department in the flow, for documents.
    department_names: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    state: int = Field(index=True)
    accepted_on: date
    budget_days: int
    extension_days: int = 0
    extension_approver: str = Field(default="", max_length=100)
    extension_reason: str = Field(default="", max_length=1000)
    extension_granted_on: date | None = None
    extension_granted_by: str = Field(default="", max_length=64)
    extension_notice: str = Field(default="", max_length=40)
    sent_back: bool = False
    decision_outcome: int = 0
    # JSON list of [department code, reason].
    decision_reasons: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    decision_number: str = Field(default="", max_length=40)
    decided_on: date | None = None
    decided_by: str = Field(default="", max_length=64)
    decision_department: str = Field(default="", max_length=16)
    trace_id: str = Field(max_length=32)
    root_span_id: str = Field(max_length=16)
    opened_at: datetime
    # Whether the case has pauses or documents: each view of the case (after every write, and on
    # every read) skips the query for those it has none of, as most open cases do.
    has_pauses: bool = False
    has_documents: bool = False


class StepRow(SQLModel, table=True):
    __tablename__ = "steps"
    __table_args__ = (UniqueConstraint("case_no", "number", name="uq_steps_case_number"),)

    step_id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(foreign_key="reviews.case_no", index=True, max_length=40)
    # The step's number within its case (1, 2 …, in the flow's order).
    number: int = 0
    position: int
    name: str = Field(max_length=40)
    kind: int
    role: int
    # The acting department, or "" for a township's initial review at site_code.
    department_code: str = Field(default="", index=True, max_length=16)
    site_code: str = Field(default="", index=True, max_length=32)
    lead: bool = False
    state: int = Field(index=True)
    time_limit_days: int
    started_on: date | None = None
    finished_on: date | None = None
    assignee: str = Field(default="", index=True, max_length=64)
    verdict: int = 0
    opinion: str = Field(default="", sa_column=Column(Text, nullable=False))
    acted_by: str = Field(default="", max_length=64)


class PauseRow(SQLModel, table=True):
    __tablename__ = "pauses"

    pause_id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(foreign_key="reviews.case_no", index=True, max_length=40)
    kind: int
    procedure: int = 0
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    planned_days: int = 0
    started_on: date
    ended_on: date | None = None
    notice_number: str = Field(default="", max_length=40)
    started_by: str = Field(default="", max_length=64)
    ended_by: str = Field(default="", max_length=64)
    # JSON list of what the applicant must supplement (send-back only).
    items: str = Field(default="[]", sa_column=Column(Text, nullable=False))


class ActivityRow(SQLModel, table=True):
    """Who did what to a review, and when: the record reviewers and inspectors read."""

    __tablename__ = "activities"

    activity_id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(foreign_key="reviews.case_no", index=True, max_length=40)
    action: str = Field(max_length=40)
    actor: str = Field(max_length=64)
    step_id: int = 0
    target: str = Field(default="", max_length=64)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
    at: datetime


class ReviewDocumentRow(SQLModel, table=True):
    __tablename__ = "review_documents"

    number: str = Field(primary_key=True, max_length=40)
    kind: int
    case_no: str = Field(foreign_key="reviews.case_no", index=True, max_length=40)
    department_code: str = Field(max_length=16)
    issued_on: date
    text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)


class StaffCopyRow(SQLModel, table=True):
    """Approval's copy of the staff service's people, fed by its events (services.approval.staff_copy):
    who a step may be reassigned to. User ids and postings only; names stay with staff."""

    __tablename__ = "staff_copy"

    user_id: str = Field(primary_key=True, max_length=64)
    site_code: str = Field(max_length=12)
    window_code: str = Field(default="", max_length=17)
    department_code: str = Field(default="", index=True, max_length=16)
    # Space-separated token role names (clerk, reviewer ...).
    roles: str = Field(default="", max_length=100)
    # In post, and the account may sign in.
    active: bool = True
