"""The organisation, accounts and the calendar, for administrators and township officers."""

from __future__ import annotations

from tongban.acceptance.v1 import catalog_pb2
from tongban.staff.v1 import accounts_pb2, calendar_pb2, leave_pb2, organisation_pb2

from tongban_cli.render.tables import one_line, table
from tongban_cli.render.text import label, local_time

G = organisation_pb2


def sites(response: organisation_pb2.ListSitesResponse) -> str:
    lines: list[str] = []
    for site in response.sites:
        parent = f"，上级 {site.parent_code}" if site.parent_code else ""
        lines.append(f"{site.code}  {site.name}（{label(catalog_pb2.SiteLevel, site.level)}{parent}）")
        if site.departments:
            lines.append("  派驻部门：" + "、".join(f"{d.name}({d.code})" for d in site.departments))
        rows = [
            [
                w.code,
                one_line(w.name),
                label(G.WindowKind, w.kind),
                w.department_code or "-",
                " ".join(w.opening_hours) or "-",
                ("已关闭" if w.closed else "开放")
                + (f"，{len(w.matter_codes)} 项事项" if w.matter_codes else ""),
            ]
            for w in site.windows
        ]
        lines += ["  " + line for line in table(["窗口", "名称", "类型", "部门", "办公时间", "状态"], rows)]
    return "\n".join(lines) or "没有站点。"


def _account(state: organisation_pb2.AccountState) -> str:
    if state.disabled:
        return "已停用"
    if state.locked_until:
        return f"锁定至 {state.locked_until[:16].replace('T', ' ')}"
    if not state.has_password:
        return "未设密码"
    return "需改密码" if state.must_change_password else "正常"


def staff_list(response: organisation_pb2.ListStaffResponse) -> str:
    if not response.staff:
        return "没有人员。"
    rows = [
        [
            m.user_id,
            one_line(m.name),
            m.site_code,
            m.window_code or "-",
            "、".join(label(G.StaffRole, r) for r in m.roles),
            m.posted_on,
            ("在岗" if m.active else "已退回") + "/" + _account(m.account),
        ]
        for m in response.staff
    ]
    return "\n".join(table(["用户", "姓名", "站点", "窗口", "角色", "到岗日期", "状态"], rows))


def member(m: organisation_pb2.StaffMember) -> str:
    return "\n".join(
        [
            f"{m.user_id}  {m.name}（{'在岗' if m.active else '已退回原单位'}）",
            f"  派驻单位：{m.original_unit}",
            f"  站点 {m.site_code}  窗口 {m.window_code or '-'}  部门 {m.department_code or '-'}",
            f"  角色：{'、'.join(label(G.StaffRole, r) for r in m.roles)}",
            f"  到岗日期：{m.posted_on}",
            f"  账号：{_account(m.account)}",
        ]
    )


def duty(response: organisation_pb2.GetWindowDutyResponse) -> str:
    who = response.on_duty or "无人"
    return f"{response.day} 窗口 {response.window_code} 值守：{who}（{label(G.DutyReason, response.reason)}）"


def posts(response: organisation_pb2.SetPostsResponse) -> str:
    p = response.posts
    if p.chief_representative:
        return f"{p.site_code} {p.department_code}：首席代表 {p.chief_representative}"
    return f"{p.site_code} {p.department_code}：A岗 {p.a_post}，B岗 {p.b_post}"


def logged_in(user_id: str, response: accounts_pb2.LoginResponse) -> str:
    text = f"已登录：{user_id}，令牌有效至 {local_time(response.expire_time)}。"
    if response.must_change_password:
        text += "\n密码由管理员设置，请先修改：tongban passwd"
    return text


def calendar_year(response: calendar_pb2.GetCalendarYearResponse) -> str:
    year = response.year
    return "\n".join(
        [
            f"{year.year} 年：工作日 {response.working_days} 天（来源：{year.source}）",
            "放假：" + " ".join(day[5:] for day in year.holidays),
            "调休上班：" + (" ".join(day[5:] for day in year.makeup_workdays) or "无"),
        ]
    )


def day_changes(changes: list[calendar_pb2.DayChange]) -> str:
    if not changes:
        return "与现有日历相比没有变化的日子。"
    status = {True: "工作日", False: "休息日"}
    return "\n".join(
        [f"将改变 {len(changes)} 天："]
        + [f"  {c.day}  {status[c.working_before]} → {status[c.working_after]}" for c in changes]
    )


def preview(response: calendar_pb2.PreviewCalendarYearResponse) -> str:
    current = f"现有来源：{response.current.source}" if response.current.source else "该年尚未载入"
    return f"{current}；载入后全年工作日 {response.working_days} 天。\n{day_changes(list(response.changes))}"


def leave(item: leave_pb2.Leave) -> str:
    chain = " → ".join(label(leave_pb2.ApprovalLevel, level) for level in item.chain)
    done = "、".join(
        f"{label(leave_pb2.ApprovalLevel, a.level)}{'同意' if a.approved else '不同意'}（{a.decided_by}）"
        for a in item.approvals
    )
    lines = [
        f"请假单 {item.leave_id}  {item.user_id}  {item.start_on} 至 {item.end_on}，"
        f"{item.working_days} 个工作日  [{label(leave_pb2.LeaveState, item.state)}]",
        f"  审批：{chain}" + (f"；已办：{done}" if done else ""),
    ]
    if item.returned_on:
        lines.append(f"  销假：{item.returned_on}")
    return "\n".join(lines)


def leave_list(response: leave_pb2.ListLeaveResponse) -> str:
    lines = [leave(item) for item in response.leaves] or ["本季度没有请假。"]
    if response.totals:
        lines.append("本季度请假合计（工作日）：")
        lines += [
            "  " + line
            for line in table(["用户", "天数"], [[t.user_id, str(t.working_days)] for t in response.totals])
        ]
    return "\n".join(lines)
