"""Who is on duty at a window on a day (DOMAIN.md, "Staff"): a one-person department's A post,
or its B post while A is on approved leave (until the return is reported) or out of post (account
disabled, returned to the original unit), and A again once back; otherwise the window's staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select
from tongban.staff.v1 import organisation_pb2

from services.staff import repository
from services.staff.leave_queries import on_leave
from services.staff.models import AccountRow, StaffRow, WindowRow

G = organisation_pb2


@dataclass(frozen=True)
class Duty:
    user_id: str
    reason: G.DutyReason


def _in_post(session: Session, user_id: str) -> bool:
    """The person is in post and may sign in."""
    member = repository.member(session, user_id)
    account = session.get(AccountRow, user_id)
    return member is not None and member.active and not (account is not None and account.disabled)


def _present(session: Session, user_id: str, day: date) -> bool:
    return _in_post(session, user_id) and not on_leave(session, user_id, day)


def on_duty(session: Session, window: WindowRow, day: date) -> Duty:
    department = window.department_code
    posts = repository.posts(session, window.site_code, department) if department else None
    if posts is not None and posts.a_post:
        if _present(session, posts.a_post, day):
            return Duty(posts.a_post, G.DUTY_REASON_A_POST)
        away = G.DUTY_REASON_A_ON_LEAVE if on_leave(session, posts.a_post, day) else G.DUTY_REASON_A_ABSENT
        if posts.b_post and _present(session, posts.b_post, day):
            return Duty(posts.b_post, away)
        return Duty("", G.DUTY_REASON_NOBODY)
    staff = session.exec(
        select(StaffRow.user_id)
        .where(StaffRow.window_code == window.code, col(StaffRow.active))
        .order_by(col(StaffRow.user_id))
    ).all()
    present = [user for user in staff if _present(session, user, day)]
    if present:
        return Duty(present[0], G.DUTY_REASON_WINDOW_STAFF)
    return Duty("", G.DUTY_REASON_NOBODY)
