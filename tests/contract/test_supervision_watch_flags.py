"""Supervision's migration 0005 tells each watched case whether it has pauses, findings, reviews
or complaints, from the rows a database already holds (SQLite and PostgreSQL): a case that had
them before the upgrade is still read with them by the rules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from services.common import migrations
from services.common.calendar import WorkingCalendar
from services.common.clock import CHINA
from services.common.db import Database, tables_in
from services.supervision import models, watches
from services.supervision.models import CaseWatchRow
from tests.support import fresh_postgres_database

NOW = datetime(2026, 10, 12, 9, 0, tzinfo=CHINA)
PAUSED, RATED, FOUND, QUIET = (f"320826101-20260928-000{n}" for n in range(1, 5))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with ExitStack() as stack:
        url = (
            f"sqlite:///{tmp_path / 'supervision.db'}"
            if request.param == "sqlite"
            else stack.enter_context(fresh_postgres_database())
        )
        database = Database(url, tables_in(models))
        yield database
        database.dispose()


def _insert(connection: Connection, table: str, **values: Any) -> None:
    names = ", ".join(values)
    connection.execute(
        text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values
    )


def test_cases_watched_before_the_upgrade_keep_their_pauses_findings_reviews_and_complaints(
    db: Database,
) -> None:
    migrations.upgrade(db, "supervision", "0004_outbox")
    with db.engine.begin() as connection:
        for case_no in (PAUSED, RATED, FOUND, QUIET):
            _insert(
                connection, "case_watches", case_no=case_no, matter_code="320826-ZR-XK-001",
                site_code="320826101", department_code="ZR", window_code="", received_by="clerk",
                trace_id="", root_span_id="", first_seen_on=date(2026, 9, 28), acceptance_seen=True,
                accepted_on=date(2026, 9, 28), budget_days=15, closed=False, instant=False,
            )  # fmt: skip
        _insert(connection, "case_pauses", case_no=PAUSED, kind="supplement", started_on=date(2026, 9, 30))
        _insert(
            connection, "case_reviews", case_no=RATED, rating=1, channel=1, comment="", site_code="320826101",
            department_code="ZR", window_code="", reviewed_at=NOW, reviewed_on=NOW.date(), rectification="",
            rectified_by="",
        )  # fmt: skip
        _insert(
            connection, "complaints", case_no=RATED, state=1, content="...", registered_by="inspector",
            registered_at=NOW, answer_by=date(2026, 10, 19), answer="", answered_by="",
        )  # fmt: skip
        _insert(
            connection, "alerts", rule="time_limit", finding_key="yellow", severity=2, state=1, summary="",
            case_no=FOUND, site_code="320826101", department_code="ZR", window_code="", user_id="", points=0,
            trace_id="", raised_at=NOW, record_seq=1, acknowledged_by="", acknowledge_note="",
        )  # fmt: skip
    migrations.upgrade(db, "supervision")

    calendar = WorkingCalendar.load()
    with db.transaction() as session:
        seen = {
            case_no: watches.watched(session, watch, calendar, NOW.date())
            for case_no in (PAUSED, RATED, FOUND, QUIET)
            if (watch := session.get(CaseWatchRow, case_no)) is not None
        }
    assert seen[PAUSED].clock is not None and seen[PAUSED].clock.paused
    assert [r.rating for r in seen[RATED].reviews] == [1] and len(seen[RATED].complaints) == 1
    assert seen[FOUND].fired == {"time_limit": frozenset({"yellow"})}
    quiet = seen[QUIET]
    assert (quiet.reviews, quiet.complaints, quiet.fired) == ((), (), {})
    assert quiet.clock is not None and not quiet.clock.paused
