"""Attendance (DOMAIN.md "Staff" and "Supervision"), from the staff service's events: late arrival
and early leave beyond `grace_minutes`, and absence, are findings against the person with their
deductions; a window with nobody on duty in its opening hours is a finding against the window.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from tongban.staff.v1 import events_pb2 as staff_events

from services.supervision.hookspecs import hookimpl
from services.supervision.rule_types import Finding, ReceivedEvent, Severity
from services.supervision.rulebook import Rule

V = Severity.ALERT_SEVERITY_VIOLATION


class AttendanceParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Minutes late (or early) let pass before it counts.
    grace_minutes: int = Field(default=0, ge=0, le=60)
    late_points: int = Field(default=1, ge=0, le=100)
    early_points: int = Field(default=1, ge=0, le=100)
    absence_points: int = Field(default=2, ge=0, le=100)


class AttendanceRule(Rule):
    """考勤：迟到、早退、缺勤，窗口无人值守"""

    Parameters = AttendanceParameters

    @hookimpl
    def tongban_rule_event(self, event: ReceivedEvent) -> list[Finding]:
        p = self.parameters
        assert isinstance(p, AttendanceParameters)
        seen = event.payload
        if isinstance(seen, staff_events.LateArrival) and seen.minutes_late > p.grace_minutes:
            what, key, points = f"迟到 {seen.minutes_late} 分钟（{seen.day}）", "late", p.late_points
        elif isinstance(seen, staff_events.EarlyLeave) and seen.minutes_early > p.grace_minutes:
            what, key, points = f"早退 {seen.minutes_early} 分钟（{seen.day}）", "early", p.early_points
        elif isinstance(seen, staff_events.Absence):
            what, key, points = f"缺勤（{seen.day}）", "absent", p.absence_points
        elif isinstance(seen, staff_events.WindowUnattended):
            span = "全天" if seen.whole_day else f"{seen.unattended_minutes} 分钟"
            return [
                Finding(
                    rule=self.name, key=f"unattended-{seen.window_code}-{seen.day}", severity=V,
                    summary=f"窗口开放时间内无人值守 {span}（{seen.day}）", site_code=seen.site_code,
                    department_code=seen.department_code, window_code=seen.window_code,
                )
            ]  # fmt: skip
        else:
            return []
        return [
            Finding(
                rule=self.name, key=f"{key}-{seen.user_id}-{seen.day}", severity=V,
                summary=f"{what}：扣 {points} 分", site_code=seen.site_code, window_code=seen.window_code,
                user_id=seen.user_id, points=points,
            )
        ]  # fmt: skip
