"""Supervision's tables: the events received, its copy of each case's clock, the alerts, and the
hash-chained record. Every table model here (its own, and the shared ones it imports) is one of
its tables."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

# Shared tables: the inbox that records each delivered event once; the calendar years the
# centre administrator loaded (supervision's copy, from staff's events); the request ids of the
# inspectors' commands; the outbox.
from services.common.calendar_store import CalendarYearRow as CalendarYearRow
from services.common.idempotency import IdempotencyKey as IdempotencyKey
from services.common.inbox import InboxEntry as InboxEntry

# Supervision's outbox: the deductions it sends the staff service.
from services.common.outbox import OutboxEvent as OutboxEvent


class ReceivedEventRow(SQLModel, table=True):
    __tablename__ = "received_events"

    # Arrival order; also the position page tokens continue after.
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=36)
    event_type: str = Field(max_length=80, index=True)
    source: str = Field(max_length=40, index=True)
    aggregate_id: str = Field(max_length=64, index=True)
    # Aware datetimes; SQLModel stores them in UTC on both databases.
    occurred_at: datetime
    received_at: datetime
    traceparent: str = Field(default="", max_length=64)
    # The serialized tongban.events.v1.Event, kept whole for the rules that will read it.
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class CaseWatchRow(SQLModel, table=True):
    """A case as supervision knows it from the events: enough to read its clock any day."""

    __tablename__ = "case_watches"
    __table_args__ = (
        Index("ix_case_watches_next_check_on", "next_check_on"),
        # A department's latest completed cases (the rules read the last two on each completion
        # event): without it, every such event scanned and sorted every watched case.
        Index("ix_case_watches_department_completed", "department_code", "completed_on", "case_no"),
    )

    case_no: str = Field(primary_key=True, max_length=64)
    matter_code: str = Field(default="", max_length=24)
    site_code: str = Field(default="", max_length=12, index=True)
    department_code: str = Field(default="", max_length=6)
    window_code: str = Field(default="", max_length=17)
    received_by: str = Field(default="", max_length=64)
    # The case's trace (services.common.case_tracing): supervision's spans about it go there.
    trace_id: str = Field(default="", max_length=32)
    root_span_id: str = Field(default="", max_length=16)
    first_seen_on: date
    acceptance_seen: bool = False
    accepted_on: date | None = None
    # The promised limit plus extensions; 0 for a case with no clock (instant, not accepted).
    budget_days: int = 0
    closed: bool = False
    # The facts the monthly tables count (services/supervision/statistics.py).
    received_on: date | None = Field(default=None, index=True)
    instant: bool = False
    # Decided (county), issued (township) or completed on the spot: the first of them.
    completed_on: date | None = Field(default=None, index=True)
    on_time: bool | None = None
    # The earliest day a rule asked to look at the case again; None when none did. The sweep
    # reads only rows due, by this index, so its cost follows what is due.
    next_check_on: date | None = None
    # Whether the case has rows in these tables: reading the case for the rules (on every event it
    # is in) skips the queries for those it has none of, as most cases do.
    has_pauses: bool = False
    has_findings: bool = False
    has_reviews: bool = False
    has_complaints: bool = False


class CasePauseRow(SQLModel, table=True):
    """A pause of a case's clock (a special procedure or a send-back for supplement)."""

    __tablename__ = "case_pauses"
    __table_args__ = (UniqueConstraint("case_no", "started_on", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=20)
    started_on: date
    ended_on: date | None = None


class AlertRow(SQLModel, table=True):
    """A finding as inspectors work with it. Its content is on the record (entry `record_seq`);
    the columns here are what the filters and the state need."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("rule", "finding_key", "case_no"),)

    alert_id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=40, index=True)
    finding_key: str = Field(max_length=80)
    severity: int
    state: int
    summary: str = Field(sa_column=Column(Text, nullable=False))
    case_no: str = Field(default="", max_length=64, index=True)
    site_code: str = Field(default="", max_length=12, index=True)
    department_code: str = Field(default="", max_length=6)
    window_code: str = Field(default="", max_length=17)
    user_id: str = Field(default="", max_length=64)
    finish_by: date | None = None
    # Points deducted from the person's assessment (a conduct violation's), 0 for none.
    points: int = 0
    trace_id: str = Field(default="", max_length=32)
    raised_at: datetime
    record_seq: int
    acknowledged_by: str = Field(default="", max_length=64)
    acknowledged_at: datetime | None = None
    acknowledge_note: str = Field(default="", max_length=200)


class RecordEntryRow(SQLModel, table=True):
    """The supervision record: append-only, each entry's hash covering the one before it."""

    __tablename__ = "record_entries"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str = Field(max_length=40)
    # Canonical JSON of what was recorded (sorted keys, no spaces).
    body: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class RecordHeadRow(SQLModel, table=True):
    """The record's last entry: appends take turns on this one row (locked), and a removed last
    entry is found by it."""

    __tablename__ = "record_head"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    hash: str = Field(default="", max_length=64)


class AccountabilityCaseRow(SQLModel, table=True):
    """An accountability case (问责). Each step is also an entry of the record; the decision's
    entry is `decision_seq`, which verification compares with the row."""

    __tablename__ = "accountability_cases"

    case_id: int | None = Field(default=None, primary_key=True)
    state: int = Field(index=True)
    department_code: str = Field(default="", max_length=6, index=True)
    site_code: str = Field(default="", max_length=12)
    user_id: str = Field(default="", max_length=64)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    opened_by: str = Field(max_length=64)
    opened_at: datetime
    question: str = Field(default="", sa_column=Column(Text, nullable=False))
    explanation_due: date | None = None
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False))
    outcome: int = 0
    points: int = 0
    decision_reasons: str = Field(default="", sa_column=Column(Text, nullable=False))
    decided_by: str = Field(default="", max_length=64)
    decided_at: datetime | None = None
    decision_seq: int = 0
    closed_at: datetime | None = None


