"""Input checks the staff use cases share; each names the field and says what is wanted."""

from __future__ import annotations

import re
from datetime import date

from services.common.errors import FieldProblem, invalid_input

_HOURS = re.compile(r"([0-2][0-9]):([0-5][0-9])-([0-2][0-9]):([0-5][0-9])")


def refuse(message: str, problems: list[FieldProblem]) -> None:
    if problems:
        raise invalid_input(message, problems)


def day_or(value: str, field: str, default: date, problems: list[FieldProblem]) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FieldProblem(field, "不是有效日期 / not a valid YYYY-MM-DD date"))
        return default


def opening_hours(periods: list[str], problems: list[FieldProblem]) -> str:
    """Periods as stored ("08:30-12:00 14:00-17:30"): each within the day, in order, not overlapping."""
    last_end = -1
    for index, period in enumerate(periods):
        match = _HOURS.fullmatch(period)
        if match is None:
            problems.append(FieldProblem(f"opening_hours[{index}]", "应写作 HH:MM-HH:MM / write HH:MM-HH:MM"))
            continue
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= start < end <= 24 * 60) or start < last_end:
            problems.append(
                FieldProblem(
                    f"opening_hours[{index}]",
                    "开始早于结束, 各时段按先后且不重叠 / start before end, in order, not overlapping",
                )
            )
        last_end = end
    return " ".join(periods)
