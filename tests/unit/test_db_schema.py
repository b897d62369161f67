"""A database made by an older version is named at migrate time, not mid-use-case."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from services.acceptance import models
from services.common.db import Database, SchemaOutdated, tables_in


def test_an_outdated_table_is_refused_with_its_missing_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'acceptance.db'}"
    old = Database(url, [])
    with old.engine.begin() as connection:
        connection.execute(text("CREATE TABLE outbox (position INTEGER PRIMARY KEY, event_id TEXT)"))
    old.dispose()

    database = Database(url, tables_in(models))
    with pytest.raises(SchemaOutdated, match=r"outbox\.event_type.*rm -r var"):
        database.create_schema()
    database.dispose()


def test_a_current_schema_is_created_twice_without_complaint(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'acceptance.db'}", tables_in(models))
    database.create_schema()
    database.create_schema()
    database.dispose()
