"""Leave: asked for, decided level by level up its chain, and the return reported (销假)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlmodel import Session
from tongban.staff.v1 import leave_pb2

from services.common import labels
from services.common.calendar import CalendarDataMissing
from services.common.calls import CallContext
from services.common.errors import (
    FieldProblem,
    StateProblem,
    calendar_missing,
    not_found,
    permission_denied,
    required,
    wrong_state,
)
from services.common.usecases import UseCases
from services.staff import events, leave_rules, repository
from services.staff.commands.checks import day_or, refuse
from services.staff.models import LeavePolicyRow, LeaveRow, StaffRow
from services.staff.scope import require_site

L = leave_pb2
_MANAGERS = frozenset({"centre_admin", "township_officer"})


def leave_view(row: LeaveRow) -> leave_pb2.Leave:
    return L.Leave(
        leave_id=row.leave_id or 0,
        user_id=row.user_id,
        site_code=row.site_code,
        start_on=row.start_on.isoformat(),
        end_on=row.end_on.isoformat(),
        working_days=row.working_days,
        reason=row.reason,
        state=row.state,  # type: ignore[arg-type]
        chain=[int(level) for level in row.chain.split()],  # type: ignore[misc]
        approvals=[L.LeaveApproval(**item) for item in json.loads(row.approvals)],
        returned_on=row.returned_on.isoformat() if row.returned_on else "",
    )


def policy_for(session: Session, site_code: str) -> leave_rules.Policy:
    """The site's chain, else its parent centre's, else DOMAIN.md's."""
    site = repository.site(session, site_code)
    for code in (site_code, site.parent_code if site else ""):
        row = session.get(LeavePolicyRow, code) if code else None
        if row is not None:
            return leave_rules.Policy(row.section_max_days, row.deputy_max_days)
    return leave_rules.Policy()


def _require_self_or_manager(session: Session, call: CallContext, person: StaffRow) -> None:
    if person.user_id == call.caller.user_id:
        return
    if not call.caller.roles & _MANAGERS:
        raise permission_denied("只能为自己请假、销假 / only your own leave")
    require_site(session, call, person.site_code)


def _person(session: Session, user_id: str) -> StaffRow:
    person = repository.member(session, user_id)
    if person is None or not person.active:
        raise not_found("staff", user_id, f"没有在岗人员 {user_id} / no such member of staff in post")
    return person


def _leave(session: Session, leave_id: int) -> LeaveRow:
    row = session.get(LeaveRow, leave_id, with_for_update=True)
    if row is None:
        raise not_found("leave", str(leave_id), f"没有请假单 {leave_id} / no such leave")
    return row


def request(uc: UseCases, call: CallContext, req: L.RequestLeaveRequest) -> L.RequestLeaveResponse:
    def use_case(session: Session) -> L.RequestLeaveResponse:
        person = _person(session, req.user_id or call.caller.user_id)
        _require_self_or_manager(session, call, person)
        problems = required(req.start_on, "start_on", "开始日期") + required(req.end_on, "end_on", "结束日期")
        problems += required(req.reason, "reason", "请假事由")
        start = day_or(req.start_on, "start_on", date.min, problems)
        end = day_or(req.end_on, "end_on", date.min, problems)
        if not problems and end < start:
            problems.append(FieldProblem("end_on", "不能早于开始日期 / not before start_on"))
        refuse("请假单填写有误 / the leave request is incomplete", problems)
        try:
            days = leave_rules.working_days(uc.calendar, start, end)
        except CalendarDataMissing as missing:
            raise calendar_missing(missing.year) from None
        refuse(
            "所请日期没有工作日 / no working day in these dates",
            [FieldProblem("start_on", "至少包含一个工作日 / at least one working day")] if days == 0 else [],
        )
        clash = repository.overlapping_leave(session, person.user_id, start, end)
        if clash is not None:
            raise wrong_state(
                f"与请假单 {clash.leave_id} 的日期重叠 / overlaps leave {clash.leave_id}",
                [StateProblem(str(clash.leave_id), "overlapping leave", "LEAVE")],
            )
        row = LeaveRow(
            user_id=person.user_id,
            site_code=person.site_code,
            start_on=start,
            end_on=end,
            working_days=days,
            reason=req.reason.strip(),
            state=L.LEAVE_STATE_PENDING,
            chain=" ".join(
                str(level) for level in leave_rules.chain(policy_for(session, person.site_code), days)
            ),
            requested_by=call.caller.user_id,
            requested_at=uc.clock.now(),
        )
        session.add(row)
        session.flush()
        return L.RequestLeaveResponse(leave=leave_view(row))

    return uc.once(call, "RequestLeave", req, L.RequestLeaveResponse, use_case)


