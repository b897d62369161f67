"""The tables centres publish monthly (月通报, DOMAIN.md "Supervision"), from supervision's copy of
each case: per window, department or site over a period, cases received, accepted, instant,
completed and completed on time, the average working days a completed promised case took
(pauses left out), and the alerts raised."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select
from tongban.supervision.v1 import supervision_pb2 as S

from services.common.calendar import CalendarDataMissing, WorkingCalendar
from services.common.calls import CallContext
from services.common.clock import CHINA
from services.common.errors import FieldProblem, invalid_input
from services.common.timelimit import Pause, counted_days
from services.supervision.models import AlertRow, CaseWatchRow, ReviewRow
from services.supervision.watches import pauses_of

# 满意 or better; 基本满意 and below are not counted as satisfied.
SATISFIED = (S.REVIEW_RATING_VERY_SATISFIED, S.REVIEW_RATING_SATISFIED)
_KEY = {
    S.STATISTICS_GROUPING_WINDOW: "window_code",
    S.STATISTICS_GROUPING_DEPARTMENT: "department_code",
    S.STATISTICS_GROUPING_SITE: "site_code",
}
# A year's tables at most in one request.
_LONGEST_PERIOD = timedelta(days=366)


@dataclass
class _Line:
    received: int = 0
    accepted: int = 0
    instant: int = 0
    completed: int = 0
    on_time: int = 0
    findings: int = 0
    reviews: int = 0
    satisfied: int = 0
    days: list[int] = field(default_factory=list)

    def add(self, other: _Line) -> None:
        for name in (
            "received",
            "accepted",
            "instant",
            "completed",
            "on_time",
            "findings",
            "reviews",
            "satisfied",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days.extend(other.days)

    def message(self, key: str) -> S.StatisticsRow:
        return S.StatisticsRow(
            key=key,
            received=self.received,
            accepted=self.accepted,
            instant=self.instant,
            completed=self.completed,
            completed_on_time=self.on_time,
            on_time_rate=self.on_time / self.completed if self.completed else 0.0,
            average_working_days=sum(self.days) / len(self.days) if self.days else 0.0,
            findings=self.findings,
            reviews=self.reviews,
            satisfaction_rate=self.satisfied / self.reviews if self.reviews else 0.0,
        )


def _period(request: S.GetStatisticsRequest) -> tuple[date, date]:
    problems: list[FieldProblem] = []
    days: list[date] = []
    for name in ("from_date", "to_date"):
        try:
            days.append(date.fromisoformat(getattr(request, name)))
        except ValueError:
            problems.append(FieldProblem(name, "应为日期 YYYY-MM-DD / a date is required"))
    if not problems and days[0] > days[1]:
        problems.append(FieldProblem("to_date", "截止日期不能早于起始日期 / ends before it starts"))
    if not problems and days[1] - days[0] > _LONGEST_PERIOD:
        problems.append(FieldProblem("to_date", "一次最多统计一年 / a year at most"))
    if problems:
        raise invalid_input("统计期间有误 / the period is not valid", problems)
    return days[0], days[1]


def site_for(call: CallContext, asked: str) -> str:
    """The site asked for ("" for all); a caller who sees one site only sees their own."""
    if call.may_touch(asked or "*"):
        return asked
    site = asked or call.caller.site_code
    call.require(site)
    return site


def statistics(
    session: Session, calendar: WorkingCalendar, call: CallContext, request: S.GetStatisticsRequest
) -> S.GetStatisticsResponse:
    start, end = _period(request)
    site = site_for(call, request.site_code)
    grouping = request.group_by or S.STATISTICS_GROUPING_WINDOW
    key = _KEY[grouping]
    lines: dict[str, _Line] = defaultdict(_Line)
    for watch in _cases(session, start, end, site):
        lines[getattr(watch, key)].add(_facts(session, calendar, watch, start, end))
    for alert in _alerts(session, start, end, site):
        lines[getattr(alert, key)].findings += 1
    for review in _reviews(session, start, end, site):
        line = lines[getattr(review, key)]
        line.reviews += 1
        line.satisfied += int(review.rating in SATISFIED)
    total = _Line()
    for line in lines.values():
        total.add(line)
    return S.GetStatisticsResponse(
        rows=[lines[k].message(k) for k in sorted(lines)],
        total=total.message("合计"),
        from_date=start.isoformat(),
        to_date=end.isoformat(),
        group_by=grouping,
    )


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _facts(session: Session, calendar: WorkingCalendar, watch: CaseWatchRow, start: date, end: date) -> _Line:
    line = _Line(
        received=int(_in(watch.received_on, start, end)),
        accepted=int(_in(watch.accepted_on, start, end)),
    )
    if _in(watch.completed_on, start, end):
        line.completed, line.on_time, line.instant = 1, int(bool(watch.on_time)), int(watch.instant)
        if watch.accepted_on is not None and watch.completed_on is not None and watch.budget_days > 0:
            pauses = [Pause(p.started_on, p.ended_on) for p in pauses_of(session, watch)]
            # A case completed in a year the calendar lacks counts, but not in the average.
            with contextlib.suppress(CalendarDataMissing):
                line.days.append(counted_days(calendar, watch.accepted_on, watch.completed_on, pauses))
    return line


def _cases(session: Session, start: date, end: date, site: str) -> Iterable[CaseWatchRow]:
    """Cases received, accepted or completed in the period."""
    days = (CaseWatchRow.received_on, CaseWatchRow.accepted_on, CaseWatchRow.completed_on)
    query = select(CaseWatchRow).where(or_(*(col(day).between(start, end) for day in days)))
    if site:
        query = query.where(CaseWatchRow.site_code == site)
    return session.exec(query.order_by(col(CaseWatchRow.case_no))).all()


def _alerts(session: Session, start: date, end: date, site: str) -> Iterable[AlertRow]:
    since = datetime.combine(start, time.min, tzinfo=CHINA).astimezone(UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=CHINA).astimezone(UTC)
    query = select(AlertRow).where(col(AlertRow.raised_at) >= since, col(AlertRow.raised_at) < until)
    if site:
        query = query.where(AlertRow.site_code == site)
    return session.exec(query).all()


def _reviews(session: Session, start: date, end: date, site: str) -> Iterable[ReviewRow]:
    query = select(ReviewRow).where(col(ReviewRow.reviewed_on).between(start, end))
    if site:
        query = query.where(ReviewRow.site_code == site)
    return session.exec(query).all()
