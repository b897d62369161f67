"""The calendar, administered: preview a year, load it (or correct it) and publish it to every
service. A load that would change a day already past is refused: cases were counted with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session
from tongban.staff.v1 import calendar_pb2

from services.common import calendar_store
from services.common.calendar import CalendarDataMissing, YearArrangement
from services.common.calls import CallContext
from services.common.errors import FieldProblem, StateProblem, required, wrong_state
from services.common.usecases import UseCases
from services.staff import events
from services.staff.commands.checks import refuse

K = calendar_pb2
_SATURDAY = 5


@dataclass(frozen=True)
class Proposal:
    arrangement: YearArrangement
    changes: list[K.DayChange]
    working_days: int


def year_view(arrangement: YearArrangement | None, year: int) -> K.CalendarYear:
    if arrangement is None:
        return K.CalendarYear(year=year)
    return K.CalendarYear(
        year=year,
        holidays=[day.isoformat() for day in sorted(arrangement.holidays)],
        makeup_workdays=[day.isoformat() for day in sorted(arrangement.makeup_workdays)],
        source=arrangement.source,
    )


def _dates(values: list[str], field: str, problems: list[FieldProblem]) -> frozenset[date]:
    found = set()
    for index, value in enumerate(values):
        try:
            found.add(date.fromisoformat(value))
        except ValueError:
            problems.append(FieldProblem(f"{field}[{index}]", "不是有效日期 / not a valid YYYY-MM-DD date"))
    return frozenset(found)


def _working(arrangement: YearArrangement | None, day: date) -> bool:
    if arrangement is None:  # a year not known yet: nothing was counted with it
        return day.weekday() < _SATURDAY
    if day.weekday() >= _SATURDAY:
        return day in arrangement.makeup_workdays
    return day not in arrangement.holidays


def propose(uc: UseCases, year: int, holidays: list[str], makeup: list[str], source: str) -> Proposal:
    """The year as asked for, checked, and the days it changes; past days may not change."""
    problems = required(source, "source", "数据来源 (国务院办公厅通知)")
    if not 2000 <= year <= 2100:
        problems.append(FieldProblem("year", "年份应在 2000–2100 之间 / a year from 2000 to 2100"))
    if not holidays:
        problems.append(FieldProblem("holidays", "不能为空 / at least one holiday"))
    wanted = _dates(holidays, "holidays", problems), _dates(makeup, "makeup_workdays", problems)
    refuse("日历年份数据有误 / the calendar year is wrong", problems)
    try:
        arrangement = YearArrangement(year, wanted[0], wanted[1], source.strip())
    except ValueError as problem:
        refuse("日历年份数据有误 / the calendar year is wrong", [FieldProblem("holidays", str(problem))])
        raise AssertionError("refused above") from problem
    try:
        current: YearArrangement | None = uc.calendar.arrangement(year)
    except CalendarDataMissing:
        current = None
    changes, working_days = [], 0
    day = date(year, 1, 1)
    while day.year == year:
        before, after = _working(current, day), _working(arrangement, day)
        working_days += after
        if current is not None and before != after:
            changes.append(K.DayChange(day=day.isoformat(), working_before=before, working_after=after))
        day += timedelta(days=1)
    return Proposal(arrangement, changes, working_days)


def preview(uc: UseCases, request: K.PreviewCalendarYearRequest) -> K.PreviewCalendarYearResponse:
    proposal = propose(
        uc, request.year, list(request.holidays), list(request.makeup_workdays), request.source
    )
    try:
        current = year_view(uc.calendar.arrangement(request.year), request.year)
    except CalendarDataMissing:
        current = K.CalendarYear(year=request.year)
    return K.PreviewCalendarYearResponse(
        current=current, changes=proposal.changes, working_days=proposal.working_days
    )


def load(uc: UseCases, call: CallContext, request: K.LoadCalendarYearRequest) -> K.LoadCalendarYearResponse:
    def use_case(session: Session) -> K.LoadCalendarYearResponse:
        proposal = propose(
            uc, request.year, list(request.holidays), list(request.makeup_workdays), request.source
        )
        today = uc.today()
        past = [change.day for change in proposal.changes if date.fromisoformat(change.day) <= today]
        if past:
            raise wrong_state(
                f"不能更改已过去的日子 ({'、'.join(past[:5])}…): 办件时限已按其计算 / "
                "days already past cannot change: time limits were counted with them",
                [StateProblem(day, "already past", "CALENDAR_DAY") for day in past],
            )
        now = uc.clock.now()
        calendar_store.store(session, proposal.arrangement, by=call.caller.user_id, at=now)
        events.calendar_year_published(
            session, proposal.arrangement, by=call.caller.user_id, changed_days=len(proposal.changes), at=now
        )
        return K.LoadCalendarYearResponse(
            year=year_view(proposal.arrangement, request.year), changes=proposal.changes
        )

    response = uc.once(call, "LoadCalendarYear", request, K.LoadCalendarYearResponse, use_case)
    # Staff counts with it too (leave, attendance); its own events never come back to it.
    year = response.year
    if year.source:
        uc.calendar.replace_year(
            YearArrangement(
                year.year,
                frozenset(date.fromisoformat(d) for d in year.holidays),
                frozenset(date.fromisoformat(d) for d in year.makeup_workdays),
                year.source,
            )
        )
    return response
