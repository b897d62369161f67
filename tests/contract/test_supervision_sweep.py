"""The sweep makes each finding once: with two replicas sweeping one PostgreSQL database at the same
time, and across a supervision process killed with SIGKILL in the middle of a sweep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select
from tongban.acceptance.v1 import catalog_pb2
from tongban.acceptance.v1 import events_pb2 as A

from services.common import migrations
from services.common.calendar import WorkingCalendar
from services.common.clock import CHINA, FixedClock
from services.common.db import Database, tables_in
from services.supervision import models, record
from services.supervision.events import EventRecorder
from services.supervision.models import AlertRow
from services.supervision.rulebook import Rulebook
from services.supervision.supervising import Supervising
from services.supervision.sweep import Sweeper
from tests.contract.delivery_support import databases
from tests.support import INTERNAL_KEY, envelope, wait_until

ACCEPTED = date(2026, 9, 28)
# Limit 5: due 10 October (National Day between); the reminder is due on Friday 9 October.
REMINDER_DAY = datetime.combine(date(2026, 10, 9), time(9, 0), tzinfo=CHINA)


def _supervising(db: Database, clock: FixedClock) -> Supervising:
    return Supervising(Rulebook({}), WorkingCalendar.load(), clock)


def _accept_cases(db: Database, count: int) -> None:
    """`count` cases accepted on 28 September, as their events would have brought them."""
    recorder = EventRecorder(
        _supervising(db, FixedClock(datetime.combine(ACCEPTED, time(9, 0), tzinfo=CHINA)))
    )
    with db.transaction() as session:
        for n in range(count):
            case = A.CaseRef(
                case_no=f"320826101-20260928-{n:05d}", site_code="320826101", department_code="NJ"
            )
            accepted = A.CaseAccepted(
                case=case,
                handling_type=catalog_pb2.HANDLING_TYPE_PROMISED,
                accepted_on=ACCEPTED.isoformat(),
                promised_limit_days=5,
            )
            recorder.record(session, envelope(accepted, source="acceptance", aggregate_id=case.case_no))


def _alerts_per_case(db: Database) -> dict[str, int]:
    with db.reading() as session:
        rows = session.exec(select(AlertRow.case_no, func.count()).group_by(AlertRow.case_no)).all()
    return dict(rows)


@contextmanager
def _migrated(kind: str, tmp_path: Path) -> Iterator[str]:
    with databases(kind, tmp_path, "supervision") as urls:
        db = Database(urls["supervision"], tables_in(models))
        migrations.upgrade(db, "supervision")
        db.dispose()
        yield urls["supervision"]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with _migrated(request.param, tmp_path) as migrated:
        yield migrated


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    # Replicas share a PostgreSQL database; a SQLite database has one supervision process.
    with _migrated("postgresql", tmp_path) as migrated:
        yield migrated


def test_two_replicas_sweeping_together_make_each_finding_once(postgres_url: str) -> None:
    url = postgres_url
    first, second = Database(url, tables_in(models)), Database(url, tables_in(models))
    _accept_cases(first, 600)
    clock = FixedClock(REMINDER_DAY)
    sweepers = [Sweeper(db, _supervising(db, clock), 3600) for db in (first, second)]
    swept: list[int] = []
    threads = [threading.Thread(target=lambda s=s: swept.append(s.sweep().cases)) for s in sweepers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    # Both took part, and between them every case was swept once.
    assert sum(swept) == 600 and len(swept) == 2
    assert set(_alerts_per_case(first).values()) == {1} and len(_alerts_per_case(first)) == 600
    with first.reading() as session:
        assert record.verify(session).intact
    first.dispose()
    second.dispose()


@pytest.mark.long
def test_a_supervision_killed_mid_sweep_loses_and_doubles_nothing(url: str, tmp_path: Path) -> None:
    db = Database(url, tables_in(models))
    count = 3000
    _accept_cases(db, count)
    clock_file = tmp_path / "clock"
    clock_file.write_text(REMINDER_DAY.isoformat())
    env = dict(
        os.environ,
        TONGBAN_DATABASE_URL=url,
        TONGBAN_PORT="0",
        TONGBAN_INTERNAL_KEY=INTERNAL_KEY.decode(),
        TONGBAN_CLOCK_FILE=str(clock_file),
        TONGBAN_VAR_DIR=str(tmp_path),
        TONGBAN_SWEEP_SECONDS="0.2",
    )

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "services.supervision"], env=env, stdout=subprocess.DEVNULL
        )

    process = start()
    made = wait_until(
        lambda: sum(_alerts_per_case(db).values()) or None, what="the sweep to begin", timeout=60
    )
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert made < count, "the sweep ended before the kill; nothing was interrupted"
    process = start()
    try:
        wait_until(
            lambda: len(_alerts_per_case(db)) == count,
            what="the sweep to finish after the restart",
            # 3,000 cases on PostgreSQL: about a minute alone; other workers share the cores.
            timeout=300,
        )
    finally:
        process.terminate()
        process.wait(20)
    assert set(_alerts_per_case(db).values()) == {1}
    with db.reading() as session:
        verified = record.verify(session)
    assert verified.intact and verified.entries == count
    db.dispose()
