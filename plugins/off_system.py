"""No work outside the system (杜绝体外循环, DOMAIN.md): a decision or a result issued for a case
that was never received or accepted in the system. Events of different services may arrive out
of order, so the rule waits `grace_days` working days for the acceptance before it finds.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.common.calendar import CalendarDataMissing, WorkingCalendar
from services.supervision.hookspecs import hookimpl
from services.supervision.rule_types import Finding, Severity, WatchedCase
from services.supervision.rulebook import Rule

KEY = "no-acceptance"


class OffSystemParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    grace_days: int = Field(default=1, ge=0, le=10)


class OffSystemRule(Rule):
    """体外循环：无受理记录的决定或出件"""

    Parameters = OffSystemParameters

    def _suspect(self, case: WatchedCase) -> bool:
        return case.closed and not case.acceptance_seen and not case.has_fired(self.name, KEY)

    @hookimpl
    def tongban_rule_next_check(self, case: WatchedCase, calendar: WorkingCalendar) -> date | None:
        if not self._suspect(case):
            return None
        assert isinstance(self.parameters, OffSystemParameters)
        try:
            return calendar.add_working_days(case.first_seen_on, self.parameters.grace_days)
        except CalendarDataMissing:
            return calendar.known_through()

    @hookimpl
    def tongban_rule_sweep_case(self, case: WatchedCase, calendar: WorkingCalendar) -> list[Finding]:
        if not self._suspect(case):
            return []
        assert isinstance(self.parameters, OffSystemParameters)
        try:
            waited = calendar.working_days_between(case.first_seen_on, case.today)
        except CalendarDataMissing:
            return []
        if waited < self.parameters.grace_days:
            return []
        return [
            case.finding(
                self.name, KEY, Severity.ALERT_SEVERITY_VIOLATION,
                "办件有决定或出件记录，却无收件、受理记录：疑似体外循环",
            )
        ]  # fmt: skip
