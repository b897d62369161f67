"""Rows appended at once, without an ORM object.

For append-only tables (the outbox, an activity log, request ids) whose rows the transaction that
adds them never changes: building the ORM object and flushing it through the unit of work costs
about four times the INSERT itself (bench/README.md, "Appended rows"). The row is written when
`append_row` is called, inside the session's transaction, so it commits or rolls back with the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlmodel import Session, SQLModel


def append_row(session: Session, model: type[SQLModel], **values: Any) -> None:
    """Insert one row of `model`'s table with these column values (every column without a default)."""
    session.execute(_insert_into(model), values)


def append_rows(session: Session, model: type[SQLModel], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert these rows of `model`'s table in one statement (the driver's executemany)."""
    if rows:
        session.execute(_insert_into(model), rows)


@cache
def _insert_into(model: type[SQLModel]) -> Insert:
    # One statement object per table: SQLAlchemy finds its compiled form by this object's cache key.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return insert(table)
