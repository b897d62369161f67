"""Helpers the test suites share: databases, identities, servers on free ports."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TypeVar

import grpc
import psycopg
import pytest
from google.protobuf import any_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import func, select
from sqlmodel import SQLModel
from tongban.events.v1 import event_pb2

from services.common import contracts
from services.common.clock import CHINA
from services.common.db import Database
from services.common.identity import IDENTITY_HEADER, Caller, sign_identity
from services.common.validation import is_opaque

T = TypeVar("T")
P = TypeVar("P", bound=Message)
INTERNAL_KEY = b"test-internal-key-0123456789abcdef"
PG_ADMIN = "postgresql://127.0.0.1:5432/test"


# The rules the project registers (pyproject.toml, entry points tongban.rules).
BUILT_IN_RULES = frozenset(
    {
        "time_limit",
        "one_time_notice",
        "off_system",
        "calendar_gap",
        "reviews",
        "complaints",
        "conduct",
        "repeated_lateness",
        "attendance",
    }
)


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


def postgres_url(name: str) -> str:
    return f"postgresql+psycopg://127.0.0.1:5432/{name}"


def create_postgres_database(prefix: str = "tongban_t", template: str = "") -> str:
    """A new database with a unique name, empty or a copy of the database named `template`."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copied = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copied}')
    return name


def drop_postgres_databases(names: Sequence[str]) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_postgres_database(template: str = "") -> Iterator[str]:
    """A new database, empty or a copy of the database named `template`; dropped afterwards."""
    require_postgres()
    name = create_postgres_database(template=template)
    try:
        yield postgres_url(name)
    finally:
        drop_postgres_databases([name])


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
        yield postgres_url(f"{prefix}_{{service}}")
    finally:
        drop_postgres_databases(names)


def identity_metadata(caller: Caller) -> tuple[tuple[str, str], ...]:
    # Modules sign theirs at collection: on a busy machine the suite reaches them after the
    # two minutes the gateway gives an identity, so the tests' identities last an hour.
    return ((IDENTITY_HEADER, sign_identity(caller, INTERNAL_KEY, lifetime=timedelta(hours=1))),)


def clerk(site: str = "320826101", user: str = "clerk-gaogou") -> Caller:
    return Caller(user_id=user, site_code=site, roles=frozenset({"clerk"}))


def as_role(role: str, site: str = "320826000", user: str = "someone") -> Caller:
    return Caller(user_id=user, site_code=site, roles=frozenset({role}))


def status_of(error: grpc.RpcError) -> grpc.StatusCode:
    return error.code()


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


def envelope(
    payload: Message, *, source: str, aggregate_id: str, at: datetime | None = None
) -> event_pb2.Event:
    """A typed event as an outbox writes it (tongban.events.v1.Event carrying `payload`)."""
    packed = any_pb2.Any()
    packed.Pack(payload)
    stamp = Timestamp()
    stamp.FromDatetime(at or datetime(2026, 9, 28, 9, 30, tzinfo=CHINA))
    return event_pb2.Event(
        event_id=str(uuid.uuid4()),
        event_type=payload.DESCRIPTOR.full_name,
        source=source,
        aggregate_id=aggregate_id,
        occurred_time=stamp,
        traceparent=f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01",
        payload=packed,
    )


def payloads(events: Sequence[event_pb2.Event], payload_type: type[P]) -> list[P]:
    """The payloads of the events of one type, decoded, in order."""
    found = []
    for event in events:
        if event.event_type == payload_type.DESCRIPTOR.full_name:
            payload = payload_type()
            event.payload.Unpack(payload)
            found.append(payload)
    return found


def create_tables(db: Database) -> None:
    """A test's own tables, straight from the models (services get theirs from migrations)."""
    SQLModel.metadata.create_all(db.engine, tables=db.tables)


def every_rpc() -> list[tuple[str, MethodDescriptor]]:
    """(area, method) of every RPC the services serve, from the descriptors; "internal" for
    the services' own (event intake), which the gateway never routes."""
    found = [
        (area, method)
        for area in contracts.AREAS
        for service in contracts.services_of(area)
        for method in service.methods
    ]
    for module in contracts.INTERNAL_MODULES:
        for service in module.DESCRIPTOR.services_by_name.values():
            found += [("internal", method) for method in service.methods]
    return found


def descriptor_walk(message_type: Descriptor, prefix: str = "") -> list[tuple[str, FieldDescriptor]]:
    """(path, field) of every field of a message and the messages it contains (not well-known types)."""
    found: list[tuple[str, FieldDescriptor]] = []
    for field in message_type.fields:
        path = prefix + field.name
        found.append((path, field))
        nested = field.message_type
        if nested is not None and not is_opaque(nested) and nested is not message_type:
            found += descriptor_walk(nested, f"{path}.")
    return found


def row_counts(db: Database) -> dict[str, int]:
    """Rows in each of the service's tables: what a refused call must leave unchanged."""
    with db.reading() as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.tables
        }
