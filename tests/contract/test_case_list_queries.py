"""The window's case list reads a page of the site's cases, newest first, from an index: a page
costs the same whether the site has a hundred cases or a hundred thousand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from services.acceptance import models
from services.acceptance.repository import CaseFilter, list_cases
from services.common import migrations
from services.common.db import Database, tables_in


def test_a_sites_newest_cases_are_read_by_index_without_sorting(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'acceptance.db'}", tables_in(models))
    migrations.upgrade(db, "acceptance")
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        statements.append((statement, parameters))

    event.listen(db.read_engine, "before_cursor_execute", seen)
    try:
        with db.reading() as session:
            list_cases(session, CaseFilter(site_code="320826101"), offset=0, limit=20)
            page, parameters = next((s, p) for s, p in statements if "ORDER BY cases.received_at DESC" in s)
            driver = session.connection().connection.driver_connection
            assert driver is not None
            plan = [row[-1] for row in driver.execute(f"EXPLAIN QUERY PLAN {page}", parameters).fetchall()]
    finally:
        db.dispose()
    assert any("USING INDEX ix_cases_site_received" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
