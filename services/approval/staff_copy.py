"""Approval's copy of the staff service's people, fed by StaffMemberChanged events, and the rule
it serves: a step is reassigned only to someone in post who could act on it (the step's
department and role, or for the township's initial review the accepting site's clerks)."""

from __future__ import annotations

from sqlmodel import Session
from tongban.events.v1 import event_pb2
from tongban.staff.v1 import events_pb2 as staff_events
from tongban.staff.v1 import organisation_pb2

from services.approval.models import StaffCopyRow, StepRow
from services.common.access import role_name

# Staff roles that are token roles too (services/staff/roles.py holds the same mapping for tokens).
_TOKEN_ROLES = {
    organisation_pb2.STAFF_ROLE_CLERK: "clerk",
    organisation_pb2.STAFF_ROLE_REVIEWER: "reviewer",
    organisation_pb2.STAFF_ROLE_TOWNSHIP_OFFICER: "township_officer",
    organisation_pb2.STAFF_ROLE_CENTRE_ADMIN: "centre_admin",
    organisation_pb2.STAFF_ROLE_INSPECTOR: "inspector",
    organisation_pb2.STAFF_ROLE_CATALOGUE_OFFICER: "catalogue_officer",
}


def member_changed(
    session: Session, _event: event_pb2.Event, member: staff_events.StaffMemberChanged
) -> None:
    row = session.get(StaffCopyRow, member.user_id) or StaffCopyRow(user_id=member.user_id, site_code="")
    row.site_code, row.window_code = member.site_code, member.window_code
    row.department_code = member.department_code
    row.roles = " ".join(sorted({_TOKEN_ROLES[r] for r in member.roles if r in _TOKEN_ROLES}))
    row.active = member.active and member.account_enabled
    session.add(row)


def reassignment_problem(session: Session, user_id: str, step: StepRow) -> str | None:
    """Why the step may not go to this person, or None (Chinese / English, naming no person)."""
    target = session.get(StaffCopyRow, user_id)
    if target is None or not target.active:
        return f"{user_id} 不是在岗人员 / {user_id} is not a member of staff in post"
    if role_name(step.role) not in target.roles.split():
        return f"{user_id} 不承担「{step.name}」环节的角色 / {user_id} does not have this step's role"
    if step.department_code and target.department_code != step.department_code:
        return (
            f"{user_id} 不属于本环节的部门 {step.department_code} / "
            f"{user_id} is outside the step's department {step.department_code}"
        )
    if not step.department_code and target.site_code != step.site_code:
        return f"{user_id} 不属于受理站点 {step.site_code} / {user_id} is outside the site {step.site_code}"
    return None
