"""The case clock in working days (ARCHITECTURE.md, "Time"; 行政许可法 Art. 42 and 45).

Counting starts the day after a start date, as for the promised date. A pause that starts
on day S and ends on day E leaves out the working days after S up to and including E, so
the days left are the same the day before a pause and the day it ends. Nothing here is
stored: the clock is computed for a given day from the record.

A reading never fails for a year the calendar lacks (ARCHITECTURE.md, "Time"): it counts up
to the last day the calendar knows and names the missing year; the due date is then unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.common.calendar import CalendarDataMissing, WorkingCalendar


@dataclass(frozen=True)
class Pause:
    started_on: date
    # None while the pause runs.
    ended_on: date | None


@dataclass(frozen=True)
class ClockReading:
    budget_days: int
    used_days: int
    paused_days: int
    # None when it falls in a year the calendar lacks.
    due_on: date | None
    paused: bool
    # The first year the calendar lacks up to the day read (the counts stop before it), or None.
    missing_year: int | None = None

    @property
    def days_left(self) -> int:
        return self.budget_days - self.used_days

    @property
    def overdue(self) -> bool:
        return self.used_days > self.budget_days


def paused_days(calendar: WorkingCalendar, since: date, until: date, pauses: Sequence[Pause]) -> int:
    """Working days in (since, until] that fall inside a pause."""
    total = 0
    for pause in pauses:
        start = max(pause.started_on, since)
        end = min(pause.ended_on or until, until)
        total += calendar.working_days_between(start, end)
    return total


def counted_days(calendar: WorkingCalendar, since: date, until: date, pauses: Sequence[Pause]) -> int:
    """Working days in (since, until] that count against the limit."""
    return calendar.working_days_between(since, until) - paused_days(calendar, since, until, pauses)


def due_date(
    calendar: WorkingCalendar, since: date, budget: int, pauses: Sequence[Pause], today: date
) -> date:
    """The day the budget is used up, if the clock runs on from today without new pauses.

    A running pause is taken as ending today. Each pass adds the paused days that fall
    before the candidate date; the candidate only moves later, so this settles quickly.
    """
    settled = [Pause(p.started_on, p.ended_on or today) for p in pauses]
    due = calendar.add_working_days(since, budget)
    while True:
        later = calendar.add_working_days(since, budget + paused_days(calendar, since, due, settled))
        if later == due:
            return due
        due = later


def read_clock(
    calendar: WorkingCalendar, since: date, budget: int, pauses: Sequence[Pause], today: date
) -> ClockReading:
    missing = calendar.first_missing_year(today)
    # Counted no further than the calendar knows: exact, or a lower bound with the year named.
    through = min(today, calendar.known_through())
    try:
        due: date | None = due_date(calendar, since, budget, pauses, through)
    except CalendarDataMissing as gap:
        due, missing = None, missing or gap.year
    return ClockReading(
        budget_days=budget,
        used_days=counted_days(calendar, since, through, pauses),
        paused_days=paused_days(calendar, since, through, pauses),
        due_on=due,
        paused=any(p.ended_on is None and p.started_on <= today for p in pauses),
        missing_year=missing,
    )
