"""Who is on duty at a window on a day (DOMAIN.md, "Staff"): a one-person department's A post,
or its B post while A is on leave or absent, and A again once back; otherwise the window's staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select
from tongban.staff.v1 import organisation_pb2

from services.staff import repository
from services.staff.models import AccountRow, StaffRow, WindowRow

G = organisation_pb2


@dataclass(frozen=True)
class Duty:
    user_id: str
    reason: G.DutyReason


def _present(session: Session, user_id: str) -> bool:
    """The person is in post and may sign in."""
    member = repository.member(session, user_id)
    account = session.get(AccountRow, user_id)
    return member is not None and member.active and not (account is not None and account.disabled)


def on_duty(session: Session, window: WindowRow, day: date) -> Duty:
    posts = (
        repository.posts(session, window.site_code, window.department_code)
        if window.department_code
        else None
    )
    if posts is not None and posts.a_post:
        if _present(session, posts.a_post):
            return Duty(posts.a_post, G.DUTY_REASON_A_POST)
        if posts.b_post and _present(session, posts.b_post):
            return Duty(posts.b_post, G.DUTY_REASON_A_ABSENT)
        return Duty("", G.DUTY_REASON_NOBODY)
    staff = session.exec(
        select(StaffRow.user_id)
        .where(StaffRow.window_code == window.code, col(StaffRow.active))
        .order_by(col(StaffRow.user_id))
    ).all()
    present = [user for user in staff if _present(session, user)]
    if present:
        return Duty(present[0], G.DUTY_REASON_WINDOW_STAFF)
    return Duty("", G.DUTY_REASON_NOBODY)