class AccountabilityAlertRow(SQLModel, table=True):
    """The alerts an accountability case was opened from; an alert is taken up by one case."""

    __tablename__ = "accountability_alerts"

    alert_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    case_id: int = Field(index=True)


class AccountabilityStepRow(SQLModel, table=True):
    """Which record entries belong to which accountability case, in order."""

    __tablename__ = "accountability_steps"

    record_seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    case_id: int = Field(index=True)


class ReviewRow(SQLModel, table=True):
    """A rating of a case (好差评): one per case. The comment is the applicant's own words, kept
    for the department and the inspectors, never put in events, spans or logs."""

    __tablename__ = "case_reviews"

    review_id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(unique=True, max_length=64)
    rating: int
    channel: int
    comment: str = Field(default="", max_length=200)
    site_code: str = Field(default="", max_length=12, index=True)
    department_code: str = Field(default="", max_length=6)
    window_code: str = Field(default="", max_length=17)
    reviewed_at: datetime
    reviewed_on: date = Field(index=True)
    # A bad review's rectification (整改): due by, what was done.
    rectify_by: date | None = None
    rectification: str = Field(default="", sa_column=Column(Text, nullable=False))
    rectified_by: str = Field(default="", max_length=64)
    rectified_at: datetime | None = None


class ComplaintRow(SQLModel, table=True):
    """A complaint (投诉) about a case, to be accepted or refused by `answer_by`."""

    __tablename__ = "complaints"

    complaint_id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(max_length=64, index=True)
    state: int
    content: str = Field(sa_column=Column(Text, nullable=False))
    registered_by: str = Field(max_length=64)
    registered_at: datetime
    answer_by: date
    answer: str = Field(default="", sa_column=Column(Text, nullable=False))
    answered_by: str = Field(default="", max_length=64)
    answered_at: datetime | None = None


class ConductViolationRow(SQLModel, table=True):
    """A conduct violation an inspector or a patrol recorded (its note stays here)."""

    __tablename__ = "conduct_violations"

    violation_id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=64, index=True)
    site_code: str = Field(max_length=12)
    window_code: str = Field(max_length=17)
    kind: int
    note: str = Field(default="", max_length=200)
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime
