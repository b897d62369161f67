"""A servicer call that loses its database (a restart, a failover) ends UNAVAILABLE, which clients
and the gateway retry with the same request_id, and logs one line, not a traceback; any other
unexpected error is still INTERNAL with its traceback."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import grpc
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError, ProgrammingError

from services.common.db import Database
from services.common.errors import database_unreachable, grpc_errors


class Aborted(Exception):
    pass


class Context:
    code: grpc.StatusCode | None = None

    def abort_with_status(self, status: Any) -> None:
        self.code = status.code
        raise Aborted


class Servicer:
    def __init__(self, error: Exception) -> None:
        self.error = error

    @grpc_errors
    def Call(self, request: object, context: object) -> None:
        raise self.error


def _code(error: Exception) -> grpc.StatusCode | None:
    context = Context()
    with pytest.raises(Aborted):
        Servicer(error).Call(object(), context)
    return context.code


def test_a_lost_connection_is_unavailable_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    lost = OperationalError("SELECT 1", None, Exception("terminating connection"))
    assert _code(lost) == grpc.StatusCode.UNAVAILABLE
    assert [r.getMessage() for r in caplog.records] == ["Call: database unreachable (Exception)"]
    assert not [r for r in caplog.records if r.exc_info]


def test_a_wrong_statement_is_still_internal() -> None:
    assert (
        _code(ProgrammingError("SELECT nonsense", None, Exception("syntax error")))
        == grpc.StatusCode.INTERNAL
    )


def test_a_sqlite_file_locked_by_another_process_is_unreachable(tmp_path: Path) -> None:
    """The write lock is taken on the driver's connection (services.common.db), outside
    SQLAlchemy's execution; its failure still reaches the servicer as SQLAlchemy's error."""
    database = Database(f"sqlite:///{tmp_path / 'locked.db'}", [])
    with database.transaction() as session:
        session.connection()  # the file exists, in WAL mode
    # Give up on the lock at once rather than after the service's 30 s.
    event.listen(database.engine, "connect", lambda driver, _record: driver.execute("PRAGMA busy_timeout=50"))
    database.engine.dispose()
    with closing(sqlite3.connect(tmp_path / "locked.db", isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError) as raised, database.transaction() as session:
            session.connection()
    assert database_unreachable(raised.value)
    assert _code(raised.value) == grpc.StatusCode.UNAVAILABLE
    database.dispose()
