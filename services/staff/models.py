"""Tables of the staff service's own database: every table model here (its own, and the shared
ones it imports) is one of its tables (services.common.db.tables_in).

Staff owns the organisation (sites, stationed departments, windows, people, posts), the
accounts with their password hashes, the token-signing keys and the administered calendar.
Other services keep copies of what they need, fed by its events.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import LargeBinary, Text
from sqlmodel import Column, Field, SQLModel

# Shared tables: the calendar years it administers, the outbox it publishes through, the inbox
# supervision's deductions arrive through, request ids.
from services.common.calendar_store import CalendarYearRow as CalendarYearRow
from services.common.idempotency import IdempotencyKey as IdempotencyKey
from services.common.inbox import InboxEntry as InboxEntry
from services.common.outbox import OutboxEvent as OutboxEvent


class SiteRow(SQLModel, table=True):
    # "org_": one metadata holds every service's models, and acceptance's copy is "sites".
    __tablename__ = "org_sites"

    code: str = Field(primary_key=True, max_length=12)
    name: str = Field(max_length=100)
    level: int
    parent_code: str = Field(default="", index=True, max_length=12)


class StationedDepartmentRow(SQLModel, table=True):
    """A department stationed at a site (派驻): its windows and people belong to it there."""

    __tablename__ = "stationed_departments"

    site_code: str = Field(foreign_key="org_sites.code", primary_key=True, max_length=12)
    department_code: str = Field(primary_key=True, max_length=6)
    name: str = Field(max_length=100)
    withdrawn: bool = False


class WindowRow(SQLModel, table=True):
    __tablename__ = "org_windows"

    code: str = Field(primary_key=True, max_length=17)
    site_code: str = Field(foreign_key="org_sites.code", index=True, max_length=12)
    name: str = Field(max_length=100)
    kind: int
    department_code: str = Field(default="", max_length=6)
    # Space-separated matter codes; empty: every matter the site may accept.
    matter_codes: str = Field(default="", sa_column=Column(Text, nullable=False))
    # Space-separated "08:30-12:00" periods of every working day.
    opening_hours: str = Field(default="", max_length=60)
    closed: bool = False


class StaffRow(SQLModel, table=True):
    __tablename__ = "staff"

    user_id: str = Field(primary_key=True, max_length=64)
    # Personal data: never in events, logs or spans.
    name: str = Field(max_length=50)
    original_unit: str = Field(max_length=100)
    site_code: str = Field(foreign_key="org_sites.code", index=True, max_length=12)
    window_code: str = Field(default="", index=True, max_length=17)
    department_code: str = Field(default="", max_length=6)
    # Space-separated StaffRole numbers.
    roles: str = Field(max_length=40)
    posted_on: date
    active: bool = True


class PostRow(SQLModel, table=True):
    """A department's posts at a site: its chief representative, or its A and B posts."""

    __tablename__ = "posts"

    site_code: str = Field(foreign_key="org_sites.code", primary_key=True, max_length=12)
    department_code: str = Field(primary_key=True, max_length=6)
    chief_representative: str = Field(default="", max_length=64)
    a_post: str = Field(default="", max_length=64)
    b_post: str = Field(default="", max_length=64)


class AccountRow(SQLModel, table=True):
    __tablename__ = "accounts"

    user_id: str = Field(foreign_key="staff.user_id", primary_key=True, max_length=64)
    # argon2id, PHC string format; "" until a password is set.
    password_hash: str = Field(default="", max_length=200)
    must_change_password: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    disabled: bool = False
    # Tokens issued at or before this moment are refused by the gateway (disable, reset, leave).
    tokens_revoked_at: datetime | None = Field(default=None, index=True)


class SigningKeyRow(SQLModel, table=True):
    """An Ed25519 token-signing key. The private key is stored encrypted (PKCS#8 with a passphrase
    derived from the deployment's internal key), so a copy of the database alone signs nothing."""

    __tablename__ = "signing_keys"

    kid: str = Field(primary_key=True, max_length=64)
    private_pem: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    public_pem: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    # Signs from this moment (gateways fetch it before), until a newer key signs.
    signs_from: datetime = Field(index=True)
    # Published to the gateways until then (None: while it may still sign).
    published_until: datetime | None = None


class LeaveRow(SQLModel, table=True):
    """A leave request and its decisions (services.staff.commands.leave)."""

    __tablename__ = "leave"

    leave_id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(foreign_key="staff.user_id", index=True, max_length=64)
    site_code: str = Field(index=True, max_length=12)
    start_on: date = Field(index=True)
    end_on: date = Field(index=True)
    working_days: int
    # Free text the person wrote: stays here, never in events, logs or spans.
    reason: str = Field(max_length=500)
    state: int = Field(index=True)
    # Space-separated ApprovalLevel numbers, in order.
    chain: str = Field(max_length=20)
    # JSON list of {level, approved, decided_by, note}, in order.
    approvals: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    returned_on: date | None = None
    requested_by: str = Field(max_length=64)
    requested_at: datetime