def _next_level(row: LeaveRow) -> int | None:
    done = len(json.loads(row.approvals))
    levels = row.chain.split()
    return int(levels[done]) if done < len(levels) else None


def decide(uc: UseCases, call: CallContext, req: L.DecideLeaveRequest) -> L.DecideLeaveResponse:
    def use_case(session: Session) -> L.DecideLeaveResponse:
        row = _leave(session, req.leave_id)
        require_site(session, call, row.site_code)
        if row.user_id == call.caller.user_id:
            raise permission_denied("不能审批自己的请假 / you cannot decide your own leave")
        if row.state != L.LEAVE_STATE_PENDING:
            state = labels.zh(L.LeaveState, row.state)
            raise wrong_state(
                f"请假单 {row.leave_id} {state}, 不再审批 / leave {row.leave_id} is decided already",
                [StateProblem(str(row.leave_id), state, "LEAVE_STATE")],
            )
        wanted = _next_level(row)
        if req.level != wanted:
            name, english = labels.zh(L.ApprovalLevel, wanted or 0), labels.en(L.ApprovalLevel, wanted or 0)
            refuse(
                f"该请假单下一步由「{name}」审批 / the leave waits for the {english}",
                [FieldProblem("level", f"下一步: {name}")],
            )
        approvals = json.loads(row.approvals)
        approvals.append(
            {
                "level": req.level,
                "approved": req.approve,
                "decided_by": call.caller.user_id,
                "note": req.note.strip(),
            }
        )
        row.approvals = json.dumps(approvals, ensure_ascii=False)
        if not req.approve:
            row.state = L.LEAVE_STATE_REFUSED
        elif _next_level(row) is None:
            row.state = L.LEAVE_STATE_APPROVED
            person = repository.member(session, row.user_id)
            events.leave_approved(session, row, person.window_code if person else "", uc.clock.now())
        session.add(row)
        return L.DecideLeaveResponse(leave=leave_view(row))

    return uc.once(call, "DecideLeave", req, L.DecideLeaveResponse, use_case)


def report_return(uc: UseCases, call: CallContext, req: L.ReportReturnRequest) -> L.ReportReturnResponse:
    def use_case(session: Session) -> L.ReportReturnResponse:
        row = _leave(session, req.leave_id)
        _require_self_or_manager(session, call, _person(session, row.user_id))
        if row.state != L.LEAVE_STATE_APPROVED:
            state = labels.zh(L.LeaveState, row.state)
            raise wrong_state(
                f"请假单 {row.leave_id} {state}, 不能销假 / only approved leave is returned from",
                [StateProblem(str(row.leave_id), state, "LEAVE_STATE")],
            )
        problems: list[FieldProblem] = []
        back = day_or(req.returned_on, "returned_on", uc.today(), problems)
        if not problems and not row.start_on <= back <= row.end_on + timedelta(days=1):
            problems.append(FieldProblem("returned_on", "须在请假期间或结束后次日 / within the leave"))
        refuse("销假日期有误 / the return date is wrong", problems)
        row.state = L.LEAVE_STATE_RETURNED
        row.returned_on = back
        session.add(row)
        events.leave_returned(session, row, uc.clock.now())
        return L.ReportReturnResponse(leave=leave_view(row))

    return uc.once(call, "ReportReturn", req, L.ReportReturnResponse, use_case)


def set_policy(uc: UseCases, call: CallContext, req: L.SetLeavePolicyRequest) -> L.SetLeavePolicyResponse:
    def use_case(session: Session) -> L.SetLeavePolicyResponse:
        problems = required(req.site_code, "site_code", "站点")
        if req.site_code and repository.site(session, req.site_code) is None:
            problems.append(FieldProblem("site_code", "站点未登记 / not a registered site"))
        if not 1 <= req.section_max_days <= req.deputy_max_days:
            problems.append(
                FieldProblem("deputy_max_days", "不少于业务科室的天数 / at least section_max_days")
            )
        refuse("请假审批设置有误 / the leave policy is wrong", problems)
        row = session.get(LeavePolicyRow, req.site_code) or LeavePolicyRow(site_code=req.site_code)
        row.section_max_days, row.deputy_max_days = req.section_max_days, req.deputy_max_days
        session.add(row)
        return L.SetLeavePolicyResponse(
            site_code=row.site_code,
            section_max_days=row.section_max_days,
            deputy_max_days=row.deputy_max_days,
        )

    return uc.once(call, "SetLeavePolicy", req, L.SetLeavePolicyResponse, use_case)
