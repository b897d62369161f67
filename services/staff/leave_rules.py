"""The rules of leave (DOMAIN.md, "Staff"): its length in working days, the chain of approvals its
length needs, and how much of it falls in a quarter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tongban.staff.v1 import leave_pb2

from services.common.calendar import WorkingCalendar

L = leave_pb2
# DOMAIN.md: up to 1 day the business section; up to 2 days the deputy director; 3 or more the
# original unit's leader too.
DEFAULT_SECTION_MAX_DAYS = 1
DEFAULT_DEPUTY_MAX_DAYS = 2


@dataclass(frozen=True)
class Policy:
    section_max_days: int = DEFAULT_SECTION_MAX_DAYS
    deputy_max_days: int = DEFAULT_DEPUTY_MAX_DAYS


def working_days(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Working days from `start` to `end`, both included."""
    return calendar.working_days_between(start - timedelta(days=1), end)


def chain(policy: Policy, days: int) -> list[int]:
    """The approval levels a leave of this many working days needs, in order."""
    levels: list[int] = [L.APPROVAL_LEVEL_BUSINESS_SECTION]
    if days > policy.section_max_days:
        levels.append(L.APPROVAL_LEVEL_DEPUTY_DIRECTOR)
    if days > policy.deputy_max_days:
        levels.append(L.APPROVAL_LEVEL_ORIGINAL_UNIT)
    return levels


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * (quarter - 1) + 1, 1)
    after = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return first, after - timedelta(days=1)


def days_in(calendar: WorkingCalendar, start: date, end: date, first: date, last: date) -> int:
    """Working days of the leave [start, end] that fall within [first, last]."""
    low, high = max(start, first), min(end, last)
    return working_days(calendar, low, high) if low <= high else 0
