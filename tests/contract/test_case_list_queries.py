"""The window's case list reads a page of the site's cases, newest first, from an index: a page
costs the same whether the site has a hundred cases or a hundred thousand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from services.acceptance import models
from services.acceptance.repository import CaseFilter, list_cases
from tests.contract.query_plans import assert_read_by_index, migrated_sqlite, plan_of


def test_a_sites_newest_cases_are_read_by_index_without_sorting(tmp_path: Path) -> None:
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        statements.append((statement, parameters))

    with migrated_sqlite(tmp_path, "acceptance", models) as db:
        event.listen(db.read_engine, "before_cursor_execute", seen)
        with db.reading() as session:
            list_cases(session, CaseFilter(site_code="320826101"), offset=0, limit=20)
            page, parameters = next((s, p) for s, p in statements if "ORDER BY cases.received_at DESC" in s)
            plan = plan_of(session, page, parameters)
    assert_read_by_index(plan, "ix_cases_site_received")
