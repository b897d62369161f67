"""Responses built from the staff tables."""

from __future__ import annotations

from typing import cast

from tongban.acceptance.v1 import catalog_pb2
from tongban.staff.v1 import organisation_pb2

from services.staff import roles
from services.staff.models import (
    AccountRow,
    PostRow,
    SiteRow,
    StaffRow,
    StationedDepartmentRow,
    WindowRow,
)

G = organisation_pb2


def window_view(row: WindowRow) -> organisation_pb2.Window:
    return G.Window(
        code=row.code,
        site_code=row.site_code,
        name=row.name,
        kind=cast(G.WindowKind, row.kind),
        department_code=row.department_code,
        matter_codes=row.matter_codes.split(),
        opening_hours=row.opening_hours.split(),
        closed=row.closed,
    )


def site_view(
    row: SiteRow, departments: list[StationedDepartmentRow], windows: list[WindowRow]
) -> organisation_pb2.Site:
    return G.Site(
        code=row.code,
        name=row.name,
        level=cast(catalog_pb2.SiteLevel, row.level),
        parent_code=row.parent_code,
        departments=[
            G.Department(code=d.department_code, name=d.name) for d in departments if not d.withdrawn
        ],
        windows=[window_view(w) for w in windows],
    )


def account_view(row: AccountRow | None) -> organisation_pb2.AccountState:
    if row is None:
        return G.AccountState()
    return G.AccountState(
        disabled=row.disabled,
        locked_until=row.locked_until.isoformat() if row.locked_until else "",
        must_change_password=row.must_change_password,
        has_password=bool(row.password_hash),
    )


def member_view(row: StaffRow, account: AccountRow | None) -> organisation_pb2.StaffMember:
    return G.StaffMember(
        user_id=row.user_id,
        name=row.name,
        original_unit=row.original_unit,
        site_code=row.site_code,
        window_code=row.window_code,
        department_code=row.department_code,
        roles=cast(list[G.StaffRole], roles.of_row(row.roles)),
        posted_on=row.posted_on.isoformat(),
        active=row.active,
        account=account_view(account),
    )


def posts_view(row: PostRow) -> organisation_pb2.Posts:
    return G.Posts(
        site_code=row.site_code,
        department_code=row.department_code,
        chief_representative=row.chief_representative,
        a_post=row.a_post,
        b_post=row.b_post,
    )
