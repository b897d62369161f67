"""Queries on the staff database. Reads and adds only: the domain layer commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, or_, select
from tongban.staff.v1 import leave_pb2

from services.staff.models import (
    AccountRow,
    LeaveRow,
    PostRow,
    RotationRow,
    SiteRow,
    StaffRow,
    StationedDepartmentRow,
    WindowRow,
)


def site(session: Session, code: str) -> SiteRow | None:
    return session.get(SiteRow, code)


def sites(session: Session) -> list[SiteRow]:
    return list(session.exec(select(SiteRow).order_by(col(SiteRow.code))).all())


def children(session: Session, code: str) -> list[str]:
    """Codes of the sites directly under a site (a township's village stations)."""
    return list(session.exec(select(SiteRow.code).where(SiteRow.parent_code == code)).all())


def departments(session: Session, site_code: str | None = None) -> list[StationedDepartmentRow]:
    query = select(StationedDepartmentRow)
    if site_code is not None:
        query = query.where(StationedDepartmentRow.site_code == site_code)
    return list(
        session.exec(
            query.order_by(col(StationedDepartmentRow.site_code), col(StationedDepartmentRow.department_code))
        ).all()
    )


def department(session: Session, site_code: str, code: str) -> StationedDepartmentRow | None:
    return session.get(StationedDepartmentRow, (site_code, code))


def window(session: Session, code: str) -> WindowRow | None:
    return session.get(WindowRow, code)


def windows(session: Session, site_code: str | None = None) -> list[WindowRow]:
    query = select(WindowRow)
    if site_code is not None:
        query = query.where(WindowRow.site_code == site_code)
    return list(session.exec(query.order_by(col(WindowRow.code))).all())


def member(session: Session, user_id: str, *, for_update: bool = False) -> StaffRow | None:
    query = select(StaffRow).where(StaffRow.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def staff(session: Session, site_codes: Sequence[str], window_code: str = "") -> list[StaffRow]:
    query = select(StaffRow).where(col(StaffRow.site_code).in_(site_codes))
    if window_code:
        query = query.where(StaffRow.window_code == window_code)
    return list(session.exec(query.order_by(col(StaffRow.site_code), col(StaffRow.user_id))).all())


def window_staff(session: Session, site_code: str, department_code: str) -> list[StaffRow]:
    """The active people sitting at a department's windows of a site."""
    codes = [w.code for w in windows(session, site_code) if w.department_code == department_code]
    return list(
        session.exec(
            select(StaffRow)
            .where(col(StaffRow.window_code).in_(codes), col(StaffRow.active))
            .order_by(col(StaffRow.user_id))
        ).all()
    )


def account(session: Session, user_id: str, *, for_update: bool = False) -> AccountRow | None:
    query = select(AccountRow).where(AccountRow.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def accounts(session: Session, user_ids: Sequence[str]) -> dict[str, AccountRow]:
    rows = session.exec(select(AccountRow).where(col(AccountRow.user_id).in_(user_ids))).all()
    return {row.user_id: row for row in rows}


def revoked_accounts(session: Session, since: datetime) -> list[AccountRow]:
    """Disabled accounts, and those whose tokens were revoked after `since`."""
    return list(
        session.exec(
            select(AccountRow).where(or_(col(AccountRow.disabled), col(AccountRow.tokens_revoked_at) > since))
        ).all()
    )


def posts(session: Session, site_code: str, department_code: str) -> PostRow | None:
    return session.get(PostRow, (site_code, department_code))


def posts_of_site(session: Session, site_code: str) -> list[PostRow]:
    return list(session.exec(select(PostRow).where(PostRow.site_code == site_code)).all())


def leave_of(session: Session, user_id: str, first: date, last: date) -> list[LeaveRow]:
    """A person's leave touching the days from `first` to `last`."""
    return list(
        session.exec(
            select(LeaveRow)
            .where(LeaveRow.user_id == user_id, LeaveRow.start_on <= last, LeaveRow.end_on >= first)
            .order_by(col(LeaveRow.start_on))
        ).all()
    )


def overlapping_leave(session: Session, user_id: str, first: date, last: date) -> LeaveRow | None:
    """A pending or approved leave of the person's that shares a day with these."""
    open_states = (leave_pb2.LEAVE_STATE_PENDING, leave_pb2.LEAVE_STATE_APPROVED)
    return next((row for row in leave_of(session, user_id, first, last) if row.state in open_states), None)


def leave_of_site(session: Session, site_code: str, first: date, last: date) -> list[LeaveRow]:
    return list(
        session.exec(
            select(LeaveRow)
            .where(LeaveRow.site_code == site_code, LeaveRow.start_on <= last, LeaveRow.end_on >= first)
            .order_by(col(LeaveRow.start_on), col(LeaveRow.leave_id))
        ).all()
    )


def open_rotation(session: Session, window_code: str, states: Sequence[int]) -> RotationRow | None:
    return session.exec(
        select(RotationRow).where(RotationRow.window_code == window_code, col(RotationRow.state).in_(states))
    ).first()


def rotations_of_site(session: Session, site_code: str) -> list[RotationRow]:
    return list(
        session.exec(
            select(RotationRow)
            .where(RotationRow.site_code == site_code)
            .order_by(col(RotationRow.rotation_id).desc())
        ).all()
    )
