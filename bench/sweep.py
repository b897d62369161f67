"""The supervision sweep with 10 thousand and with 1 million open cases, 1 thousand of them due
(issue 12): a sweep reads the cases due by an index on their next check, so its time should not
grow with the cases that are not due (`sweep_1m_vs_10k_ratio`, at most 2).

Each size gets a fresh SQLite database at supervision's newest migration. The open cases are
written straight into supervision's case table (accepted 28 September 2026 with 5 working days,
as the events would leave them): the due ones with today as their next check, the others with a
next check next year. The sweep itself is the product's (services.supervision.sweep.Sweeper with
the built-in rules), timed from start to end; the best of three passes over fresh due rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import col

from services.common import migrations
from services.common.calendar import WorkingCalendar
from services.common.clock import CHINA, FixedClock
from services.common.db import Database, tables_in
from services.supervision import models
from services.supervision.models import AlertRow, CaseWatchRow, RecordEntryRow, RecordHeadRow
from services.supervision.rulebook import Rulebook
from services.supervision.supervising import Supervising
from services.supervision.sweep import Sweeper

TODAY = date(2026, 10, 9)
LATER = date(2027, 6, 1)
DUE = 1_000
SIZES = {"10k": 10_000, "1m": 1_000_000}
_CHUNK = 50_000
PASSES = 3


@dataclass(frozen=True)
class SweepResult:
    open_cases: int
    due: int
    seconds: float
    fill_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "open_cases": self.open_cases,
            "due": self.due,
            "sweep_s": round(self.seconds, 4),
            "fill_s": round(self.fill_seconds, 1),
        }


def _row(n: int, due: bool) -> dict[str, Any]:
    return {
        "case_no": f"320826101-20260928-{n:07d}",
        "matter_code": "320826-NJ-XK-001",
        "site_code": "320826101",
        "department_code": "NJ",
        "window_code": "320826101-W01",
        "received_by": "clerk-gaogou",
        "trace_id": "",
        "root_span_id": "",
        "first_seen_on": date(2026, 9, 28),
        "acceptance_seen": True,
        "accepted_on": date(2026, 9, 28),
        "budget_days": 5,
        "closed": False,
        "instant": False,
        "next_check_on": TODAY if due else LATER,
    }


def _fill(db: Database, count: int) -> None:
    with db.engine.begin() as connection:
        for start in range(0, count, _CHUNK):
            rows = [_row(n, n < DUE) for n in range(start, min(start + _CHUNK, count))]
            connection.execute(insert(CaseWatchRow), rows)


def _reset(db: Database) -> None:
    """The due cases due again, their findings gone: the next pass has the same work."""
    with db.engine.begin() as connection:
        for table in (AlertRow, RecordEntryRow):
            connection.execute(delete(table))
        connection.execute(update(RecordHeadRow).values(seq=0, hash="0" * 64))
        due = [f"320826101-20260928-{n:07d}" for n in range(DUE)]
        connection.execute(
            update(CaseWatchRow)
            .where(col(CaseWatchRow.case_no).in_(due))
            .values(next_check_on=TODAY, has_findings=False)
        )


def measure(folder: Path, count: int) -> SweepResult:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"supervision-{count}.db"
    path.unlink(missing_ok=True)
    db = Database(f"sqlite:///{path}", tables_in(models))
    migrations.upgrade(db, "supervision")
    began = time.monotonic()
    _fill(db, count)
    filled = time.monotonic() - began
    clock = FixedClock(datetime(2026, 10, 9, 9, 0, tzinfo=CHINA))
    sweeper = Sweeper(db, Supervising(Rulebook({}), WorkingCalendar.load(), clock), 3600)
    best = float("inf")
    for _ in range(PASSES):
        _reset(db)
        start = time.monotonic()
        swept = sweeper.sweep()
        best = min(best, time.monotonic() - start)
        assert swept.cases == DUE and swept.alerts == DUE, swept
    db.dispose()
    path.unlink(missing_ok=True)
    return SweepResult(count, DUE, best, filled)


def run(folder: Path) -> dict[str, Any]:
    """Both sizes; the figures for the results file."""
    results = {name: measure(folder, count) for name, count in SIZES.items()}
    small, large = results["10k"], results["1m"]
    return {
        "sweep_10k_s": round(small.seconds, 4),
        "sweep_1m_s": round(large.seconds, 4),
        "sweep_1m_vs_10k_ratio": round(large.seconds / small.seconds, 3),
        "sweep": {name: result.as_dict() for name, result in results.items()},
    }
