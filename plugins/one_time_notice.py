"""One-time notice (一次性告知, 行政许可法 Art. 32, DOMAIN.md): everything to supplement is told at
once, within `notice_days` working days of receipt. A second notice on the same case, or a first
one told later than that, is a violation by the window.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field
from tongban.acceptance.v1 import events_pb2 as acceptance_events
from tongban.supervision.v1 import events_pb2 as supervision_events

from services.common.calendar import CalendarDataMissing, WorkingCalendar
from services.supervision.hookspecs import hookimpl
from services.supervision.rule_types import Finding, ReceivedEvent, Severity, WatchedCase, day_of
from services.supervision.rulebook import Rule


class OneTimeNoticeParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Art. 32: on the spot or within 5 days.
    notice_days: int = Field(default=5, ge=0, le=20)


class OneTimeNoticeRule(Rule):
    """一次性告知：重复告知、超期告知"""

    Parameters = OneTimeNoticeParameters

    @hookimpl
    def tongban_rule_event(
        self, event: ReceivedEvent, case: WatchedCase | None, calendar: WorkingCalendar
    ) -> list[Finding]:
        notice = event.payload
        if not isinstance(notice, acceptance_events.CaseSupplementRequested) or case is None:
            return []
        assert isinstance(self.parameters, OneTimeNoticeParameters)
        found: list[Finding] = []
        if notice.notice_count >= 2 or notice.repeated_notice:
            found.append(
                case.finding(
                    self.name, f"repeat-{notice.notice_count}", Severity.ALERT_SEVERITY_VIOLATION,
                    f"同一办件第 {notice.notice_count} 次补正告知，违反一次性告知制度",
                )
            )  # fmt: skip
        received, notified = day_of(notice.received_on), day_of(notice.notified_on)
        try:
            waited = calendar.working_days_between(received, notified) if received and notified else 0
        except CalendarDataMissing:
            waited = 0
        if waited > self.parameters.notice_days and not case.has_fired(self.name, "late") and received:
            late = case.finding(
                self.name, "late", Severity.ALERT_SEVERITY_VIOLATION,
                f"收件后第 {waited} 个工作日才一次性告知"
                f"（应在 {self.parameters.notice_days} 个工作日内），"
                f"依法自收件之日（{received}）起即为受理",
            )  # fmt: skip
            # Art. 32: acceptance is told, so the case and its clock follow the law.
            deemed = supervision_events.CaseDeemedAccepted(
                case_no=case.case_no, accepted_from=received.isoformat()
            )
            found.append(replace(late, events=(deemed,)))
        return [f for f in found if not case.has_fired(self.name, f.key)]
