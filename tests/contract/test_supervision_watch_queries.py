"""Supervision's reading of a department's latest completed cases (on every completion event, for
the rules) walks an index from its end: its cost does not grow with the cases watched."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.dialects import sqlite

from services.common import migrations
from services.common.db import Database, tables_in
from services.supervision import models, watches


def test_a_departments_latest_completions_are_read_by_index_without_sorting(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'supervision.db'}", tables_in(models))
    migrations.upgrade(db, "supervision")
    query = watches._DEPARTMENT_RECENT.compile(dialect=sqlite.dialect())
    try:
        with db.reading() as session:
            driver = session.connection().connection.driver_connection
            assert driver is not None
            plan = [row[-1] for row in driver.execute(f"EXPLAIN QUERY PLAN {query}", ["ZR", 2, 0]).fetchall()]
    finally:
        db.dispose()
    assert any("USING INDEX ix_case_watches_department_completed" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
