"""The events the staff service publishes through its outbox (tongban.staff.v1 events.proto).

Each announces a whole record as it is after the change, so a receiver's copy is just the last
event it applied. A site's events and its windows' share the site code as aggregate, so the
relay delivers them in order (a window never arrives before its site).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from google.protobuf.message import Message
from sqlmodel import Session
from tongban.acceptance.v1 import catalog_pb2
from tongban.staff.v1 import events_pb2 as E
from tongban.staff.v1 import organisation_pb2

from services.common.calendar import YearArrangement
from services.common.clock import CHINA
from services.common.outbox import record_event
from services.staff import roles
from services.staff.models import (
    AccountRow,
    AttendanceRow,
    LeaveRow,
    PostRow,
    SiteRow,
    StaffRow,
    UnattendedWindowRow,
    WindowRow,
)

SOURCE = "staff"


def publish(session: Session, aggregate_id: str, payload: Message, at: datetime) -> None:
    record_event(session, source=SOURCE, aggregate_id=aggregate_id, payload=payload, occurred=at)


def site_changed(session: Session, row: SiteRow, at: datetime) -> None:
    payload = E.SiteChanged(
        code=row.code,
        name=row.name,
        level=cast(catalog_pb2.SiteLevel, row.level),
        parent_code=row.parent_code,
    )
    publish(session, row.code, payload, at)


def window_changed(session: Session, row: WindowRow, at: datetime) -> None:
    payload = E.WindowChanged(
        code=row.code,
        site_code=row.site_code,
        name=row.name,
        kind=cast(organisation_pb2.WindowKind, row.kind),
        department_code=row.department_code,
        matter_codes=row.matter_codes.split(),
        opening_hours=row.opening_hours.split(),
        closed=row.closed,
    )
    publish(session, row.site_code, payload, at)


def member_changed(session: Session, row: StaffRow, account: AccountRow | None, at: datetime) -> None:
    payload = E.StaffMemberChanged(
        user_id=row.user_id,
        site_code=row.site_code,
        window_code=row.window_code,
        department_code=row.department_code,
        roles=cast(list[organisation_pb2.StaffRole], roles.of_row(row.roles)),
        active=row.active,
        posted_on=row.posted_on.isoformat(),
        account_enabled=account is None or not account.disabled,
    )
    publish(session, row.user_id, payload, at)


def posts_changed(session: Session, row: PostRow, by: str, at: datetime) -> None:
    payload = E.PostsChanged(
        site_code=row.site_code,
        department_code=row.department_code,
        chief_representative=row.chief_representative,
        a_post=row.a_post,
        b_post=row.b_post,
        set_by=by,
    )
    publish(session, f"posts:{row.site_code}:{row.department_code}", payload, at)


def account_status_changed(session: Session, row: AccountRow, by: str, at: datetime) -> None:
    payload = E.AccountStatusChanged(
        user_id=row.user_id, disabled=row.disabled, changed_by=by, changed_on=at.date().isoformat()
    )
    publish(session, row.user_id, payload, at)


def calendar_year_published(
    session: Session, arrangement: YearArrangement, *, by: str, changed_days: int, at: datetime
) -> None:
    payload = E.CalendarYearPublished(
        year=arrangement.year,
        holidays=[day.isoformat() for day in sorted(arrangement.holidays)],
        makeup_workdays=[day.isoformat() for day in sorted(arrangement.makeup_workdays)],
        source=arrangement.source,
        published_by=by,
        changed_days=changed_days,
    )
    publish(session, f"calendar-{arrangement.year}", payload, at)


def leave_approved(session: Session, row: LeaveRow, window_code: str, at: datetime) -> None:
    payload = E.LeaveApproved(
        leave_id=row.leave_id or 0,
        user_id=row.user_id,
        site_code=row.site_code,
        window_code=window_code,
        start_on=row.start_on.isoformat(),
        end_on=row.end_on.isoformat(),
        working_days=row.working_days,
    )
    publish(session, row.user_id, payload, at)


def leave_returned(session: Session, row: LeaveRow, at: datetime) -> None:
    returned = row.returned_on.isoformat() if row.returned_on else ""
    payload = E.LeaveReturned(
        leave_id=row.leave_id or 0, user_id=row.user_id, site_code=row.site_code, returned_on=returned
    )
    publish(session, row.user_id, payload, at)


def _clock_time(moment: datetime | None) -> str:
    return moment.astimezone(CHINA).strftime("%H:%M:%S") if moment else ""


def late_arrival(session: Session, row: AttendanceRow, at: datetime) -> None:
    payload = E.LateArrival(
        user_id=row.user_id,
        site_code=row.site_code,
        window_code=row.window_code,
        day=row.day.isoformat(),
        checked_in_at=_clock_time(row.checked_in_at),
        minutes_late=row.minutes_late,
    )
    publish(session, row.user_id, payload, at)


def early_leave(session: Session, row: AttendanceRow, at: datetime) -> None:
    payload = E.EarlyLeave(
        user_id=row.user_id,
        site_code=row.site_code,
        window_code=row.window_code,
        day=row.day.isoformat(),
        checked_out_at=_clock_time(row.checked_out_at),
        minutes_early=row.minutes_early,
    )
    publish(session, row.user_id, payload, at)


def absence(session: Session, row: AttendanceRow, at: datetime) -> None:
    payload = E.Absence(
        user_id=row.user_id, site_code=row.site_code, window_code=row.window_code, day=row.day.isoformat()
    )
    publish(session, row.user_id, payload, at)


def window_unattended(session: Session, row: UnattendedWindowRow, department_code: str, at: datetime) -> None:
    payload = E.WindowUnattended(
        window_code=row.window_code,
        site_code=row.site_code,
        department_code=department_code,
        day=row.day.isoformat(),
        unattended_minutes=row.unattended_minutes,
        whole_day=row.whole_day,
    )
    publish(session, row.site_code, payload, at)
