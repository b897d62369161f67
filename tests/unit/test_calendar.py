"""The working-day calendar: package data, administrator files, counting rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.calendar import (
    CalendarDataMissing,
    CalendarFileError,
    WorkingCalendar,
    YearArrangement,
    read_calendar_file,
)

REPO = Path(__file__).resolve().parents[2]

# Invented dates for tests only (the real 2027 arrangement is not published yet):
# 2027-01-01 Fri and 2027-01-04 Mon off, 2027-01-09 Sat a working day.
FAKE_2027 = """
[years.2027]
holidays = ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"]
makeup_workdays = ["2027-01-09"]
source = "test fixture, invented dates"
"""


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.load()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- package data --------------------------------------------------------------------------


def test_package_years_are_known(cal: WorkingCalendar) -> None:
    assert cal.knows_year(2004)
    assert cal.knows_year(2026)
    assert not cal.knows_year(2027)
    assert cal.known_years() == list(range(2004, 2027))
    assert cal.arrangement(2026).source.startswith("chinesecalendar")


def test_national_day_2026_is_off(cal: WorkingCalendar) -> None:
    for day in range(1, 8):
        assert not cal.is_working_day(date(2026, 10, day)), f"2026-10-0{day}"
    assert cal.is_working_day(date(2026, 9, 30))
    assert cal.is_working_day(date(2026, 10, 8))


def test_2026_make_up_weekend_days_are_working_days(cal: WorkingCalendar) -> None:
    assert date(2026, 10, 10).weekday() == 5  # Saturday
    assert cal.is_working_day(date(2026, 10, 10))
    assert date(2026, 9, 20).weekday() == 6  # Sunday
    assert cal.is_working_day(date(2026, 9, 20))
    assert not cal.is_working_day(date(2026, 10, 11))  # the Sunday after stays off


def test_ordinary_days(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2026, 3, 10))  # Tuesday
    assert not cal.is_working_day(date(2026, 3, 14))  # Saturday
    assert not cal.is_working_day(date(2026, 3, 15))  # Sunday
    assert not cal.is_working_day(date(2026, 9, 25))  # Friday, Mid-autumn festival


# --- adding and counting -------------------------------------------------------------------


def test_twenty_working_days_after_acceptance_on_2026_09_28(cal: WorkingCalendar) -> None:
    # Counted by hand; the acceptance day (Mon 28 Sep) does not count:
    #  1 Tue 29 Sep, 2 Wed 30 Sep, (1–7 Oct National Day off), 3 Thu 8 Oct, 4 Fri 9 Oct,
    #  5 Sat 10 Oct (make-up), (Sun 11 off), 6–10 Mon 12–Fri 16 Oct, 11–15 Mon 19–Fri 23 Oct,
    #  16–20 Mon 26–Fri 30 Oct.
    assert cal.add_working_days(date(2026, 9, 28), 20) == date(2026, 10, 30)
    assert cal.working_days_between(date(2026, 9, 28), date(2026, 10, 30)) == 20


def test_counting_starts_the_day_after_acceptance(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2026, 9, 28), 1) == date(2026, 9, 29)
    # Friday 18 Sep: Saturday is off, Sunday 20 Sep is a make-up working day.
    assert cal.add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)
    # Accepted on a holiday: the first working day after it.
    assert cal.add_working_days(date(2026, 10, 1), 1) == date(2026, 10, 8)


def test_zero_and_negative(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 10, 3), -1)


def test_working_days_between_is_half_open(cal: WorkingCalendar) -> None:
    monday, tuesday = date(2026, 3, 9), date(2026, 3, 10)
    assert cal.working_days_between(monday, monday) == 0
    assert cal.working_days_between(tuesday, monday) == 0
    assert cal.working_days_between(monday, tuesday) == 1
    assert cal.working_days_between(date(2026, 3, 13), date(2026, 3, 16)) == 1  # Fri → Mon


def test_across_a_year_boundary(cal: WorkingCalendar) -> None:
    # 2025-12-31 Wed; 2026-01-01..03 off; Sun 4 Jan 2026 is a make-up working day.
    assert cal.add_working_days(date(2025, 12, 30), 1) == date(2025, 12, 31)
    assert cal.add_working_days(date(2025, 12, 30), 2) == date(2026, 1, 4)
    assert cal.working_days_between(date(2025, 12, 30), date(2026, 1, 5)) == 3


def test_datetimes_are_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(TypeError):
        cal.is_working_day(datetime(2026, 3, 10, 9, 0))


def naive_add(cal: WorkingCalendar, start: date, n: int) -> date:
    day = start
    while n > 0:
        day += timedelta(days=1)
        n -= cal.is_working_day(day)
    return day


@given(
    start=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 6, 30)),
    n=st.integers(min_value=0, max_value=80),
)
def test_add_matches_a_day_by_day_walk(cal: WorkingCalendar, start: date, n: int) -> None:
    end = cal.add_working_days(start, n)
    assert end == naive_add(cal, start, n)
    assert cal.working_days_between(start, end) == n
    if n > 0:
        assert cal.is_working_day(end)


@given(
    start=st.dates(min_value=date(2003, 12, 31), max_value=date(2026, 12, 31)),
    length=st.integers(min_value=-5, max_value=800),
)
def test_between_matches_a_day_by_day_count(cal: WorkingCalendar, start: date, length: int) -> None:
    end = min(start + timedelta(days=length), date(2026, 12, 31))
    expected = sum(cal.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
    assert cal.working_days_between(start, end) == expected


# --- missing years -------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2027, 2030, 2003])
def test_a_year_without_data_raises(cal: WorkingCalendar, year: int) -> None:
    with pytest.raises(CalendarDataMissing) as info:
        cal.is_working_day(date(year, 3, 10))
    assert info.value.year == year
    assert str(year) in str(info.value)
    assert "calendar file" in str(info.value)


def test_a_deadline_running_into_a_missing_year_raises(cal: WorkingCalendar) -> None:
    with pytest.raises(CalendarDataMissing) as info:
        cal.add_working_days(date(2026, 12, 20), 20)
    assert info.value.year == 2027
    with pytest.raises(CalendarDataMissing):
        cal.working_days_between(date(2026, 12, 20), date(2027, 1, 10))
    # A deadline that stays inside 2026 is still fine.
    assert cal.add_working_days(date(2026, 12, 20), 3) == date(2026, 12, 23)


# --- administrator files -------------------------------------------------------------------


def test_a_2027_file_is_loaded_and_used(tmp_path: Path) -> None:
    cal = WorkingCalendar.load([write(tmp_path, "2027.toml", FAKE_2027)])
    assert cal.knows_year(2027)
    assert 2027 in cal.known_years()
    assert not cal.is_working_day(date(2027, 1, 1))  # Friday, listed
    assert not cal.is_working_day(date(2027, 1, 4))  # Monday, listed
    assert cal.is_working_day(date(2027, 1, 5))  # Tuesday, not listed
    assert cal.is_working_day(date(2027, 1, 9))  # Saturday, make-up
    assert not cal.is_working_day(date(2027, 1, 10))  # Sunday
    # Thu 31 Dec 2026 → 5 Tue, 6 Wed, 7 Thu, 8 Fri, 9 Sat (make-up).
    assert cal.add_working_days(date(2026, 12, 30), 1) == date(2026, 12, 31)
    assert cal.add_working_days(date(2026, 12, 30), 6) == date(2027, 1, 9)
    assert cal.arrangement(2027).source == "test fixture, invented dates"
    with pytest.raises(CalendarDataMissing):
        cal.is_working_day(date(2028, 1, 3))


def test_a_file_overrides_a_package_year(tmp_path: Path) -> None:
    text = """
