"""Serial numbers per scope (a site's cases per day, a department's documents per year).

One statement on SQLite and PostgreSQL alike; the row lock serialises concurrent takers.
On SQLite the number is taken in the use case's own transaction (it holds the only write lock
anyway). On PostgreSQL it is taken in a short transaction of its own, so the scope's row is
locked for one statement instead of the whole use case (which queued every submission of a
site behind the slowest). A use case that then fails leaves a gap: the domain asks for unique,
readable numbers, not gap-free ones, and a retry with the same request_id takes no new number.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlmodel import Field, Session, SQLModel

# Set in a session's info by the database (services.common.db) where numbers are taken apart.
SERIALS_ENGINE = "tongban.serials_engine"


class CounterRow(SQLModel, table=True):
    __tablename__ = "counters"

    scope: str = Field(primary_key=True, max_length=80)
    value: int


_NEXT = text(
    "INSERT INTO counters (scope, value) VALUES (:scope, 1) "
    "ON CONFLICT (scope) DO UPDATE SET value = counters.value + 1 RETURNING value"
)


def next_serial(session: Session, scope: str) -> int:
    apart: Engine | None = session.info.get(SERIALS_ENGINE)
    if apart is None:
        # On the session's connection: a plain statement needs none of the ORM's execution path.
        return int(session.connection().execute(_NEXT, {"scope": scope}).scalar_one())
    with apart.connect() as connection:  # autocommit: the statement is its own transaction
        return int(connection.execute(_NEXT, {"scope": scope}).scalar_one())
