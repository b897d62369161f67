"""Databases of one bench run on the local PostgreSQL server: made fresh, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg

ADMIN_URL = "postgresql://127.0.0.1:5432/test"


def available() -> bool:
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def server_version() -> str:
    with psycopg.connect(ADMIN_URL, connect_timeout=3) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


@contextmanager
def fresh_databases(services: Sequence[str]) -> Iterator[tuple[str, str]]:
    """One new database per service; yields the URL template with "{service}" for
    TONGBAN_DATABASE_URL, and the databases' common name prefix."""
    prefix = f"tongban_bench_{uuid.uuid4().hex[:10]}"
    names = [f"{prefix}_{service}" for service in services]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://127.0.0.1:5432/{prefix}_{{service}}", prefix
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
