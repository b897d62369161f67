"""One injectable clock: services ask it for the time, tests move it instead of sleeping."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

# China has one time zone and no daylight saving, so a fixed offset is exact.
CHINA = timezone(timedelta(hours=8), "CST")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The machine's time, or that time moved by a fixed offset: every process given the same
    offset agrees on a chosen day while time still runs (a demo or a benchmark on a working day)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(CHINA) + self.offset


class FileClock:
    """Reads an ISO timestamp from a file on every call, so another process can move time."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def now(self) -> datetime:
        moment = datetime.fromisoformat(self.path.read_text().strip())
        return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


class FixedClock:
    """A clock a test sets and advances by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


def today(clock: Clock) -> date:
    return clock.now().astimezone(CHINA).date()


def clock_from(path: Path | None, offset_seconds: float = 0.0) -> Clock:
    return FileClock(path) if path else SystemClock(timedelta(seconds=offset_seconds))
