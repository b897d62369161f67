"""Two deliveries about a new case applied at once (acceptance's and approval's relays, two
transactions on PostgreSQL) both find the case unwatched: the second one's watch waits for the
first's and takes it over, instead of failing its whole batch on the primary key (found by
tests/e2e/test_postgres_restart.py, where it logged INTERNAL errors and cost relay retries)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent import futures
from datetime import date
from pathlib import Path

import pytest
from tongban.acceptance.v1 import events_pb2 as A

from services.common import migrations
from services.common.db import Database
from services.common.settings import Settings
from services.supervision import app, watches
from services.supervision.models import CaseWatchRow
from tests.support import fresh_postgres_database

pytestmark = pytest.mark.postgres

CASE = "320826000-20260928-0001"
TODAY = date(2026, 9, 28)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    with fresh_postgres_database() as url:
        db = app.database(Settings(database_url=url, var_dir=tmp_path))
        migrations.upgrade(db, "supervision")
        try:
            yield db
        finally:
            db.dispose()


def received(case_no: str) -> A.CaseReceived:
    return A.CaseReceived(case=A.CaseRef(case_no=case_no, matter_code="320826-GA-QT-001"))


def test_two_first_events_about_a_case_at_once_share_one_watch(database: Database) -> None:
    first_in = threading.Event()
    with futures.ThreadPoolExecutor(1) as other, database.transaction() as session:
        # This transaction creates the watch and holds it, uncommitted...
        mine = watches.take_in(session, received(CASE), "", TODAY)
        assert mine is not None
        session.flush()
        first_in.set()

        def second() -> str:
            with database.transaction() as theirs:
                watch = watches.take_in(theirs, A.CaseAccepted(case=A.CaseRef(case_no=CASE)), "", TODAY)
                assert watch is not None
                return watch.case_no

        # ...while another one, about the same new case, must wait for it, not fail.
        waiting = other.submit(second)
        with pytest.raises(futures.TimeoutError):
            waiting.result(timeout=1)
    assert first_in.is_set()
    assert waiting.result(timeout=30) == CASE
    with database.reading() as session:
        [watch] = session.exec(CaseWatchRow.__table__.select()).all()  # type: ignore[attr-defined]
        assert watch.case_no == CASE and watch.acceptance_seen and watch.matter_code == "320826-GA-QT-001"
