"""The rules of attendance (DOMAIN.md, "Staff"; conduct rules in "Supervision"): lateness and early
leave in whole minutes against a window's opening hours, and the minutes of those hours nobody on
duty was present.

A minute counts as covered when someone was present during any part of it, so checking in at
08:30:59 for an 08:30 opening is on time and 08:31:00 is one minute late; checking out at
17:29:01 for 17:30 is on time and 17:29:00 is one minute early.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

Period = tuple[int, int]  # minutes after midnight: [start, end)
Interval = tuple[int, int]  # seconds after midnight: [start, end)

DAY_SECONDS = 24 * 60 * 60


def periods(opening_hours: str) -> list[Period]:
    """ "08:30-12:00 14:00-17:30" as minutes after midnight (checked when the window was saved)."""
    found: list[Period] = []
    for period in opening_hours.split():
        start, end = period.split("-")
        found.append((_minutes(start), _minutes(end)))
    return found


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def minutes_late(hours: list[Period], checked_in: time) -> int:
    """Whole minutes after the first period began (0 with no hours)."""
    if not hours:
        return 0
    return max(0, (seconds(checked_in) - hours[0][0] * 60) // 60)


def minutes_early(hours: list[Period], checked_out: time) -> int:
    """Whole minutes before the last period ended (0 with no hours)."""
    if not hours:
        return 0
    return max(0, (hours[-1][1] * 60 - seconds(checked_out)) // 60)


def unattended_minutes(hours: list[Period], present: Iterable[Interval]) -> int:
    """Minutes of the opening hours during no part of which anyone was present."""
    spans = list(present)
    return sum(
        1
        for start, end in hours
        for minute in range(start, end)
        if not any(arrived < (minute + 1) * 60 and left > minute * 60 for arrived, left in spans)
    )


def opening_minutes(hours: list[Period]) -> int:
    return sum(end - start for start, end in hours)
