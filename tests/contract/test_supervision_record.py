"""The supervision record is append-only and hash-chained: whoever edits, removes, inserts or
reorders an entry with SQL (SQLite and PostgreSQL) is found, and the first bad entry named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select
from tongban.supervision.v1 import supervision_pb2 as S

from services.common import migrations
from services.common.db import Database, tables_in
from services.supervision import findings, models, record
from services.supervision.models import AlertRow, RecordEntryRow
from services.supervision.rule_types import Finding
from tests.contract.delivery_support import databases

AT = datetime(2026, 10, 12, 1, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with databases(request.param, tmp_path, "supervision") as urls:
        database = Database(urls["supervision"], tables_in(models))
        migrations.upgrade(database, "supervision")
        # Five alerts (entries 1-5), the third acknowledged (entry 6).
        with database.transaction() as session:
            for n in range(1, 6):
                found = Finding(
                    "time_limit", "yellow", S.ALERT_SEVERITY_YELLOW_CARD, f"办件超期 {n}", case_no=f"C{n}"
                )
                findings.store(session, [found], at=AT + timedelta(minutes=n))
        with database.transaction() as session:
            alert = session.exec(select(AlertRow).where(AlertRow.case_no == "C3")).one()
            alert.state, alert.acknowledged_by, alert.acknowledged_at = (
                S.ALERT_STATE_ACKNOWLEDGED,
                "inspector",
                AT,
            )
            record.append(session, record.ALERT_ACKNOWLEDGED, record.acknowledgement_body(alert), AT)
        yield database
        database.dispose()


def _verify(db: Database) -> record.Verification:
    with db.reading() as session:
        return record.verify(session)


def _sql(db: Database, statement: str, **params: object) -> None:
    with db.transaction() as session:
        session.execute(text(statement), params)


def _entry(db: Database, seq: int) -> RecordEntryRow:
    with db.reading() as session:
        found = session.get(RecordEntryRow, seq)
        assert found is not None
        return found


def test_an_untouched_record_verifies(db: Database) -> None:
    found = _verify(db)
    assert found.intact and found.entries == 6 and found.first_bad_seq == 0
    # The head named is the last entry's hash, the one an inspector notes down.
    assert found.head_hash == _entry(db, 6).hash


def test_a_broken_record_names_no_head(db: Database) -> None:
    _sql(db, "DELETE FROM record_entries WHERE seq = 2")
    assert _verify(db).head_hash == ""


def test_an_edited_entry_is_found(db: Database) -> None:
    _sql(db, "UPDATE record_entries SET body = REPLACE(body, '办件超期 3', '办件正常 3') WHERE seq = 3")
    found = _verify(db)
    assert not found.intact and found.first_bad_seq == 3 and "altered" in found.problem


def test_a_removed_entry_is_found(db: Database) -> None:
    _sql(db, "DELETE FROM record_entries WHERE seq = 2")
    found = _verify(db)
    assert not found.intact and found.first_bad_seq == 2


def test_a_removed_last_entry_is_found_by_the_head(db: Database) -> None:
    _sql(db, "DELETE FROM record_entries WHERE seq = 6")
    found = _verify(db)
    assert not found.intact and found.first_bad_seq == 6


def test_an_inserted_entry_is_found_even_with_its_own_hash_right(db: Database) -> None:
    # Make room after entry 2, then write a well-formed entry 3 chained to entry 2.
    _sql(db, "UPDATE record_entries SET seq = seq + 100 WHERE seq >= 3")
    _sql(db, "UPDATE record_entries SET seq = seq - 99 WHERE seq >= 103")
    second = _entry(db, 2)
    body = '{"forged":true}'
    forged = record.entry_hash(3, "alert_raised", body, second.hash)
    _sql(
        db,
        "INSERT INTO record_entries (seq, kind, body, recorded_at, prev_hash, hash) "
        "VALUES (3, 'alert_raised', :body, :at, :prev, :hash)",
        body=body,
        at=AT,
        prev=second.hash,
        hash=forged,
    )
    found = _verify(db)
    assert not found.intact and found.first_bad_seq == 4


def test_reordered_entries_are_found(db: Database) -> None:
    two, four = _entry(db, 2), _entry(db, 4)
    for seq, other in ((2, four), (4, two)):
        _sql(
            db,
            "UPDATE record_entries SET body = :body, prev_hash = :prev, hash = :hash WHERE seq = :seq",
            body=other.body,
            prev=other.prev_hash,
            hash=other.hash,
            seq=seq,
        )
    found = _verify(db)
    assert not found.intact and found.first_bad_seq == 2


def test_an_alert_changed_behind_the_record_is_found(db: Database) -> None:
    _sql(
        db, "UPDATE alerts SET severity = :reminder WHERE case_no = 'C4'", reminder=S.ALERT_SEVERITY_REMINDER
    )
    found = _verify(db)
    assert not found.intact and found.first_bad_seq == 4 and "alert" in found.problem


def test_an_acknowledgement_undone_behind_the_record_is_found(db: Database) -> None:
    _sql(
        db,
        "UPDATE alerts SET state = :open, acknowledged_by = '', acknowledged_at = NULL WHERE case_no = 'C3'",
        open=S.ALERT_STATE_OPEN,
    )
    found = _verify(db)
    assert not found.intact and found.first_bad_seq == 3
