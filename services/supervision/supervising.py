"""The rules at work: on each delivered event (inside the inbox's transaction) and on each case
the sweep reaches. Findings are stored as alerts; the case's next check is planned again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from google.protobuf import symbol_database
from google.protobuf.message import DecodeError, Message
from sqlmodel import Session
from tongban.events.v1 import event_pb2
from tongban.supervision.v1 import supervision_pb2 as S

from services.common import contracts  # noqa: F401 (imports every area's events: their types decode)
from services.common.calendar import WorkingCalendar
from services.common.case_tracing import case_span
from services.common.clock import Clock
from services.common.clock import today as today_of
from services.supervision import findings, watches
from services.supervision.models import AlertRow, CaseWatchRow
from services.supervision.rule_types import ReceivedEvent, WatchedCase
from services.supervision.rulebook import Rulebook


def decoded(event: event_pb2.Event) -> Message | None:
    """The payload as its own message, or None for a type this process does not know."""
    try:
        payload = symbol_database.Default().GetSymbol(event.payload.TypeName())()
    except KeyError:
        return None
    try:
        return payload if event.payload.Unpack(payload) else None
    except DecodeError:
        return None


@dataclass
class Supervising:
    rules: Rulebook
    calendar: WorkingCalendar
    clock: Clock

    def on_event(self, session: Session, event: event_pb2.Event) -> list[AlertRow]:
        """What the rules find in a delivered event (called once per event, by the inbox)."""
        payload = decoded(event)
        if payload is None:
            return []
        today = today_of(self.clock)
        watch = watches.take_in(session, payload, event.traceparent, today)
        case = watches.watched(session, watch, self.calendar, today) if watch else None
        found = self.rules.on_event(ReceivedEvent(event, payload), case, self.calendar)
        raised = findings.store(session, found, at=self.clock.now(), trace_id=watch.trace_id if watch else "")
        if watch is not None and case is not None:
            _traced(watch, raised)
            self._plan(watch, _with_fired(case, raised))
        return raised

    def sweep_case(self, session: Session, watch: CaseWatchRow, today: date) -> list[AlertRow]:
        """What the rules find on a case due for a look today; then its next look, tomorrow at
        the earliest (a rule asking for today again waits a day rather than loop)."""
        case = watches.watched(session, watch, self.calendar, today)
        found = self.rules.sweep_case(case, self.calendar)
        raised = findings.store(session, found, at=self.clock.now(), trace_id=watch.trace_id)
        _traced(watch, raised)
        self._plan(watch, _with_fired(case, raised), earliest=today + timedelta(days=1))
        return raised

    def sweep_day(self, session: Session, today: date) -> list[AlertRow]:
        return findings.store(session, self.rules.sweep_day(today, self.calendar), at=self.clock.now())

    def _plan(self, watch: CaseWatchRow, case: WatchedCase, *, earliest: date | None = None) -> None:
        due = self.rules.next_check(case, self.calendar)
        watch.next_check_on = max(due, earliest) if due and earliest else due


def _with_fired(case: WatchedCase, raised: list[AlertRow]) -> WatchedCase:
    """The case as the rules saw it, with the findings just stored: what the next check plans
    from (read once per event rather than again from the database)."""
    if not raised:
        return case
    fired = {rule: set(keys) for rule, keys in case.fired.items()}
    for alert in raised:
        if alert.case_no == case.case_no:
            fired.setdefault(alert.rule, set()).add(alert.finding_key)
    return replace(case, fired={rule: frozenset(keys) for rule, keys in fired.items()})


def _traced(watch: CaseWatchRow, raised: list[AlertRow]) -> None:
    """Each alert about the case is a span in the case's trace: the inspector's link to it."""
    if not (watch.trace_id and watch.root_span_id):
        return
    for alert in raised:
        with case_span("supervision.alert", watch) as span:
            span.set_attribute("tongban.rule", alert.rule)
            span.set_attribute("tongban.alert_id", alert.alert_id or 0)
            span.set_attribute("tongban.severity", S.AlertSeverity.Name(alert.severity))
