"""The case clock across National Day 2026 and its make-up Saturday (worked out by hand).

October 2026: 1–7 holiday (Thu–Wed), Sat 10 Oct is a make-up working day.
Working days after Mon 28 Sep: 29 Sep (1), 30 Sep (2), 8 Oct (3), 9 Oct (4), 10 Oct (5),
12 Oct (6), 13 Oct (7), 14 Oct (8), 15 Oct (9), 16 Oct (10), 19 Oct (11) ...
"""

from __future__ import annotations

from datetime import date

import pytest

from services.common.calendar import WorkingCalendar
from services.common.timelimit import Pause, counted_days, due_date, read_clock

ACCEPTED = date(2026, 9, 28)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar.load()


def test_days_used_skip_the_holiday_and_count_the_make_up_saturday(calendar: WorkingCalendar) -> None:
    assert counted_days(calendar, ACCEPTED, date(2026, 10, 7), []) == 2
    assert counted_days(calendar, ACCEPTED, date(2026, 10, 10), []) == 5
    reading = read_clock(calendar, ACCEPTED, 5, [], date(2026, 10, 9))
    assert (reading.used_days, reading.days_left, reading.due_on) == (4, 1, date(2026, 10, 10))
    assert not reading.overdue


def test_a_pause_leaves_the_days_left_unchanged(calendar: WorkingCalendar) -> None:
    # Paused on 9 Oct (day 4), ended on 14 Oct: 10, 12, 13, 14 Oct do not count.
    pause = Pause(date(2026, 10, 9), date(2026, 10, 14))
    before = read_clock(calendar, ACCEPTED, 5, [], date(2026, 10, 9))
    after = read_clock(calendar, ACCEPTED, 5, [pause], date(2026, 10, 14))
    assert before.days_left == after.days_left == 1
    assert after.paused_days == 4
    # Day 5 is then 15 Oct.
    assert after.due_on == date(2026, 10, 15)
    assert not after.paused


def test_a_running_pause_stops_the_clock(calendar: WorkingCalendar) -> None:
    running = Pause(date(2026, 10, 9), None)
    reading = read_clock(calendar, ACCEPTED, 5, [running], date(2026, 10, 20))
    assert reading.paused
    assert reading.used_days == 4
    assert reading.paused_days == 8  # 10, 12, 13, 14, 15, 16, 19 and 20 Oct
    # Taken as ending today, the one day left is 21 Oct.
    assert reading.due_on == date(2026, 10, 21)
    assert not reading.overdue


def test_overdue_is_the_day_after_the_due_date(calendar: WorkingCalendar) -> None:
    on_due = read_clock(calendar, ACCEPTED, 5, [], date(2026, 10, 10))
    after = read_clock(calendar, ACCEPTED, 5, [], date(2026, 10, 12))
    assert (on_due.days_left, on_due.overdue) == (0, False)
    assert (after.days_left, after.overdue) == (-1, True)
    # A pause after the due date does not move it.
    late = Pause(date(2026, 10, 13), date(2026, 10, 14))
    assert due_date(calendar, ACCEPTED, 5, [late], date(2026, 10, 20)) == date(2026, 10, 10)


def test_a_reading_across_a_missing_year_counts_to_the_last_known_day() -> None:
    calendar = WorkingCalendar.load()  # chinesecalendar's years: 2004-2026
    assert calendar.known_through() == date(2026, 12, 31)
    assert calendar.first_missing_year(date(2026, 12, 31)) is None
    assert calendar.first_missing_year(date(2027, 1, 4)) == 2027
    # 21 Dec 2026 + 20 working days lies in 2027: counted to 31 Dec, the due date unknown.
    reading = read_clock(calendar, date(2026, 12, 21), 20, [], date(2027, 1, 4))
    assert (reading.used_days, reading.due_on, reading.missing_year, reading.overdue) == (
        8,
        None,
        2027,
        False,
    )
    # A budget that ends in 2026 keeps its due date; the count past 31 Dec is a lower bound.
    short = read_clock(calendar, date(2026, 12, 21), 5, [], date(2027, 1, 4))
    assert (short.used_days, short.due_on, short.missing_year, short.overdue) == (
        8,
        date(2026, 12, 28),
        2027,
        True,
    )
    assert calendar.working_days_known(date(2026, 12, 28), date(2027, 3, 1)) == 3
