"""Supervision's reading of a department's latest completed cases (on every completion event, for
the rules) walks an index from its end: its cost does not grow with the cases watched."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.dialects import sqlite

from services.supervision import models, watches
from tests.contract.query_plans import assert_read_by_index, migrated_sqlite, plan_of


def test_a_departments_latest_completions_are_read_by_index_without_sorting(tmp_path: Path) -> None:
    query = str(watches._DEPARTMENT_RECENT.compile(dialect=sqlite.dialect()))
    with migrated_sqlite(tmp_path, "supervision", models) as db, db.reading() as session:
        plan = plan_of(session, query, ["ZR", 2, 0])
    assert_read_by_index(plan, "ix_case_watches_department_completed")
