"""The database: SQLite (WAL, synchronous=FULL) locally, PostgreSQL by URL in production.

The engine is built on first use, never at import, and its statements are traced
(services.common.db_tracing). A use case runs in one transaction, opened by the domain
layer with `transaction()`; repositories never commit. The schema comes from the
service's migrations (services.common.migrations).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from sqlalchemy import Engine, Table, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, create_engine

from services.common.counters import SERIALS_ENGINE
from services.common.db_tracing import instrument_engine

# Set in a session's info by whoever adds outbox events to it.
WROTE_EVENTS = "tongban.wrote_events"


class Database:
    def __init__(self, url: str, tables: Sequence[Table], *, connections: int = 20) -> None:
        self.url = url
        self.tables = list(tables)
        self.event_listeners: list[Callable[[], None]] = []
        # PostgreSQL pool size: every RPC thread and relay lane may hold a connection at once.
        self.connections = connections
        # SQLite has one writer at a time, and one process per database: its writers queue here,
        # woken in turn, instead of polling SQLite's busy timeout (whose back-off made the tail).
        self._sqlite_writers = threading.Lock()

    @cached_property
    def is_sqlite(self) -> bool:
        # Asked by every transaction: parsing the URL each time cost more than a statement.
        return make_url(self.url).get_backend_name() == "sqlite"

    @cached_property
    def engine(self) -> Engine:
        if self.is_sqlite:
            return self._sqlite_engine(immediate=True)
        # hide_parameters: SQL errors would otherwise carry applicants' data into logs.
        return instrument_engine(
            create_engine(
                self.url, pool_pre_ping=True, hide_parameters=True, pool_size=self.connections, max_overflow=5
            )
        )

    @cached_property
    def serials_engine(self) -> Engine:
        """PostgreSQL: a few autocommit connections that take serial numbers (services.common.counters)."""
        engine = create_engine(
            self.url,
            pool_pre_ping=True,
            hide_parameters=True,
            pool_size=2,
            max_overflow=4,
            isolation_level="AUTOCOMMIT",
        )

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection: Any, _record: Any) -> None:
            # No flush wait of its own: the record that carries the number commits durably later,
            # and its flush covers this earlier commit (WAL is written in order). If the server
            # dies first, the number was never on a durable record, so handing it out again is safe.
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
            dbapi_connection.commit()

        return instrument_engine(engine)

    @cached_property
    def read_engine(self) -> Engine:
        # On SQLite, reads skip the write lock (WAL lets them run beside a writer).
        return self._sqlite_engine(immediate=False) if self.is_sqlite else self.engine

    def _sqlite_engine(self, *, immediate: bool) -> Engine:
        database = make_url(self.url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            self.url,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" listener issue BEGIN itself (pysqlite's own
            # transaction handling would defer it and break write locking).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # A government record must survive power loss.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # Writers take the write lock up front: a deferred transaction that later
            # writes fails with SQLITE_BUSY instead of waiting its turn. Sent on the driver's
            # connection: through SQLAlchemy's execution it cost a fifth of an empty transaction.
            statement = "BEGIN IMMEDIATE" if immediate else "BEGIN"
            try:
                connection.connection.driver_connection.execute(statement)
            except sqlite3.Error as error:
                # Raised as SQLAlchemy raises a failed statement (a locked file: OperationalError).
                raise DBAPIError.instance(
                    statement, None, error, sqlite3.Error, hide_parameters=True
                ) from error

        return instrument_engine(engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case: committed when the block ends, rolled back if it raises."""
        with self._writer_turn(), Session(self.engine, expire_on_commit=False) as session, session.begin():
            if not self.is_sqlite:
                session.info[SERIALS_ENGINE] = self.serials_engine
            yield session
        if session.info.get(WROTE_EVENTS):
            for listener in self.event_listeners:
                listener()

    @contextmanager
    def _writer_turn(self) -> Iterator[None]:
        if not self.is_sqlite:
            yield
            return
        with self._sqlite_writers:
            yield

    def on_events_committed(self, listener: Callable[[], None]) -> None:
        """Call `listener` after each commit that wrote outbox events (the relay wakes at once)."""
        self.event_listeners.append(listener)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only use case: one consistent snapshot without the write lock."""
        with Session(self.read_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def dispose(self) -> None:
        for name in ("engine", "read_engine", "serials_engine"):
            if name in self.__dict__:
                self.__dict__[name].dispose()


def tables_in(models: ModuleType) -> list[Table]:
    """Every table a service's models module declares or imports: its database's tables.

    A table is registered once, by being a model in (or imported into) that module; the
    schema, the migrations and the tests all read the same list from here.
    """
    found = {
        cast(str, value.__tablename__): SQLModel.metadata.tables[cast(str, value.__tablename__)]
        for value in vars(models).values()
        if isinstance(value, type) and issubclass(value, SQLModel) and hasattr(value, "__table__")
    }
    return [found[name] for name in sorted(found)]
