"""Each service's schema comes from its migrations: head agrees with the models on SQLite and
PostgreSQL, an upgrade is safe to run again, and a database older than migrations is named."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import text

from services.common import migrations
from services.common.db import Database, tables_in
from tests.support import fresh_postgres_database

SERVICES = ["acceptance", "approval", "staff", "supervision"]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            yield f"sqlite:///{tmp_path / 'service.db'}"
        else:
            yield stack.enter_context(fresh_postgres_database())


def _database(url: str, service: str) -> Database:
    return Database(url, tables_in(importlib.import_module(f"services.{service}.models")))


@pytest.mark.parametrize("service", SERVICES)
def test_head_agrees_with_the_models(url: str, service: str) -> None:
    database = _database(url, service)
    try:
        migrations.upgrade(database, service)
        migrations.upgrade(database, service)  # again: nothing to do
        assert migrations.current(database) == migrations.script(service).get_current_head()
        assert migrations.differences(database) == []
    finally:
        database.dispose()


def test_a_database_made_before_migrations_is_named_not_half_upgraded(url: str) -> None:
    database = _database(url, "supervision")
    try:
        with database.engine.begin() as connection:
            connection.execute(text("CREATE TABLE inbox (event_id VARCHAR(36) PRIMARY KEY)"))
        with pytest.raises(migrations.UnversionedDatabase, match=r"no migration history.*rm -r var"):
            migrations.upgrade(database, "supervision")
        assert migrations.current(database) is None
    finally:
        database.dispose()


def test_a_schema_that_drifted_from_the_models_is_noticed(url: str) -> None:
    database = _database(url, "supervision")
    try:
        migrations.upgrade(database, "supervision")
        with database.engine.begin() as connection:
            connection.execute(text("DROP INDEX ix_received_events_event_type"))
        assert [type(d).__name__ for d in migrations.differences(database)] == ["tuple"]
        assert "ix_received_events_event_type" in str(migrations.differences(database))
    finally:
        database.dispose()
