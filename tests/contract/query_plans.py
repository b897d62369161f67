"""How SQLite plans a query, for the tests that a read walks its index instead of sorting a table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlmodel import Session

from services.common import migrations
from services.common.db import Database, tables_in


@contextmanager
def migrated_sqlite(folder: Path, service: str, models: ModuleType) -> Iterator[Database]:
    """A fresh SQLite database of `service` at its newest migration."""
    db = Database(f"sqlite:///{folder / f'{service}.db'}", tables_in(models))
    migrations.upgrade(db, service)
    try:
        yield db
    finally:
        db.dispose()


def plan_of(session: Session, statement: str, parameters: Sequence[Any]) -> list[str]:
    """The steps of SQLite's plan for `statement` (its `?` parameters given)."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    return [row[-1] for row in driver.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()]


def assert_read_by_index(plan: list[str], index: str) -> None:
    """The plan walks `index` and sorts nothing."""
    assert any(f"USING INDEX {index}" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
