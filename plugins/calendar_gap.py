"""The working-day calendar (ARCHITECTURE.md, "Time"): from `from_month` on, next year's holidays
not yet loaded is a notice for the administrators, once a year; so is the current year missing.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.common.calendar import WorkingCalendar
from services.supervision.hookspecs import hookimpl
from services.supervision.rule_types import Finding, Severity
from services.supervision.rulebook import Rule

LOAD_HINT = "请中心管理员按国务院通知载入（tongban calendar load）"


class CalendarGapParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # The State Council publishes next year's holidays in autumn.
    from_month: int = Field(default=12, ge=1, le=12)


class CalendarGapRule(Rule):
    """工作日历：次年节假日安排未载入"""

    Parameters = CalendarGapParameters

    @hookimpl
    def tongban_rule_sweep_day(self, today: date, calendar: WorkingCalendar) -> list[Finding]:
        assert isinstance(self.parameters, CalendarGapParameters)
        years = [today.year] if not calendar.knows_year(today.year) else []
        if today.month >= self.parameters.from_month and not calendar.knows_year(today.year + 1):
            years.append(today.year + 1)
        return [
            Finding(
                rule=self.name, key=f"calendar-{year}", severity=Severity.ALERT_SEVERITY_NOTICE,
                summary=f"{year} 年工作日历（节假日与调休）尚未载入：{LOAD_HINT}",
            )
            for year in years
        ]  # fmt: skip
