"""Rows written at once, without the ORM's unit of work.

For append-only tables (the outbox, an activity log, request ids) whose rows the transaction that
adds them never changes: building the ORM object and flushing it through the unit of work costs
about four times the INSERT itself (bench/README.md, "Appended rows"). For a hot use case's change
to rows it has loaded (a review step answered): one UPDATE by primary key, where the flush would
first work out what changed. For a new object complete when made (a review opened), which the
use case goes on using: one INSERT of its columns, the object kept in the session as saved.
Either way the statement runs when the function is called, inside the session's transaction, so
it commits or rolls back with the rest; a rollback takes back in memory what it takes back in the
database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import (
    Executable,
    Insert,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.orm import SessionTransaction, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlmodel import Session, SQLModel

T = TypeVar("T")


def append_row(session: Session, model: type[SQLModel], **values: Any) -> None:
    """Insert one row of `model`'s table with these column values (every column without a default)."""
    session.execute(_insert_into(model), values)


def append_rows(session: Session, model: type[SQLModel], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert these rows of `model`'s table in one statement (the driver's executemany)."""
    if rows:
        session.execute(_insert_into(model), rows)


def insert_now(session: Session, row: SQLModel) -> None:
    """Insert this new object's row now (its primary key given) and keep the object in the session
    as a saved row, as if the ORM had flushed it: later changes to it are written as UPDATEs."""
    table: Table = row.__table__  # type: ignore[attr-defined]
    append_row(session, type(row), **{column.key: getattr(row, column.key) for column in table.columns})
    make_transient_to_detached(row)
    session.add(row)
    inner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_INSERTED, []).append((inner, row))


def update_rows(session: Session, rows: Sequence[SQLModel], **values: Any) -> None:
    """Set these column values on `rows` (all of one model, each saved already: loaded, or written
    by insert_now) and write them now: one UPDATE by primary key, the driver's executemany for
    several. The objects then hold the values as saved, so the flush does not write them again."""
    if not rows:
        return
    # A row not yet inserted would match no row: its values would be lost without a word.
    assert all(instance_state(row).persistent for row in rows), "update_rows writes saved rows only"
    model = type(rows[0])
    keys = _primary_key(model)
    session.connection().execute(
        _update_of(model),
        [{**values, **{f"key_{name}": getattr(row, name) for name in keys}} for row in rows],
    )
    for row in rows:
        for name, value in values.items():
            set_committed_value(row, name, value)
    session.info.setdefault(_WRITTEN, []).extend(rows)


# Rows update_rows wrote in this session: the ORM does not know them as changed, so a rolled-back
# savepoint (an event the inbox refused) would leave them holding values the database took back.
_WRITTEN = "rows.updated_at_once"


# Objects insert_now wrote, with the (innermost) transaction they were written in: the ORM expunges
# an object whose INSERT a rollback takes back, and so must this, or the next object with its
# key (the same event applied again, one at a time) could not join the session.
_INSERTED = "rows.inserted_at_once"


@event.listens_for(Session, "after_soft_rollback")
def _take_back_after_rollback(session: Session, previous: SessionTransaction) -> None:
    for row in session.info.pop(_WRITTEN, []):
        if row in session:
            session.expire(row)
    kept = []
    for transaction, row in session.info.get(_INSERTED, []):
        if _within(transaction, previous):
            if row in session:
                session.expunge(row)
        else:
            kept.append((transaction, row))
    session.info[_INSERTED] = kept


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def read_plain(
    session: Session, statement: Executable, params: Mapping[str, Any], shape: Callable[..., T]
) -> list[T]:
    """The rows of `statement` as `shape`s (a NamedTuple of the columns it selects), read on the
    session's connection without ORM objects: for what a view only shows (a case's documents, a
    review's log), where loading the ORM object costs several times the query. Pending ORM
    changes are flushed first, as an ORM query would."""
    session.flush()
    return [shape(*row) for row in session.connection().execute(statement, params)]


def plain_columns(model: type[SQLModel], names: Sequence[str]) -> Select[Any]:
    """SELECT these columns of `model`'s table (for read_plain)."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return select(*(table.c[name] for name in names))


@cache
def _primary_key(model: type[SQLModel]) -> tuple[str, ...]:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return tuple(column.key for column in table.primary_key.columns)


@cache
def _update_of(model: type[SQLModel]) -> Update:
    # The SET columns are the parameters' other keys (SQLAlchemy compiles one form per key set).
    table: Table = model.__table__  # type: ignore[attr-defined]
    return update(table).where(
        and_(*(table.c[name] == bindparam(f"key_{name}") for name in _primary_key(model)))
    )


@cache
def _insert_into(model: type[SQLModel]) -> Insert:
    # One statement object per table: SQLAlchemy finds its compiled form by this object's cache key.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return insert(table)
