"""The time-limit ladder (限时办结, DOMAIN.md "Supervision"): reminder, yellow card, red card.

On the case clock (working days; pauses not counted): a reminder when the days left reach the
lead (1 for limits up to 5 days, 2 up to 10, 3 beyond); a yellow card on the first overdue day,
ordering the case finished within `order_days` more working days; a red card when it is still
not done after them. Each fires once per case, never while the clock is paused. A review step
that ran over its own limit while the case was not overdue is a yellow card too, once per step.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from tongban.approval.v1 import events_pb2 as approval_events

from services.common.calendar import CalendarDataMissing, WorkingCalendar
from services.supervision.hookspecs import hookimpl
from services.supervision.rule_types import Finding, ReceivedEvent, Severity, WatchedCase
from services.supervision.rulebook import Rule

REMINDER, YELLOW, RED = "reminder", "yellow", "red"


class TimeLimitParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Working days a yellow card gives to finish the case.
    order_days: int = Field(default=3, ge=1, le=20)


def reminder_lead(budget_days: int) -> int:
    """Working days before the deadline the reminder comes (DOMAIN.md)."""
    return 1 if budget_days <= 5 else 2 if budget_days <= 10 else 3


class TimeLimitRule(Rule):
    """时限预警：到期提醒、超期黄牌、黄牌限期未办结红牌"""

    Parameters = TimeLimitParameters

    @property
    def order_days(self) -> int:
        assert isinstance(self.parameters, TimeLimitParameters)
        return self.parameters.order_days

    def _ladder(self, budget_days: int) -> list[tuple[str, int]]:
        """The stages in order, each with the days left on the clock from which it is due."""
        return [(REMINDER, reminder_lead(budget_days)), (YELLOW, -1), (RED, -2 - self.order_days)]

    def _now_and_next(self, case: WatchedCase, left: int) -> tuple[str | None, tuple[str, int] | None]:
        """The stage the clock is in (None before the reminder) and the one after it. A stage the
        clock went past unswept (a late sweep) is skipped, never fired late."""
        current: str | None = None
        following: tuple[str, int] | None = None
        for key, threshold in self._ladder(case.budget_days):
            if left <= threshold:
                current = key
            elif following is None:
                following = (key, threshold)
        return current, following

    @hookimpl
    def tongban_rule_next_check(self, case: WatchedCase, calendar: WorkingCalendar) -> date | None:
        clock = case.clock
        if clock is None or case.closed or clock.paused:
            return None
        current, following = self._now_and_next(case, clock.days_left)
        if current is not None and not case.has_fired(self.name, current):
            return case.today
        if following is None:
            return None
        # The clock uses one day a working day: the next stage is due that many working days on.
        try:
            return calendar.add_working_days(case.today, clock.days_left - following[1])
        except CalendarDataMissing:
            # Looked at again once the calendar reaches further (the calendar rule says why).
            return calendar.known_through()

    @hookimpl
    def tongban_rule_sweep_case(self, case: WatchedCase, calendar: WorkingCalendar) -> list[Finding]:
        clock = case.clock
        if clock is None or case.closed or clock.paused:
            return []
        left = clock.days_left
        current, _ = self._now_and_next(case, left)
        if current is None or case.has_fired(self.name, current):
            return []
        due = clock.due_on.isoformat() if clock.due_on else "（日历未载入）"
        if current == RED:
            return [
                case.finding(
                    self.name, RED, Severity.ALERT_SEVERITY_RED_CARD,
                    f"黄牌限期内仍未办结（时限至 {due}，已超期 {-left} 个工作日），部门须书面说明",
                )
            ]  # fmt: skip
        if current == YELLOW:
            finish_by = _finish_by(calendar, case, self.order_days + left + 1)
            return [
                case.finding(
                    self.name, YELLOW, Severity.ALERT_SEVERITY_YELLOW_CARD,
                    f"办件超期（时限至 {due}），限 {finish_by or '（日历未载入）'} 前办结",
                    finish_by=finish_by,
                )
            ]  # fmt: skip
        return [
            case.finding(
                self.name, REMINDER, Severity.ALERT_SEVERITY_REMINDER,
                f"距办理时限还剩 {left} 个工作日（时限至 {due}）",
            )
        ]  # fmt: skip

    @hookimpl
    def tongban_rule_event(self, event: ReceivedEvent, case: WatchedCase | None) -> list[Finding]:
        step = event.payload
        if not isinstance(step, approval_events.ReviewStepCompleted) or case is None:
            return []
        over = step.step_used_days - step.step_limit_days
        overdue_case = case.clock is not None and case.clock.overdue
        key = f"step-{step.step_number}"
        if step.step_limit_days <= 0 or over <= 0 or overdue_case or case.has_fired(self.name, key):
            return []
        return [
            case.finding(
                self.name, key, Severity.ALERT_SEVERITY_YELLOW_CARD,
                f"审查环节「{step.step_name}」超时 {over} 个工作日"
                f"（环节时限 {step.step_limit_days} 个工作日）",
                user_id=step.completed_by,
            )
        ]  # fmt: skip


def _finish_by(calendar: WorkingCalendar, case: WatchedCase, days: int) -> date | None:
    try:
        return calendar.add_working_days(case.today, max(days, 0))
    except CalendarDataMissing:
        return None
