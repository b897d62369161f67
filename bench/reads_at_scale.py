"""Reads that should not grow with the data (`python -m bench --reads-at-scale`): each timed with a
thousand rows and with a hundred thousand, on a fresh SQLite database at its service's newest
migration, the rows written straight into the table.

- the window's case list (acceptance's `list_cases`, the query ListCases runs): the first page
  of 20 of one site's cases, newest first, with the total;
- a completed case as supervision's rules see it (`watches.watched`, on every event about the
  case): it reads its department's two latest completed cases. Forty cases complete a day across
  twenty departments, and the case read is of a department that has completed only two, the
  oldest rows: by an index on the completion day alone, that read walks every later completion.

Both pages are read through an index from its end; the list's total still counts the site's
cases (from the index, without reading them), so it grows with them, far less than a sort of
every case did (`*_100k_vs_1k`). The best of a few hundred calls, after a warm-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import Table, create_engine, insert
from sqlmodel import Session, SQLModel
from tongban.acceptance.v1 import acceptance_pb2 as S

from services.acceptance import models as acceptance_models
from services.acceptance.repository import CaseFilter, list_cases
from services.common import migrations
from services.common.calendar import WorkingCalendar
from services.common.db import Database, tables_in
from services.supervision import models as supervision_models
from services.supervision import watches

SIZES = {"1k": 1_000, "100k": 100_000}
SITE = "320826101"
RARE = "GT"
CALLS = 300
_CHUNK = 20_000
_FIRST = datetime(2025, 1, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 10, 9)


def _case(n: int) -> dict[str, Any]:
    received = _FIRST + timedelta(minutes=7 * n)
    return {
        "case_no": f"{SITE}-{received:%Y%m%d}-{n:06d}",
        "site_code": SITE,
        "window_code": f"{SITE}-W01",
        "matter_code": "320826-NJ-XK-001",
        "state": S.CASE_STATE_ACCEPTED,
        "applicant_kind": S.APPLICANT_KIND_PERSON,
        "applicant_name": "-",
        "applicant_id_number": "-",
        "applicant_phone": "-",
        "received_at": received,
        "received_on": received.date(),
        "received_by": "clerk",
        "trace_id": "",
        "root_span_id": "",
        **dict.fromkeys(("outstanding", "new_facts", "review_items", "review_pauses"), "[]"),
    }


def _watch(n: int) -> dict[str, Any]:
    completed = date(2025, 1, 2) + timedelta(days=n // 40)
    return {
        "case_no": f"{SITE}-{completed:%Y%m%d}-{n:06d}",
        # The department read (RARE) completed the first two cases and none since.
        "department_code": RARE if n < 2 else f"D{n % 20:02d}",
        "site_code": SITE,
        "first_seen_on": completed,
        "completed_on": completed,
        "on_time": n % 7 != 0,
        "closed": True,
    }


@contextmanager
def _filled(
    folder: Path,
    service: str,
    models: ModuleType,
    model: type[SQLModel],
    rows: Callable[[int], dict[str, Any]],
    count: int,
) -> Iterator[Database]:
    """A fresh database of `service` with `count` rows in `model`'s table."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{service}-{count}.db"
    for old in folder.glob(f"{path.name}*"):
        old.unlink()
    url = f"sqlite:///{path}"
    db = Database(url, tables_in(models))
    migrations.upgrade(db, service)
    # Without the product's connection settings: foreign keys off, so no site or matter is needed.
    plain = create_engine(url)
    with plain.begin() as connection:
        for start in range(0, count, _CHUNK):
            connection.execute(insert(table), [rows(n) for n in range(start, min(start + _CHUNK, count))])
    plain.dispose()
    try:
        yield db
    finally:
        db.dispose()
        for old in folder.glob(f"{path.name}*"):
            old.unlink()


def _best_ms(read: Callable[[Session], object], db: Database) -> float:
    with db.reading() as session:
        for _ in range(20):
            read(session)
        best = float("inf")
        for _ in range(CALLS):
            began = time.perf_counter()
            read(session)
            best = min(best, time.perf_counter() - began)
    return round(1000 * best, 3)


def case_list_ms(folder: Path, count: int) -> float:
    with _filled(folder, "acceptance", acceptance_models, acceptance_models.CaseRow, _case, count) as db:
        return _best_ms(lambda session: list_cases(session, CaseFilter(site_code=SITE), 0, 20), db)


def completed_case_ms(folder: Path, count: int) -> float:
    calendar = WorkingCalendar.load()
    watches_model = supervision_models.CaseWatchRow
    with _filled(folder, "supervision", supervision_models, watches_model, _watch, count) as db:
        with db.reading() as session:
            watch = session.get(watches_model, _watch(1)["case_no"])
            assert watch is not None
            session.expunge(watch)
        return _best_ms(lambda session: watches.watched(session, watch, calendar, TODAY), db)


def run(folder: Path) -> dict[str, Any]:
    """Both reads at both sizes; the figures for the results file."""
    found: dict[str, Any] = {"reads_at_scale": {}}
    for name, measure in (("case_list_page", case_list_ms), ("completed_case_read", completed_case_ms)):
        times = {size: measure(folder, count) for size, count in SIZES.items()}
        found["reads_at_scale"][name] = times
        for size, ms in times.items():
            found[f"{name}_ms_{size}"] = ms
        found[f"{name}_100k_vs_1k"] = round(times["100k"] / times["1k"], 2)
    return found
