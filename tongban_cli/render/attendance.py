"""Attendance as a window's staff and its managers read it."""

from __future__ import annotations

from tongban.staff.v1 import attendance_pb2

from tongban_cli.render.tables import table
from tongban_cli.render.text import label

A = attendance_pb2


def _minutes(record: A.AttendanceRecord) -> str:
    parts = []
    if record.minutes_late:
        parts.append(f"迟到 {record.minutes_late} 分钟")
    if record.minutes_early:
        parts.append(f"早退 {record.minutes_early} 分钟")
    return "，".join(parts)


def checked(record: A.AttendanceRecord, checked_out: bool) -> str:
    verb, moment = ("签退", record.checked_out_at) if checked_out else ("签到", record.checked_in_at)
    window = f"窗口 {record.window_code}" if record.window_code else "无窗口"
    day = "工作日" if record.working_day else "休息日"
    detail = _minutes(record) or label(A.AttendanceStatus, record.status)
    return f"{record.user_id} {record.day} {moment} {verb}（{window}，{day}）：{detail}"


def day(response: A.ListAttendanceResponse) -> str:
    kind = "工作日" if response.working_day else "休息日"
    state = "已结算" if response.closed else "未结算"
    lines = [f"{response.site_code} {response.day}（{kind}，{state}）"]
    rows = [
        [
            r.user_id,
            r.window_code or "-",
            r.checked_in_at or "-",
            r.checked_out_at or "-",
            label(A.AttendanceStatus, r.status),
            _minutes(r) or "-",
        ]
        for r in response.records
    ]
    lines += (
        table(["用户", "窗口", "签到", "签退", "状态", "说明"], rows) if rows else ["没有需要考勤的人员。"]
    )
    if response.unattended:
        lines.append("无人值守的窗口：")
        lines += [
            f"  {u.window_code}  {'全天' if u.whole_day else f'{u.unattended_minutes} 分钟'}"
            for u in response.unattended
        ]
    return "\n".join(lines)


def closed(response: A.CloseDayResponse) -> str:
    if response.already_closed:
        head = f"{response.site_code} {response.day} 此前已结算，未再处理"
    else:
        head = f"{response.site_code} {response.day} 考勤已结算"
    if not response.working_day:
        return f"{head}：休息日，不计缺勤。"
    counts = f"缺勤 {response.absences} 人，无人值守窗口 {response.unattended_windows} 个"
    return f"{head}：{counts}（已报送电子监察）。"