[years.2026]
holidays = ["2026-01-01"]
makeup_workdays = []
source = "test override"
"""
    cal = WorkingCalendar.load([write(tmp_path, "2026.toml", text)])
    assert cal.is_working_day(date(2026, 10, 5))  # no National Day in this override
    assert not cal.is_working_day(date(2026, 10, 10))
    assert cal.knows_year(2025)  # other package years are untouched


def test_several_years_in_one_file_and_bare_toml_dates(tmp_path: Path) -> None:
    text = """
[years.2027]
holidays = [2027-01-01]
makeup_workdays = []
source = "test"

[years.2028]
holidays = ["2028-01-03"]
makeup_workdays = ["2028-01-08"]
source = "test"
"""
    cal = WorkingCalendar.load([write(tmp_path, "years.toml", text)])
    assert cal.known_years()[-2:] == [2027, 2028]
    assert not cal.is_working_day(date(2028, 1, 3))
    assert cal.is_working_day(date(2028, 1, 8))


def test_a_make_up_day_on_a_tuesday_is_refused(tmp_path: Path) -> None:
    text = FAKE_2027.replace('makeup_workdays = ["2027-01-09"]', 'makeup_workdays = ["2027-01-12"]')
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(CalendarFileError) as info:
        WorkingCalendar.load([path])
    message = str(info.value)
    assert "bad.toml" in message
    assert "2027-01-12" in message
    assert "Tuesday" in message
    assert info.value.path == path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'holidays = ["2028-01-01"]\nmakeup_workdays = []\nsource = "t"',
            "2028-01-01",
        ),
        (
            'holidays = ["2027-01-09"]\nmakeup_workdays = ["2027-01-09"]\nsource = "t"',
            "both",
        ),
        ('holidays = ["2027-01-01"]\nmakeup_workdays = []', "source"),
        ('holidays = ["2027-01-01"]\nmakeup_workdays = []\nsource = "  "', "source"),
        ('holidays = ["2027-01-01"]\nmakeup_workday = []\nsource = "t"', "makeup_workday"),
        ('holidays = ["2027-01-01"]\nsource = "t"', "makeup_workdays"),
        ('holidays = []\nmakeup_workdays = []\nsource = "t"', "holidays"),
        ('holidays = ["2027-1-1"]\nmakeup_workdays = []\nsource = "t"', "2027-1-1"),
        ('holidays = ["2027-02-30"]\nmakeup_workdays = []\nsource = "t"', "2027-02-30"),
        ('holidays = ["2027-01-01", "2027-01-01"]\nmakeup_workdays = []\nsource = "t"', "twice"),
        ('holidays = "2027-01-01"\nmakeup_workdays = []\nsource = "t"', "list"),
        ('holidays = ["2027-01-01"]\nmakeup_workdays = []\nsource = "EXAMPLE"', "example"),
    ],
)
def test_bad_entries_are_refused(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, "cal.toml", f"[years.2027]\n{body}\n")
    with pytest.raises(CalendarFileError) as info:
        read_calendar_file(path)
    assert "cal.toml" in str(info.value)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "this is not toml = = =",
        "",
        "[years]\n",
        '[year.2027]\nholidays = ["2027-01-01"]\n',
        '[years.27]\nholidays = ["2027-01-01"]\nmakeup_workdays = []\nsource = "t"\n',
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(CalendarFileError, match=r"cal\.toml"):
        read_calendar_file(write(tmp_path, "cal.toml", text))


def test_a_missing_file_is_a_calendar_file_error(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError, match=r"nope\.toml"):
        WorkingCalendar.load([tmp_path / "nope.toml"])


def test_two_files_for_the_same_year_are_refused(tmp_path: Path) -> None:
    first = write(tmp_path, "a.toml", FAKE_2027)
    second = write(tmp_path, "b.toml", FAKE_2027)
    with pytest.raises(CalendarFileError) as info:
        WorkingCalendar.load([first, second])
    assert "a.toml" in str(info.value)
    assert "b.toml" in str(info.value)


def test_year_arrangement_validates_itself() -> None:
    with pytest.raises(ValueError, match="Saturday or Sunday"):
        YearArrangement(2027, frozenset(), frozenset({date(2027, 1, 12)}))
    with pytest.raises(ValueError, match="not in 2027"):
        YearArrangement(2027, frozenset({date(2026, 12, 31)}), frozenset())


def test_the_shipped_example_parses_but_is_refused_as_example_data() -> None:
    # Keeps the documented format honest, and proves a copied example cannot go live.
    example = REPO / "deploy" / "calendar" / "example-2027.toml.example"
    with pytest.raises(CalendarFileError, match="example data"):
        read_calendar_file(example)
