"""The working-day calendar (工作日) shared by every service.

Legal and promised time limits are counted in working days: weekends and PRC public holidays
do not count, the State Council's make-up working days (调休) do. The data comes from the
``chinesecalendar`` package for the years it ships and from administrator-maintained TOML files
for later years (or to correct a year). A date in a year with neither raises
:class:`CalendarDataMissing`: a deadline printed on a receipt must never rest on a guess.

Calendar file format (one or several years per file; see ``deploy/calendar/README.md``)::

    [years.2027]
    holidays = ["2027-01-01", ...]        # every day off of each holiday span
    makeup_workdays = ["2027-02-20", ...] # Saturdays/Sundays that are working days
    source = "国务院办公厅关于2027年部分节假日安排的通知"
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
from chinese_calendar import constants

__all__ = [
    "CalendarDataMissing",
    "CalendarFileError",
    "WorkingCalendar",
    "YearArrangement",
    "read_calendar_file",
]

_SATURDAY = 5  # date.weekday(): Monday is 0, so 5 and 6 are the weekend
_WEEKDAY_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR_KEY = re.compile(r"[0-9]{4}")
_YEAR_FIELDS = frozenset({"holidays", "makeup_workdays", "source"})
# The shipped example must never be loaded by accident: a copied example would silently put
# invented holidays into legal deadlines.
_EXAMPLE_MARKERS = ("EXAMPLE", "示例")


class CalendarDataMissing(Exception):
    """No working-day data for ``year``: an administrator must add it to a calendar file."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"缺少{year}年的工作日历数据：请管理员在日历文件中添加{year}年的节假日安排"
            f"（国务院办公厅每年秋季发布；见 deploy/calendar/README.md，文件列入 TONGBAN_CALENDAR_FILES）"
            f" / no working-day calendar data for {year}: an administrator must add the {year} holiday"
            " arrangement to a calendar file listed in TONGBAN_CALENDAR_FILES (deploy/calendar/README.md)"
        )


class CalendarFileError(ValueError):
    """A calendar file cannot be read or has a bad entry; the message names both."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"日历文件 / calendar file {path}: {problem}")


@dataclass(frozen=True)
class YearArrangement:
    """The published holiday arrangement of one year.

    ``holidays`` are the days off of the holiday spans; weekend days inside a span may be
    listed (the State Council notice lists them) and change nothing. ``makeup_workdays`` are
    the Saturdays and Sundays that are working days (调休).
    """

    year: int
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    source: str = ""

    def __post_init__(self) -> None:
        # Checked here, not only in the file reader, so no code path builds a wrong year.
        problem = _arrangement_problem(self)
        if problem is not None:
            raise ValueError(problem)


def _where(year: int, field: str, day: object) -> str:
    return f"[years.{year}] {field} {day}"


def _arrangement_problem(arr: YearArrangement) -> str | None:
    fields = (("holidays", arr.holidays), ("makeup_workdays", arr.makeup_workdays))
    for field, days in fields:
        for day in days:
            if isinstance(day, datetime):
                # A datetime never equals the date it falls on, so lookups would silently miss.
                return f"{_where(arr.year, field, day)}: 应为日期 / must be a date, not a datetime"
    for field, days in fields:
        for day in sorted(days):
            if day.year != arr.year:
                return f"{_where(arr.year, field, day)}: 不在{arr.year}年内 / is not in {arr.year}"
    for day in sorted(arr.makeup_workdays):
        if day.weekday() < _SATURDAY:
            return (
                f"{_where(arr.year, 'makeup_workdays', day)}: 这天是{_WEEKDAY_ZH[day.weekday()]}，"
                f"调休上班日必须是星期六或星期日 / is a {_WEEKDAY_EN[day.weekday()]}; a make-up"
                " workday must be a Saturday or Sunday"
            )
    both = sorted(arr.holidays & arr.makeup_workdays)
    if both:
        return (
            f"{_where(arr.year, 'holidays', both[0])}: 同时列为放假日和调休上班日"
            " / is listed both as a holiday and as a make-up workday"
        )
    return None


def read_calendar_file(path: Path) -> list[YearArrangement]:
    """Read and validate one calendar file; raise :class:`CalendarFileError` on any problem."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, ValueError) as exc:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        raise CalendarFileError(path, f"无法读取 / cannot be read: {exc}") from exc
    unknown = sorted(set(data) - {"years"})
    if unknown:
        raise CalendarFileError(path, f"未知的键 / unknown key {unknown[0]!r} (only [years.YYYY])")
    years = data.get("years")
    if not isinstance(years, dict) or not years:
        raise CalendarFileError(path, "没有 [years.YYYY] 表 / no [years.YYYY] table")
    return [_read_year(path, key, table) for key, table in years.items()]


