"""Repeated lateness (DOMAIN.md "Supervision"): when a department's two latest completed cases both
ran over, the one completing the pair brings a proposal for public criticism (通报批评)."""

from __future__ import annotations

from tongban.acceptance.v1 import events_pb2 as A
from tongban.approval.v1 import events_pb2 as P

from services.supervision.hookspecs import hookimpl
from services.supervision.rule_types import Finding, ReceivedEvent, Severity, WatchedCase
from services.supervision.rulebook import Rule

KEY = "consecutive-late"
_COMPLETING = (P.ReviewDecided, A.CaseResultIssued, A.CaseCompleted)


class RepeatedLatenessRule(Rule):
    """连续超期：同一部门连续两件超期办结，建议通报批评"""

    @hookimpl
    def tongban_rule_event(self, event: ReceivedEvent, case: WatchedCase | None) -> list[Finding]:
        if not isinstance(event.payload, _COMPLETING) or case is None or case.has_fired(self.name, KEY):
            return []
        if case.department_recent_on_time[:2] != (False, False):
            return []
        return [
            case.finding(
                self.name, KEY, Severity.ALERT_SEVERITY_VIOLATION,
                f"部门 {case.department_code} 连续两件办件超期办结：建议通报批评",
            )
        ]  # fmt: skip
