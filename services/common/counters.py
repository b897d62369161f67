"""Serial numbers per scope (a site's cases per day, a department's documents per year).

One statement on SQLite and PostgreSQL alike; the row lock serialises concurrent takers,
and the number is taken in the same transaction as the record that carries it.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Field, Session, SQLModel


class CounterRow(SQLModel, table=True):
    __tablename__ = "counters"

    scope: str = Field(primary_key=True, max_length=80)
    value: int


_NEXT = text(
    "INSERT INTO counters (scope, value) VALUES (:scope, 1) "
    "ON CONFLICT (scope) DO UPDATE SET value = counters.value + 1 RETURNING value"
)


def next_serial(session: Session, scope: str) -> int:
    return int(session.execute(_NEXT, {"scope": scope}).scalar_one())
