"""Closing a site's day once it is over: who was absent, and which windows nobody on duty was at.

A day is closed once (the closed-day row is the record of it, under its primary key), so
closing again, by hand or by the sweep, decides and announces nothing twice. Absence is no
check-in on a working day by a person sitting at an open window, posted by then, whose account
is not disabled and who is not on approved leave. A window's duty is its A post, or the B post
when A did not check in at all that day (A on leave, out of post or simply absent: B covers,
DOMAIN.md "Staff"), or else any of its staff; the minutes of its opening hours none of them was
checked in are its unattended minutes.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from opentelemetry import trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.common.calendar import CalendarDataMissing, WorkingCalendar
from services.common.clock import CHINA, Clock
from services.common.clock import today as today_of
from services.common.db import Database
from services.staff import attendance_rules, events, repository
from services.staff.attendance_rules import DAY_SECONDS, Interval
from services.staff.leave_queries import on_leave
from services.staff.models import (
    AttendanceRow,
    ClosedDayRow,
    SiteRow,
    StaffRow,
    UnattendedWindowRow,
    WindowRow,
)

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


@dataclass(frozen=True)
class Closed:
    row: ClosedDayRow
    already: bool


def _seconds(moment: datetime | None, default: int) -> int:
    return attendance_rules.seconds(moment.astimezone(CHINA).time()) if moment else default


def _presence(record: AttendanceRow | None) -> list[Interval]:
    if record is None or record.checked_in_at is None:
        return []
    # Never checked out: counted present until the day ended.
    return [(_seconds(record.checked_in_at, 0), _seconds(record.checked_out_at, DAY_SECONDS))]


def _duty_presence(
    session: Session, window: WindowRow, day: date, records: dict[str, AttendanceRow]
) -> list[Interval]:
    posts = (
        repository.posts(session, window.site_code, window.department_code)
        if window.department_code
        else None
    )
    if posts is not None and posts.a_post:
        a = _presence(records.get(posts.a_post))
        if a:
            return a
        b_away = not posts.b_post or on_leave(session, posts.b_post, day)
        return [] if b_away else _presence(records.get(posts.b_post))
    staff = session.exec(
        select(StaffRow.user_id).where(StaffRow.window_code == window.code, col(StaffRow.active))
    ).all()
    return [span for user in staff for span in _presence(records.get(user))]


def close(session: Session, calendar: WorkingCalendar, site_code: str, day: date, now: datetime) -> Closed:
    """Decide the day at the site, once; CalendarDataMissing when its year is not known."""
    # The site's row locked: a manager and the sweep (or two replicas) closing it take turns.
    session.get(SiteRow, site_code, with_for_update=True)
    done = session.get(ClosedDayRow, (site_code, day))
    if done is not None:
        return Closed(done, already=True)
    closed = ClosedDayRow(
        site_code=site_code, day=day, working_day=calendar.is_working_day(day), closed_at=now
    )
    if closed.working_day:
        records = {
            row.user_id: row
            for row in session.exec(
                select(AttendanceRow).where(AttendanceRow.site_code == site_code, AttendanceRow.day == day)
            ).all()
        }
        windows = {
            w.code: w for w in repository.windows(session, site_code) if not w.closed and w.opening_hours
        }
        people = repository.staff(session, [site_code])
        accounts = repository.accounts(session, [p.user_id for p in people])
        for person in people:
            if not (person.active and person.window_code in windows and person.posted_on <= day):
                continue
            if person.user_id in accounts and accounts[person.user_id].disabled:
                continue  # out of post (DOMAIN.md: B covers), not absent
            if person.user_id in records or on_leave(session, person.user_id, day):
                continue
            absent = AttendanceRow(
                user_id=person.user_id,
                day=day,
                site_code=site_code,
                window_code=person.window_code,
                working_day=True,
                absent=True,
            )
            session.add(absent)
            events.absence(session, absent, now)
            closed.absences += 1
        for window in windows.values():
            hours = attendance_rules.periods(window.opening_hours)
            missing = attendance_rules.unattended_minutes(
                hours, _duty_presence(session, window, day, records)
            )
            if missing:
                row = UnattendedWindowRow(
                    window_code=window.code,
                    day=day,
                    site_code=site_code,
                    unattended_minutes=missing,
                    whole_day=missing == attendance_rules.opening_minutes(hours),
                )
                session.add(row)
                events.window_unattended(session, row, window.department_code, now)
                closed.unattended_windows += 1
    session.add(closed)
    return Closed(closed, already=False)


def first_tracked_day(session: Session, site_code: str) -> date | None:
    """A site's attendance counts from its first check-in: the sweep closes no day before it."""
    first = session.exec(
        select(AttendanceRow)
        .where(AttendanceRow.site_code == site_code, col(AttendanceRow.checked_in_at).is_not(None))
        .order_by(col(AttendanceRow.day))
        .limit(1)
    ).first()
    return first.day if first else None


class DayCloser:
    """Closes every tracked site's days gone by (up to `lookback` days back), every `interval`
    seconds: a worker of the staff server. Replicas may race; the closed-day key lets one win."""

    def __init__(
        self,
        db: Database,
        calendar: WorkingCalendar,
        clock: Clock,
        *,
        interval: float = 300,
        lookback: int = 7,
    ) -> None:
        self._db, self._calendar, self._clock = db, calendar, clock
        self._interval, self._lookback = interval, lookback
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="day-closer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.sweep()
            except Exception:  # a failed sweep is retried at the next one; the server keeps serving
                log.exception("closing attendance days failed")

    def sweep(self) -> int:
        """Close what is due; the number of days closed."""
        today = today_of(self._clock)
        # Looking for days due is not traced (an idle sweep would make a trace per pass);
        # closing one is, under a span of its own.
        with suppress_instrumentation(), self._db.reading() as session:
            due = [
                (site.code, day)
                for site in repository.sites(session)
                if (first := first_tracked_day(session, site.code)) is not None
                for day in (today - timedelta(days=n) for n in range(self._lookback, 0, -1))
                if day >= first and session.get(ClosedDayRow, (site.code, day)) is None
            ]
        closed = 0
        for site_code, day in due:
            attributes = {"tongban.site_code": site_code, "tongban.day": day.isoformat()}
            try:
                with (
                    tracer.start_as_current_span("staff.close_day", attributes=attributes),
                    self._db.transaction() as session,
                ):
                    closed += not close(session, self._calendar, site_code, day, self._clock.now()).already
            except (IntegrityError, CalendarDataMissing):
                continue  # another replica closed it first, or the year is not loaded yet
        return closed
