"""The county's review clock as the accepting window keeps it (县乡同办).

While the county reviews a case, its clock runs from the acceptance for the promised working
days plus an extension (Art. 42), and stops during send-backs for supplement and special
procedures (Art. 45). Approval keeps that clock; the window keeps the same record from the
county's events (and the day its own clerk returns a supplement), so the clerk's case list reads
the same days left as the reviewer's inbox, counted by services.common.timelimit as approval
counts them.
"""

from __future__ import annotations

import json
from datetime import date

from services.acceptance.models import CaseRow
from services.common.calendar import WorkingCalendar
from services.common.timelimit import ClockReading, Pause, read_clock


def pauses_of(row: CaseRow) -> list[Pause]:
    return [
        Pause(date.fromisoformat(item["started_on"]), _day(item.get("ended_on")))
        for item in json.loads(row.review_pauses)
    ]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _store(row: CaseRow, pauses: list[Pause]) -> None:
    row.review_pauses = json.dumps(
        [{"started_on": p.started_on.isoformat(), "ended_on": _iso(p.ended_on)} for p in pauses]
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def start_pause(row: CaseRow, on: date) -> None:
    """The county's clock stops from `on` (once: a pause already running goes on)."""
    pauses = pauses_of(row)
    if not any(p.ended_on is None for p in pauses):
        _store(row, [*pauses, Pause(on, None)])


def end_pause(row: CaseRow, on: date) -> None:
    """The county's clock runs again after `on`."""
    _store(row, [Pause(p.started_on, p.ended_on or on) for p in pauses_of(row)])


def reading(calendar: WorkingCalendar, row: CaseRow, today: date) -> ClockReading | None:
    """The county's clock for today; None before the case is accepted."""
    if row.accepted_on is None:
        return None
    budget = row.promised_limit_days + row.review_extension_days
    return read_clock(calendar, row.accepted_on, budget, pauses_of(row), today)


def due_for_listing(calendar: WorkingCalendar, row: CaseRow, today: date) -> date | None:
    """The day the case counts as overdue after, for the case list's overdue filter: the county's
    due date; while paused, only if already overdue (no day counts while the clock stands)."""
    read = reading(calendar, row, today)
    if read is None or (read.paused and not read.overdue):
        return None
    return read.due_on
