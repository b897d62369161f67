"""The demo staff of a local run: the people of the staff service's demo organisation
(services/staff/seed/organisation.json), for `tongban token` (tests and local scripts)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from services.common.access import PERSON_ROLES
from services.common.tokens import check_roles

DEMO_USERS_FILE = Path(__file__).resolve().parents[1] / "staff" / "seed" / "organisation.json"


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    name: str
    site_code: str
    window_code: str
    # The token roles (a chief representative's post is not one).
    roles: tuple[str, ...]
    department_code: str = ""


def load_demo_users(path: Path = DEMO_USERS_FILE) -> dict[str, DemoUser]:
    """The demo staff of a local run, by user id."""
    data = json.loads(path.read_text(encoding="utf-8"))
    users: dict[str, DemoUser] = {}
    for entry in data["people"]:
        user = DemoUser(
            user_id=str(entry["user_id"]),
            name=str(entry.get("name", "")),
            site_code=str(entry["site_code"]),
            window_code=str(entry.get("window_code", "")),
            roles=tuple(check_roles(role for role in entry["roles"] if role in PERSON_ROLES)),
            department_code=str(entry.get("department_code", "")),
        )
        if user.user_id in users:
            raise ValueError(f"{path}: user {user.user_id} appears twice")
        users[user.user_id] = user
    return users
