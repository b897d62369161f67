"""Reviews (好差评, DOMAIN.md "Supervision"): a bad review (不满意 or 非常不满意) is a finding the
department must verify and put right by its rectification day (5 working days after the review);
still unanswered the working day after, it is escalated.
"""

from __future__ import annotations

from datetime import date

from tongban.supervision.v1 import events_pb2 as supervision_events
from tongban.supervision.v1 import supervision_pb2

from services.common.calendar import CalendarDataMissing, WorkingCalendar
from services.supervision.hookspecs import hookimpl
from services.supervision.rule_types import Finding, ReceivedEvent, ReviewFacts, Severity, WatchedCase
from services.supervision.rulebook import Rule

BAD = (supervision_pb2.REVIEW_RATING_DISSATISFIED, supervision_pb2.REVIEW_RATING_VERY_DISSATISFIED)
BAD_REVIEW, OVERDUE = "bad-review", "rectification-overdue"


def _unanswered(case: WatchedCase) -> ReviewFacts | None:
    return next((r for r in case.reviews if r.rating in BAD and not r.rectified and r.rectify_by), None)


class ReviewRule(Rule):
    """好差评：差评须限期整改，逾期升级督办"""

    @hookimpl
    def tongban_rule_event(self, event: ReceivedEvent, case: WatchedCase | None) -> list[Finding]:
        review = event.payload
        if (
            not isinstance(review, supervision_events.ReviewSubmitted)
            or case is None
            or review.rating not in BAD
        ):
            return []
        facts = next((r for r in case.reviews if r.review_id == review.review_id), None)
        if facts is None or case.has_fired(self.name, BAD_REVIEW):
            return []
        grade = supervision_pb2.ReviewRating.Name(review.rating)
        words = "非常不满意" if grade.endswith("VERY_DISSATISFIED") else "不满意"
        return [
            case.finding(
                self.name, BAD_REVIEW, Severity.ALERT_SEVERITY_VIOLATION,
                f"差评（{words}）：部门须核实并于 {facts.rectify_by} 前整改",
                finish_by=facts.rectify_by,
            )
        ]  # fmt: skip

    @hookimpl
    def tongban_rule_next_check(self, case: WatchedCase, calendar: WorkingCalendar) -> date | None:
        review = _unanswered(case)
        if review is None or review.rectify_by is None or case.has_fired(self.name, OVERDUE):
            return None
        try:
            return calendar.add_working_days(review.rectify_by, 1)
        except CalendarDataMissing:
            return calendar.known_through()

    @hookimpl
    def tongban_rule_sweep_case(self, case: WatchedCase) -> list[Finding]:
        review = _unanswered(case)
        if review is None or review.rectify_by is None or case.today <= review.rectify_by:
            return []
        if case.has_fired(self.name, OVERDUE):
            return []
        return [
            case.finding(
                self.name, OVERDUE, Severity.ALERT_SEVERITY_YELLOW_CARD,
                f"差评逾期未整改（应于 {review.rectify_by} 前），升级督办",
            )
        ]  # fmt: skip