def _read_year(path: Path, key: str, table: Any) -> YearArrangement:
    if not _YEAR_KEY.fullmatch(key):
        raise CalendarFileError(path, f"[years.{key}]: 年份应为4位数字 / the year must be 4 digits")
    year = int(key)
    if not isinstance(table, dict):
        raise CalendarFileError(path, f"[years.{key}]: 应为表 / must be a table")
    unknown = sorted(set(table) - _YEAR_FIELDS)
    if unknown:
        # Catches typos such as "makeup_workday", which would otherwise drop a whole list.
        raise CalendarFileError(path, f"[years.{key}]: 未知的键 / unknown key {unknown[0]!r}")
    source = table.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CalendarFileError(
            path, f"[years.{key}] source: 必须注明数据来源 / is required (the notice it comes from)"
        )
    holidays = _read_dates(path, year, "holidays", table)
    if not holidays:
        raise CalendarFileError(path, f"[years.{key}] holidays: 不能为空 / must not be empty")
    makeup = _read_dates(path, year, "makeup_workdays", table)
    try:
        arrangement = YearArrangement(year, holidays, makeup, source.strip())
    except ValueError as exc:
        raise CalendarFileError(path, str(exc)) from exc
    if source.strip().upper().startswith(_EXAMPLE_MARKERS):
        raise CalendarFileError(
            path,
            f"[years.{key}] source: 这是示例数据，请填入国务院办公厅公布的安排"
            " / this is example data; enter the arrangement the State Council published",
        )
    return arrangement


def _read_dates(path: Path, year: int, field: str, table: dict[str, Any]) -> frozenset[date]:
    if field not in table:
        raise CalendarFileError(path, f"[years.{year}] {field}: 缺少 / is missing")
    raw = table[field]
    if not isinstance(raw, list):
        raise CalendarFileError(path, f"[years.{year}] {field}: 应为日期列表 / must be a list")
    days: set[date] = set()
    for item in raw:
        day = _parse_date(item)
        if day is None:
            raise CalendarFileError(
                path,
                f"{_where(year, field, repr(item))}: 日期格式应为 YYYY-MM-DD"
                " / is not a date written YYYY-MM-DD",
            )
        if day in days:
            # A repeated date usually means another date was mistyped.
            raise CalendarFileError(path, f"{_where(year, field, day)}: 重复 / is listed twice")
        days.add(day)
    return frozenset(days)


def _parse_date(item: object) -> date | None:
    if isinstance(item, datetime):
        return None
    if isinstance(item, date):  # a bare TOML date (no quotes) is accepted as well
        return item
    if isinstance(item, str) and _ISO_DATE.fullmatch(item):
        try:
            return date.fromisoformat(item)
        except ValueError:
            return None
    return None


def _package_arrangements() -> list[YearArrangement]:
    # Only the package's data tables are read: its functions raise NotImplementedError outside
    # the years it knows, and that must never reach a caller.
    holidays: list[date] = list(constants.holidays)
    workdays: list[date] = list(constants.workdays)
    # The package defines its own range as the years its holiday table spans.
    first, last = min(d.year for d in holidays), max(d.year for d in holidays)
    version = str(chinese_calendar.__version__)
    return [
        YearArrangement(
            year,
            frozenset(d for d in holidays if d.year == year),
            frozenset(d for d in workdays if d.year == year),
            f"chinesecalendar {version}",
        )
        for year in range(first, last + 1)
    ]


def _as_date(d: date) -> date:
    if isinstance(d, datetime):
        # Which day a datetime falls on depends on its time zone; the caller must decide.
        raise TypeError("pass a datetime.date, not a datetime.datetime")
    return d


