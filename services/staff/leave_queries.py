"""Reading leave: a site's leave of a quarter with each person's total, and who is away on a day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session
from tongban.staff.v1 import leave_pb2

from services.common.calendar import CalendarDataMissing
from services.common.calls import CallContext
from services.common.errors import FieldProblem, calendar_missing
from services.common.usecases import UseCases
from services.staff import leave_rules, repository
from services.staff.commands.checks import refuse
from services.staff.commands.leave import leave_view
from services.staff.models import LeaveRow
from services.staff.scope import require_site

L = leave_pb2
TAKEN = (L.LEAVE_STATE_APPROVED, L.LEAVE_STATE_RETURNED)


def last_day_away(row: LeaveRow) -> date:
    """The leave's last day, or the day before the reported return."""
    return min(row.end_on, row.returned_on - timedelta(days=1)) if row.returned_on else row.end_on


def on_leave(session: Session, user_id: str, day: date) -> bool:
    """The person is away on approved leave that day (and had not reported back)."""
    return any(
        row.state in TAKEN and row.start_on <= day <= last_day_away(row)
        for row in repository.leave_of(session, user_id, day, day)
    )


@dataclass
class LeaveQueries:
    uc: UseCases

    def list_leave(self, call: CallContext, request: L.ListLeaveRequest) -> L.ListLeaveResponse:
        refuse(
            "请指定年份和季度 / year and quarter are required",
            [FieldProblem(f, "必填 / required") for f in ("year", "quarter") if not getattr(request, f)],
        )
        first, last = leave_rules.quarter_bounds(request.year, request.quarter)
        site_code = request.site_code or call.caller.site_code
        with self.uc.db.reading() as session:
            require_site(session, call, site_code)
            rows = repository.leave_of_site(session, site_code, first, last)
        totals: dict[str, int] = defaultdict(int)
        try:
            for row in rows:
                if row.state in TAKEN:
                    totals[row.user_id] += leave_rules.days_in(
                        self.uc.calendar, row.start_on, last_day_away(row), first, last
                    )
        except CalendarDataMissing as missing:
            raise calendar_missing(missing.year) from None
        return L.ListLeaveResponse(
            leaves=[leave_view(row) for row in rows],
            totals=[L.LeaveTotal(user_id=user, working_days=days) for user, days in sorted(totals.items())],
        )
