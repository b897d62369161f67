"""A servicer call that loses its database (a restart, a failover) ends UNAVAILABLE, which clients
and the gateway retry with the same request_id, and logs one line, not a traceback; any other
unexpected error is still INTERNAL with its traceback."""

from __future__ import annotations

import logging
from typing import Any

import grpc
import pytest
from sqlalchemy.exc import OperationalError, ProgrammingError

from services.common.errors import grpc_errors


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