class WorkingCalendar:
    """Working-day arithmetic over the years it has data for.

    A year can be replaced whole (`replace_year`, when the administrator loads one: every service
    receives it by event); each method reads one snapshot, so a caller never sees half a change.
    """

    def __init__(self, arrangements: Iterable[YearArrangement]) -> None:
        years: dict[int, YearArrangement] = {}
        for arr in arrangements:
            if arr.year in years:
                raise ValueError(f"year {arr.year} given twice")
            years[arr.year] = arr
        self._state = _State.of(years)

    def replace_year(self, arrangement: YearArrangement) -> None:
        """Count with this arrangement of its year from now on (added if the year was missing)."""
        years = dict(self._state.years)
        years[arrangement.year] = arrangement
        self._state = _State.of(years)

    @property
    def _years(self) -> dict[int, YearArrangement]:
        return self._state.years

    @classmethod
    def load(cls, extra_files: Sequence[Path] = ()) -> WorkingCalendar:
        """Package data, then the files; a year in a file replaces the package's year."""
        years = {arr.year: arr for arr in _package_arrangements()}
        seen_in: dict[int, Path] = {}
        for path in extra_files:
            for arr in read_calendar_file(path):
                if arr.year in seen_in:
                    # Two files for one year: refuse rather than let file order decide.
                    raise CalendarFileError(
                        path,
                        f"[years.{arr.year}]: 该年已在 {seen_in[arr.year]} 中定义"
                        f" / is also defined in {seen_in[arr.year]}",
                    )
                seen_in[arr.year] = path
                years[arr.year] = arr
        return cls(years.values())

    def knows_year(self, year: int) -> bool:
        return year in self._years

    def known_through(self) -> date:
        """The last day of the last year known without a gap after the first known year."""
        return self._state.known_through

    def first_missing_year(self, until: date) -> int | None:
        """The first year up to ``until`` the calendar lacks, or None when it knows them all."""
        through = self.known_through()
        return through.year + 1 if until > through else None

    def working_days_known(self, start: date, end: date) -> int:
        """Working days after ``start`` up to ``end``, counted no further than the calendar knows:
        the exact count when it knows every day, a lower bound when ``end`` lies beyond."""
        return self.working_days_between(start, min(end, self.known_through()))

    def known_years(self) -> list[int]:
        return sorted(self._years)

    def arrangement(self, year: int) -> YearArrangement:
        """The year's arrangement (its source says where it came from)."""
        try:
            return self._years[year]
        except KeyError:
            raise CalendarDataMissing(year) from None

    def is_working_day(self, d: date) -> bool:
        d = _as_date(d)
        arr = self.arrangement(d.year)
        if d.weekday() >= _SATURDAY:
            return d in arr.makeup_workdays
        return d not in arr.holidays

    def add_working_days(self, accepted_on: date, n: int) -> date:
        """The day on which the n-th working day after ``accepted_on`` ends.

        Counting starts the day after ``accepted_on`` (the acceptance day itself never counts);
        ``n == 0`` returns ``accepted_on``.
        """
        accepted_on = _as_date(accepted_on)
        if n < 0:
            raise ValueError("n must not be negative")
        day, left = accepted_on, n
        while left > 0:
            first = day + timedelta(days=1)
            counts = self._counts(first.year)
            before = counts[_day_index(first)]
            available = counts[-1] - before
            if left <= available:
                # First day-of-year index whose running count reaches the target.
                index = bisect_left(counts, before + left)
                return date(first.year, 1, 1) + timedelta(days=index - 1)
            left -= available
            day = date(first.year, 12, 31)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; 0 if end <= start."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        total = 0
        day = start + timedelta(days=1)
        while day <= end:
            last = min(end, date(day.year, 12, 31))
            counts = self._counts(day.year)
            total += counts[_day_index(last) + 1] - counts[_day_index(day)]
            day = last + timedelta(days=1)
        return total

    def _counts(self, year: int) -> tuple[int, ...]:
        try:
            return self._state.cumulative[year]
        except KeyError:
            raise CalendarDataMissing(year) from None


@dataclass(frozen=True)
class _State:
    years: dict[int, YearArrangement]
    # Per year, cumulative[year][i] = working days among its first i days, so counting and
    # adding are lookups instead of day-by-day walks (sweeps compute many clocks).
    cumulative: dict[int, tuple[int, ...]]
    # Every clock asks it (is a year missing up to today?), so it is worked out once per change.
    known_through: date

    @classmethod
    def of(cls, years: dict[int, YearArrangement]) -> _State:
        cumulative = {year: _cumulative_counts(arr) for year, arr in years.items()}
        return cls(years, cumulative, _known_through(years))


def _known_through(years: dict[int, YearArrangement]) -> date:
    year = min(years, default=date.min.year)
    while year + 1 in years:
        year += 1
    return date(year, 12, 31)


def _day_index(d: date) -> int:
    """0-based index of ``d`` within its year."""
    return d.toordinal() - date(d.year, 1, 1).toordinal()


def _cumulative_counts(arr: YearArrangement) -> tuple[int, ...]:
    counts = [0]
    day = date(arr.year, 1, 1)
    while day.year == arr.year:
        working = day in arr.makeup_workdays if day.weekday() >= _SATURDAY else day not in arr.holidays
        counts.append(counts[-1] + working)
        if day.month == 12 and day.day == 31:
            break  # stops before date.max overflows in year 9999
        day += timedelta(days=1)
    return tuple(counts)
