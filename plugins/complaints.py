"""Complaints (投诉, DOMAIN.md "Supervision"): each is accepted or refused by its answer day (5
working days after it was registered); one still unanswered the working day after is a finding.
"""

from __future__ import annotations

from datetime import date

from services.common.calendar import CalendarDataMissing, WorkingCalendar
from services.supervision.hookspecs import hookimpl
from services.supervision.rule_types import ComplaintFacts, Finding, Severity, WatchedCase
from services.supervision.rulebook import Rule


def _key(complaint: ComplaintFacts) -> str:
    return f"complaint-{complaint.complaint_id}-overdue"


class ComplaintRule(Rule):
    """投诉：逾期未受理或不予受理"""

    def _waiting(self, case: WatchedCase) -> list[ComplaintFacts]:
        return [c for c in case.complaints if not c.answered and not case.has_fired(self.name, _key(c))]

    @hookimpl
    def tongban_rule_next_check(self, case: WatchedCase, calendar: WorkingCalendar) -> date | None:
        waiting = self._waiting(case)
        if not waiting:
            return None
        try:
            return calendar.add_working_days(min(c.answer_by for c in waiting), 1)
        except CalendarDataMissing:
            return calendar.known_through()

    @hookimpl
    def tongban_rule_sweep_case(self, case: WatchedCase) -> list[Finding]:
        return [
            case.finding(
                self.name, _key(c), Severity.ALERT_SEVERITY_VIOLATION,
                f"投诉 {c.complaint_id} 逾期未处理（应于 {c.answer_by} 前受理或不予受理）",
            )
            for c in self._waiting(case)
            if case.today > c.answer_by
        ]  # fmt: skip
