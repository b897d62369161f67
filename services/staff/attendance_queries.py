"""Reading attendance: a site's day, person by person, with the windows left unattended."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from tongban.staff.v1 import attendance_pb2

from services.common.calendar import CalendarDataMissing
from services.common.calls import CallContext
from services.common.errors import FieldProblem, calendar_missing
from services.common.usecases import UseCases
from services.staff import repository
from services.staff.commands.attendance import record_view
from services.staff.commands.checks import day_or, refuse
from services.staff.leave_queries import on_leave
from services.staff.models import AttendanceRow, ClosedDayRow, UnattendedWindowRow
from services.staff.scope import require_site

A = attendance_pb2


@dataclass
class AttendanceQueries:
    uc: UseCases

    def list_attendance(
        self, call: CallContext, request: A.ListAttendanceRequest
    ) -> A.ListAttendanceResponse:
        problems: list[FieldProblem] = []
        today = self.uc.today()
        day = day_or(request.day, "day", today, problems)
        refuse("日期有误 / the day is wrong", problems)
        site_code = request.site_code or call.caller.site_code
        try:
            working = self.uc.calendar.is_working_day(day)
        except CalendarDataMissing as missing:
            raise calendar_missing(missing.year) from None
        with self.uc.db.reading() as session:
            require_site(session, call, site_code)
            rows = {
                row.user_id: row
                for row in session.exec(
                    select(AttendanceRow).where(
                        AttendanceRow.site_code == site_code, AttendanceRow.day == day
                    )
                ).all()
            }
            closed = session.get(ClosedDayRow, (site_code, day)) is not None
            records = []
            for person in repository.staff(session, [site_code]):
                row = rows.pop(person.user_id, None)
                if row is not None:
                    records.append(record_view(row, today))
                elif person.active and person.window_code and person.posted_on <= day:
                    records.append(
                        self._missing(
                            person.user_id,
                            person.window_code,
                            site_code,
                            day,
                            working,
                            on_leave(session, person.user_id, day),
                        )
                    )
            unattended = session.exec(
                select(UnattendedWindowRow)
                .where(UnattendedWindowRow.site_code == site_code, UnattendedWindowRow.day == day)
                .order_by(col(UnattendedWindowRow.window_code))
            ).all()
        return A.ListAttendanceResponse(
            site_code=site_code,
            day=day.isoformat(),
            working_day=working,
            closed=closed,
            records=records,
            unattended=[
                A.UnattendedWindow(
                    window_code=u.window_code, unattended_minutes=u.unattended_minutes, whole_day=u.whole_day
                )
                for u in unattended
            ],
        )

    @staticmethod
    def _missing(
        user_id: str, window_code: str, site_code: str, day: object, working: bool, away: bool
    ) -> A.AttendanceRecord:
        """A person with no record that day: on leave, resting, or not (yet) checked in."""
        if away:
            status = A.ATTENDANCE_STATUS_ON_LEAVE
        elif not working:
            status = A.ATTENDANCE_STATUS_REST_DAY
        else:
            status = A.ATTENDANCE_STATUS_NOT_CHECKED_IN
        return A.AttendanceRecord(
            user_id=user_id,
            site_code=site_code,
            window_code=window_code,
            day=str(day),
            working_day=working,
            status=status,
        )
