"""The demo organisation of a local run (seed/organisation.json): sites, stationed departments,
windows, people with their accounts, and posts.

Loaded by `python -m services.staff seed` (make run's setup), idempotently: a record missing from
the database is added and its event published for the other services' copies; a record there
already is left as the administrators made it (a changed password, a move, a disabled account).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel
from tongban.acceptance.v1 import catalog_pb2
from tongban.staff.v1 import organisation_pb2

from services.common.clock import SystemClock
from services.common.db import Database
from services.staff import events, passwords, repository, roles
from services.staff.models import AccountRow, PostRow, SiteRow, StaffRow, StationedDepartmentRow, WindowRow

ORGANISATION_FILE = Path(__file__).parent / "seed" / "organisation.json"
# Every demo account's password (README, "Staff"); a demo only, never a deployment's.
DEMO_PASSWORD = "tongban-demo"
SEEDED_BY = "seed"


@dataclass(frozen=True)
class Person:
    """A person of the file, as the CLI's demo tokens need them too (services.common.demo_users)."""

    user_id: str
    name: str
    original_unit: str
    site_code: str
    window_code: str
    department_code: str
    roles: tuple[int, ...]
    posted_on: date


def read(path: Path = ORGANISATION_FILE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def people(data: dict[str, Any]) -> list[Person]:
    return [
        Person(
            user_id=str(item["user_id"]),
            name=str(item["name"]),
            original_unit=str(item["original_unit"]),
            site_code=str(item["site_code"]),
            window_code=str(item.get("window_code", "")),
            department_code=str(item.get("department_code", "")),
            roles=tuple(sorted({roles.by_name(role) for role in item["roles"]})),
            posted_on=date.fromisoformat(item["posted_on"]),
        )
        for item in data["people"]
    ]


def _put(
    session: Session, existing: SQLModel | None, wanted: SQLModel, announce: Callable[[], None] | None = None
) -> None:
    """Add `wanted` if no such row exists yet, and announce it."""
    if existing is not None:
        return
    session.add(wanted)
    session.flush()
    if announce is not None:
        announce()


def _sites(session: Session, data: dict[str, Any], now: datetime) -> None:
    hours = " ".join(data["opening_hours"])
    for item in data["sites"]:
        site = SiteRow(
            code=item["code"],
            name=item["name"],
            level=catalog_pb2.SiteLevel.Value(item["level"]),
            parent_code=item.get("parent_code", ""),
        )
        _put(
            session,
            repository.site(session, site.code),
            site,
            partial(events.site_changed, session, site, now),
        )
        for department in item["departments"]:
            stationed = StationedDepartmentRow(
                site_code=site.code, department_code=department["code"], name=department["name"]
            )
            _put(session, repository.department(session, site.code, stationed.department_code), stationed)
        for entry in item["windows"]:
            window = WindowRow(
                code=entry["code"],
                site_code=site.code,
                name=entry["name"],
                kind=organisation_pb2.WindowKind.Value(entry["kind"]),
                department_code=entry.get("department_code", ""),
                matter_codes=" ".join(entry.get("matter_codes", [])),
                opening_hours=" ".join(entry.get("opening_hours", [])) or hours,
            )
            _put(
                session,
                repository.window(session, window.code),
                window,
                partial(events.window_changed, session, window, now),
            )


@cache
def _demo_hash() -> str:
    # One hash for the shared demo password: argon2 is slow on purpose, and a demo has 14 accounts.
    return passwords.hash_password(DEMO_PASSWORD)


def _people(session: Session, data: dict[str, Any], now: datetime) -> int:
    found = people(data)
    for person in found:
        member = StaffRow(
            user_id=person.user_id,
            name=person.name,
            original_unit=person.original_unit,
            site_code=person.site_code,
            window_code=person.window_code,
            department_code=person.department_code,
            roles=roles.stored(person.roles),
            posted_on=person.posted_on,
        )
        account = repository.account(session, person.user_id)
        _put(
            session,
            repository.member(session, person.user_id),
            member,
            partial(events.member_changed, session, member, account, now),
        )
        if account is None:
            session.add(AccountRow(user_id=person.user_id, password_hash=_demo_hash()))
    return len(found)


def _posts(session: Session, data: dict[str, Any], now: datetime) -> None:
    for item in data["posts"]:
        row = PostRow(
            site_code=item["site_code"],
            department_code=item["department_code"],
            chief_representative=item.get("chief_representative", ""),
            a_post=item.get("a_post", ""),
            b_post=item.get("b_post", ""),
        )
        _put(
            session,
            repository.posts(session, row.site_code, row.department_code),
            row,
            partial(events.posts_changed, session, row, SEEDED_BY, now),
        )


def load_organisation(db: Database, path: Path = ORGANISATION_FILE, *, now: datetime | None = None) -> int:
    """Insert or update every entry of the file; returns the number of people."""
    data = read(path)
    moment = now or SystemClock().now()
    with db.transaction() as session:
        _sites(session, data, moment)
        count = _people(session, data, moment)
        _posts(session, data, moment)
    return count