class LeavePolicyRow(SQLModel, table=True):
    """A centre's leave chain (the default is DOMAIN.md's: 1 and 2 days)."""

    __tablename__ = "leave_policies"

    site_code: str = Field(foreign_key="org_sites.code", primary_key=True, max_length=12)
    section_max_days: int = 1
    deputy_max_days: int = 2


class AttendanceRow(SQLModel, table=True):
    """A person's day (services.staff.commands.attendance): check-in and check-out at the clock's
    time, measured against their window's opening hours; or, once the day was closed, an absence."""

    __tablename__ = "attendance"

    user_id: str = Field(foreign_key="staff.user_id", primary_key=True, max_length=64)
    day: date = Field(primary_key=True, index=True)
    site_code: str = Field(index=True, max_length=12)
    window_code: str = Field(default="", max_length=17)
    working_day: bool = True
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None
    minutes_late: int = 0
    minutes_early: int = 0
    # No check-in on a working day and no approved leave: decided when the day was closed.
    absent: bool = False


class ClosedDayRow(SQLModel, table=True):
    """A site's day whose absences and unattended windows were decided (closing is once only)."""

    __tablename__ = "attendance_closed_days"

    site_code: str = Field(foreign_key="org_sites.code", primary_key=True, max_length=12)
    day: date = Field(primary_key=True)
    working_day: bool
    absences: int = 0
    unattended_windows: int = 0
    closed_at: datetime


class UnattendedWindowRow(SQLModel, table=True):
    """A window nobody on duty was checked in at, for part or all of its opening hours that day."""

    __tablename__ = "unattended_windows"

    window_code: str = Field(primary_key=True, max_length=17)
    day: date = Field(primary_key=True)
    site_code: str = Field(index=True, max_length=12)
    unattended_minutes: int
    whole_day: bool


class DeductionRow(SQLModel, table=True):
    """A deduction supervision decided (tongban.supervision.v1.DeductionRecorded), one per finding."""

    __tablename__ = "assessment_deductions"

    finding_id: str = Field(primary_key=True, max_length=64)
    accountability_case_id: str = Field(default="", max_length=64)
    user_id: str = Field(index=True, max_length=64)
    window_code: str = Field(default="", index=True, max_length=17)
    site_code: str = Field(index=True, max_length=12)
    points: int
    reason_code: str = Field(default="", max_length=40)
    # China's date of the decision: the quarter it counts in.
    decided_on: date = Field(index=True)
    received_at: datetime


class PraiseRow(SQLModel, table=True):
    """Praise an administrator recorded: a card, a banner or a good review (a bonus, capped)."""

    __tablename__ = "assessment_praise"

    praise_id: int | None = Field(default=None, primary_key=True)
    # "" for a window's praise.
    user_id: str = Field(default="", index=True, max_length=64)
    window_code: str = Field(default="", index=True, max_length=17)
    site_code: str = Field(index=True, max_length=12)
    kind: int
    points: int
    awarded_on: date = Field(index=True)
    recorded_by: str = Field(max_length=64)
    # Free text: stays here, never in events, logs or spans.
    note: str = Field(default="", max_length=200)


class RotationRow(SQLModel, table=True):
    """A department's written request to replace the person at a window (services.staff.commands.rotation)."""

    __tablename__ = "rotations"

    rotation_id: int | None = Field(default=None, primary_key=True)
    site_code: str = Field(index=True, max_length=12)
    department_code: str = Field(default="", max_length=6)
    window_code: str = Field(max_length=17)
    current_user_id: str = Field(max_length=64)
    proposed_user_id: str = Field(max_length=64)
    # The department's reasons: stay here, never in events, logs or spans.
    reasons: str = Field(max_length=500)
    effective_on: date
    served_months: int
    minimum_months: int
    override_reason: str = Field(default="", max_length=500)
    overridden_by: str = Field(default="", max_length=64)
    state: int = Field(index=True)
    trained_on: date | None = None
    training: str = Field(default="", max_length=200)
    requested_by: str = Field(max_length=64)
    requested_at: datetime
    completed_at: datetime | None = None


class RotationPolicyRow(SQLModel, table=True):
    """A centre's minimum posting in years (1 by default, DOMAIN.md; some centres 2)."""

    __tablename__ = "rotation_policies"

    site_code: str = Field(foreign_key="org_sites.code", primary_key=True, max_length=12)
    minimum_posting_years: int = 1
