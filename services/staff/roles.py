"""Staff roles (tongban.staff.v1.StaffRole) and the token roles they carry.

A chief representative or a window director is a clerk or a reviewer too; those two roles are
posts in the hall, not access roles, so a token names only the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from tongban.staff.v1 import organisation_pb2

from services.common import labels

R = organisation_pb2
TOKEN_ROLES: dict[int, str] = {
    R.STAFF_ROLE_CLERK: "clerk",
    R.STAFF_ROLE_REVIEWER: "reviewer",
    R.STAFF_ROLE_TOWNSHIP_OFFICER: "township_officer",
    R.STAFF_ROLE_CENTRE_ADMIN: "centre_admin",
    R.STAFF_ROLE_INSPECTOR: "inspector",
    R.STAFF_ROLE_CATALOGUE_OFFICER: "catalogue_officer",
}
# Roles only the county's centre administrator may give (a township officer may not): a catalogue
# officer drafts the county's catalogue, so it is the county's to name.
COUNTY_ONLY: frozenset[int] = frozenset(
    {R.STAFF_ROLE_CENTRE_ADMIN, R.STAFF_ROLE_INSPECTOR, R.STAFF_ROLE_CATALOGUE_OFFICER}
)
# Roles that act for one department, so the person must name it.
DEPARTMENT_ROLES: frozenset[int] = frozenset({R.STAFF_ROLE_CATALOGUE_OFFICER})


def stored(roles: Iterable[int]) -> str:
    """Roles as a row keeps them: space-separated numbers, ascending, each once."""
    return " ".join(str(role) for role in sorted(set(roles)))


def of_row(text: str) -> list[int]:
    return [int(part) for part in text.split()]


def token_roles(roles: Iterable[int]) -> list[str]:
    return sorted({TOKEN_ROLES[role] for role in roles if role in TOKEN_ROLES})


def by_name(name: str) -> int:
    """A role from what a seed file or a person writes: clerk, chief_representative, 首席代表."""
    number = labels.by_text(R.StaffRole).get(name.strip().lower()) or labels.by_text(R.StaffRole).get(name)
    if not number:
        raise ValueError(f"unknown staff role {name!r}")
    return number
