"""Attendance: a person checks in and out of today, once each (services.staff.attendance_rules
measures them); a manager closes a day gone by (services.staff.day_closing)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session
from tongban.staff.v1 import attendance_pb2

from services.common.calendar import CalendarDataMissing
from services.common.calls import CallContext
from services.common.clock import CHINA
from services.common.errors import FieldProblem, StateProblem, calendar_missing, not_found, wrong_state
from services.common.usecases import UseCases
from services.staff import attendance_rules, day_closing, events, repository
from services.staff.commands.checks import day_or, refuse
from services.staff.models import AttendanceRow, StaffRow
from services.staff.scope import require_site

A = attendance_pb2


def _clock_time(moment: datetime | None) -> str:
    return moment.astimezone(CHINA).strftime("%H:%M:%S") if moment else ""


def status_of(row: AttendanceRow, today: date) -> int:
    if row.absent:
        return A.ATTENDANCE_STATUS_ABSENT
    if not row.working_day:
        return A.ATTENDANCE_STATUS_REST_DAY
    if row.minutes_late and row.minutes_early:
        return A.ATTENDANCE_STATUS_LATE_AND_EARLY
    if row.minutes_late:
        return A.ATTENDANCE_STATUS_LATE
    if row.minutes_early:
        return A.ATTENDANCE_STATUS_EARLY_LEAVE
    if row.checked_out_at is None and row.day >= today:
        return A.ATTENDANCE_STATUS_AT_WORK
    return A.ATTENDANCE_STATUS_ON_TIME


def record_view(row: AttendanceRow, today: date) -> A.AttendanceRecord:
    return A.AttendanceRecord(
        user_id=row.user_id,
        site_code=row.site_code,
        window_code=row.window_code,
        day=row.day.isoformat(),
        working_day=row.working_day,
        checked_in_at=_clock_time(row.checked_in_at),
        checked_out_at=_clock_time(row.checked_out_at),
        minutes_late=row.minutes_late,
        minutes_early=row.minutes_early,
        status=status_of(row, today),  # type: ignore[arg-type]
    )


def _person(session: Session, user_id: str, *, lock: bool = False) -> StaffRow:
    person = repository.member(session, user_id, for_update=lock)
    if person is None or not person.active:
        raise not_found("staff", user_id, f"没有在岗人员 {user_id} / no such member of staff in post")
    return person


def _hours(session: Session, person: StaffRow) -> list[attendance_rules.Period]:
    window = repository.window(session, person.window_code) if person.window_code else None
    return attendance_rules.periods(window.opening_hours) if window and not window.closed else []


def _working(uc: UseCases, day: date) -> bool:
    try:
        return uc.calendar.is_working_day(day)
    except CalendarDataMissing as missing:
        raise calendar_missing(missing.year) from None


def check_in(uc: UseCases, call: CallContext, req: A.CheckInRequest) -> A.CheckInResponse:
    def use_case(session: Session) -> A.CheckInResponse:
        # The person's row locked: two check-ins at once (other request ids) take turns, and the
        # second is refused like any other (on PostgreSQL a missing row cannot be locked).
        person = _person(session, call.caller.user_id, lock=True)
        now = uc.clock.now().astimezone(CHINA)
        day = now.date()
        existing = session.get(AttendanceRow, (person.user_id, day), with_for_update=True)
        if existing is not None:
            at = _clock_time(existing.checked_in_at)
            raise wrong_state(
                f"今天已于 {at} 签到 / already checked in today at {at}",
                [StateProblem(day.isoformat(), "checked in", "ATTENDANCE")],
            )
        working = _working(uc, day)
        row = AttendanceRow(
            user_id=person.user_id,
            day=day,
            site_code=person.site_code,
            window_code=person.window_code,
            working_day=working,
            checked_in_at=now,
            minutes_late=attendance_rules.minutes_late(_hours(session, person), now.time()) if working else 0,
        )
        session.add(row)
        if row.minutes_late:
            events.late_arrival(session, row, now)
        return A.CheckInResponse(record=record_view(row, day))

    return uc.once(call, "CheckIn", req, A.CheckInResponse, use_case)


def check_out(uc: UseCases, call: CallContext, req: A.CheckOutRequest) -> A.CheckOutResponse:
    def use_case(session: Session) -> A.CheckOutResponse:
        person = _person(session, call.caller.user_id)
        now = uc.clock.now().astimezone(CHINA)
        day = now.date()
        row = session.get(AttendanceRow, (person.user_id, day), with_for_update=True)
        if row is None or row.checked_in_at is None:
            raise wrong_state(
                "今天尚未签到, 不能签退 / check in before checking out",
                [StateProblem(day.isoformat(), "not checked in", "ATTENDANCE")],
            )
        if row.checked_out_at is not None:
            at = _clock_time(row.checked_out_at)
            raise wrong_state(
                f"今天已于 {at} 签退 / already checked out today at {at}",
                [StateProblem(day.isoformat(), "checked out", "ATTENDANCE")],
            )
        row.checked_out_at = now
        if row.working_day:
            row.minutes_early = attendance_rules.minutes_early(_hours(session, person), now.time())
        session.add(row)
        if row.minutes_early:
            events.early_leave(session, row, now)
        return A.CheckOutResponse(record=record_view(row, day))

    return uc.once(call, "CheckOut", req, A.CheckOutResponse, use_case)


def close_day(uc: UseCases, call: CallContext, req: A.CloseDayRequest) -> A.CloseDayResponse:
    def use_case(session: Session) -> A.CloseDayResponse:
        today = uc.today()
        problems: list[FieldProblem] = []
        day = day_or(req.day, "day", today - timedelta(days=1), problems)
        if not problems and day >= today:
            problems.append(FieldProblem("day", "只能关闭已过去的日子 / only a day gone by"))
        site_code = req.site_code or call.caller.site_code
        if req.site_code and repository.site(session, req.site_code) is None:
            problems.append(FieldProblem("site_code", "站点未登记 / not a registered site"))
        refuse("关闭考勤日有误 / the day cannot be closed", problems)
        require_site(session, call, site_code)
        try:
            closed = day_closing.close(session, uc.calendar, site_code, day, uc.clock.now())
        except CalendarDataMissing as missing:
            raise calendar_missing(missing.year) from None
        return A.CloseDayResponse(
            site_code=site_code,
            day=day.isoformat(),
            working_day=closed.row.working_day,
            already_closed=closed.already,
            absences=closed.row.absences,
            unattended_windows=closed.row.unattended_windows,
        )

    return uc.once(call, "CloseDay", req, A.CloseDayResponse, use_case)
