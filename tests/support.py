"""Helpers the test suites share: databases, identities, servers on free ports."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import TypeVar

import grpc
import psycopg
import pytest

from services.common.identity import IDENTITY_HEADER, Caller, sign_identity

T = TypeVar("T")
INTERNAL_KEY = b"test-internal-key-0123456789abcdef"
PG_ADMIN = "postgresql://127.0.0.1:5432/test"


def postgres_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def require_postgres() -> None:
    """PostgreSQL tests are mandatory in CI and run locally when a server answers."""
    if postgres_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but PostgreSQL does not answer on 127.0.0.1:5432")
    pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database for one test module; dropped afterwards."""
    require_postgres()
    name = f"tongban_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_postgres_databases(services: Sequence[str]) -> Iterator[str]:
    """A new database per service (database per service), as a URL template with "{service}"."""
    require_postgres()
    prefix = f"tongban_t_{uuid.uuid4().hex[:12]}"
    names = [f"{prefix}_{service}" for service in services]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://127.0.0.1:5432/{prefix}_{{service}}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def identity_metadata(caller: Caller) -> tuple[tuple[str, str], ...]:
    # Test modules sign these once, at import; on a loaded machine the gateway's 2-minute
    # lifetime runs out before their last test, so test identities live an hour.
    return ((IDENTITY_HEADER, sign_identity(caller, INTERNAL_KEY, lifetime=timedelta(hours=1))),)


def clerk(site: str = "320826101", user: str = "clerk-gaogou") -> Caller:
    return Caller(user_id=user, site_code=site, roles=frozenset({"clerk"}))


def as_role(role: str, site: str = "320826000", user: str = "someone") -> Caller:
    return Caller(user_id=user, site_code=site, roles=frozenset({role}))


def status_of(error: grpc.RpcError) -> grpc.StatusCode:
    return error.code()  # type: ignore[no-any-return]


def reviewer(department: str, user: str = "", site: str = "320826000") -> Caller:
    """A county department window's reviewer."""
    return Caller(
        user_id=user or f"reviewer-{department.lower()}",
        site_code=site,
        roles=frozenset({"reviewer"}),
        department_code=department,
    )


def wait_until(condition: Callable[[], T | None], *, what: str, timeout: float = 30.0) -> T:
    """Poll `condition` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.02)
