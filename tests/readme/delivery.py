"""Waiting, between two commands, until the services have passed their events on.

A person types slower than the relays deliver: by the time they type `tongban review inbox`
after accepting a case, approval has opened its review. A test types at once, so before each
command it waits until no service's outbox (in the SQLite files of var/) holds an undelivered
event, as the delivery-fault tests do.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from services.common.contracts import AREAS

TIMEOUT_SECONDS = 30.0
_PENDING = "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"


def _pending(database: Path) -> int:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        has_outbox = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox'"
        ).fetchone()[0]
        return int(connection.execute(_PENDING).fetchone()[0]) if has_outbox else 0


def pending_events(var_dir: Path) -> int:
    return sum(_pending(var_dir / f"{area}.db") for area in AREAS if (var_dir / f"{area}.db").exists())


def wait_until_delivered(var_dir: Path, timeout: float = TIMEOUT_SECONDS) -> None:
    """Until two looks in a row find every outbox empty: a delivery seen late by the first look
    (its receiver's own events written after that receiver's outbox was read) shows in the second."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2:
        if time.monotonic() > deadline:
            raise AssertionError(f"events still undelivered after {timeout:.0f} s in {var_dir}")
        quiet = quiet + 1 if pending_events(var_dir) == 0 else 0
        time.sleep(0.05)
