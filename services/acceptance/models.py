"""Tables of the acceptance service's own database: every table model here (its own, and the
shared ones it imports) is one of its tables (services.common.db.tables_in)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Index, Integer, LargeBinary, Text, false
from sqlmodel import Column, Field, SQLModel

# Shared tables: the calendar years an administrator loaded, serial numbers, the outbox it
# publishes through, the inbox of the other services' events, and request ids.
from services.common.calendar_store import CalendarYearRow as CalendarYearRow
from services.common.counters import CounterRow as CounterRow
from services.common.idempotency import IdempotencyKey as IdempotencyKey
from services.common.inbox import InboxEntry as InboxEntry
from services.common.outbox import OutboxEvent as OutboxEvent


class DepartmentRow(SQLModel, table=True):
    __tablename__ = "departments"

    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=100)


class SiteRow(SQLModel, table=True):
    """Sites and windows are the staff service's: these are acceptance's copies, fed by its events
    (services.acceptance.organisation)."""

    __tablename__ = "sites"

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=100)
    level: int
    parent_code: str = Field(default="", max_length=32)


class WindowRow(SQLModel, table=True):
    __tablename__ = "windows"

    code: str = Field(primary_key=True, max_length=40)
    site_code: str = Field(foreign_key="sites.code", index=True, max_length=32)
    name: str = Field(max_length=100)
    department_code: str = Field(default="", max_length=16)
    # Space-separated matter codes it serves; empty: every matter its site may accept.
    matter_codes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # A closed window takes no applications.
    closed: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


class MatterRow(SQLModel, table=True):
    __tablename__ = "matters"

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200, index=True)
    department_code: str = Field(foreign_key="departments.code", index=True, max_length=16)
    department_name: str = Field(max_length=100)
    # Space-separated SiteLevel numbers, for filtering by site.
    accepting_levels: str = Field(max_length=20)
    # The whole tongban.acceptance.v1.Matter: materials, fees and procedures.
    definition: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class MatterVersionRow(SQLModel, table=True):
    """Every version of every matter: drafts, and the published ones with their effective date.
    Cases point at the version they were received under; nothing here is ever rewritten once
    published."""

    __tablename__ = "matter_versions"

    matter_code: str = Field(primary_key=True, max_length=40)
    version: int = Field(primary_key=True)
    # tongban.acceptance.v1.VersionState
    state: int = Field(index=True)
    department_code: str = Field(index=True, max_length=16)
    # The whole tongban.acceptance.v1.Matter of this version.
    definition: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    drafted_by: str = Field(max_length=64)
    drafted_on: date
    published_by: str = Field(default="", max_length=64)
    published_on: date | None = None
    effective_on: date | None = Field(default=None, index=True)
    note: str = Field(default="", max_length=500)


class ExtensionRow(SQLModel, table=True):
    """Extension decisions (事项延伸/收回), appended, never changed: for a site on a day, the latest
    decision in force about the site itself counts, else the latest about its level, else the
    matter's own accepting levels."""

    __tablename__ = "matter_extensions"

    id: int | None = Field(default=None, primary_key=True)
    matter_code: str = Field(index=True, max_length=40)
    # Either a SiteLevel (site_code empty) or one site.
    site_level: int = 0
    site_code: str = Field(default="", max_length=32)
    # tongban.acceptance.v1.ExtensionAction
    action: int
    effective_on: date
    document_number: str = Field(max_length=40)
    document_date: date
    changed_by: str = Field(max_length=64)
    recorded_at: datetime


class CaseRow(SQLModel, table=True):
    __tablename__ = "cases"
    # A site's cases newest first, as the window's list shows them: a page is read from the index's
    # end, not sorted from all the site's cases. It serves lookups by site alone too.
    __table_args__ = (Index("ix_cases_site_received", "site_code", "received_at", "case_no"),)

    case_no: str = Field(primary_key=True, max_length=40)
    site_code: str = Field(foreign_key="sites.code", max_length=32)
    window_code: str = Field(max_length=40)
    matter_code: str = Field(foreign_key="matters.code", index=True, max_length=40)
    # The catalogue version the case was received under (matter_versions): it follows that one.
    matter_version: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    state: int = Field(index=True)
    applicant_kind: int
    # Personal data: only ever leaves this service masked, unless the role needs it.
    applicant_name: str = Field(max_length=200)
    applicant_id_number: str = Field(max_length=18)
    applicant_phone: str = Field(max_length=20)
    applicant_address: str = Field(default="", max_length=300)
    received_at: datetime
    received_on: date = Field(index=True)
    received_by: str = Field(max_length=64)
    accepted_on: date | None = None
    promised_limit_days: int = 0
    promised_date: date | None = Field(default=None, index=True)
    # JSON list of outstanding material issues (one-time notice).
    outstanding: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    notice_count: int = 0
    # JSON list of the new facts that justified a further notice.
    new_facts: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    non_acceptance_reason: str = Field(default="", max_length=1000)
    competent_agency: str = Field(default="", max_length=100)
    outcome: int = 0
    result_summary: str = Field(default="", max_length=500)
    completed_on: date | None = None
    issued_on: date | None = None
    issued_by: str = Field(default="", max_length=64)
    recipient_name: str = Field(default="", max_length=100)
    withdrawal_reason: str = Field(default="", max_length=1000)
    # County-decided cases: the decision as approval announced it, and what it sent back.
    decided_on: date | None = None
    # The date the case's clock runs to, for the overdue filter: the promised date for
    # township-decided cases; for county-decided ones the county's due date while it reviews
    # (None while its clock stands and is not overdue), the Art. 44 issue date once it decided.
    window_due_on: date | None = Field(default=None, index=True)
    decision_number: str = Field(default="", max_length=40)
    decided_on_time: bool = False
    review_items: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    review_reason: str = Field(default="", max_length=1000)
    # The county's review clock as its events tell it (services.acceptance.county_clock): the
    # extension's working days, and the pauses, a JSON list of {"started_on", "ended_on"}.
    review_extension_days: int = 0
    review_pauses: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    trace_id: str = Field(max_length=32)
    root_span_id: str = Field(max_length=16)


class DocumentRow(SQLModel, table=True):
    __tablename__ = "documents"

    number: str = Field(primary_key=True, max_length=48)
    kind: int
    case_no: str = Field(foreign_key="cases.case_no", index=True, max_length=40)
    site_code: str = Field(max_length=32)
    window_code: str = Field(max_length=40)
    issued_on: date
    text: str = Field(sa_column=Column(Text, nullable=False))
    html: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
