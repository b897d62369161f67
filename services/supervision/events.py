"""The events supervision consumes: every event of every service, kept as delivered, then shown
to the rules (services/supervision/supervising.py).

Recording runs inside the inbox's transaction (services.common.inbox), so each event is stored,
and each finding in it made, once however often it is delivered. Staff's calendar years also
update supervision's working-day calendar, at once and without a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session
from tongban.events.v1 import event_pb2
from tongban.staff.v1 import events_pb2 as staff_events

from services.common.calendar_store import CalendarCopy
from services.common.consumers import payload_of
from services.common.inbox import event_columns
from services.common.rows import append_row, append_rows
from services.supervision import watches
from services.supervision.models import ReceivedEventRow
from services.supervision.supervising import Supervising

CALENDAR_YEAR = staff_events.CalendarYearPublished.DESCRIPTOR.full_name


@dataclass
class EventRecorder:
    supervising: Supervising

    def record(self, session: Session, event: event_pb2.Event) -> None:
        """The inbox's handler: keep the event whole, whatever its type; let the rules see it."""
        if event.event_id not in session.info.get(_KEPT, ()):
            append_row(session, ReceivedEventRow, **self._row(event, self.supervising.clock.now()))
        if event.payload.TypeName() == CALENDAR_YEAR:
            published = payload_of(event, staff_events.CalendarYearPublished)
            CalendarCopy(self.supervising.calendar).apply(session, event, published)
        self.supervising.on_event(session, event)

    def prepare(self, session: Session, events: Sequence[event_pb2.Event]) -> None:
        """The inbox's read-ahead for a batch applied at once: every event kept in one statement, and
        the watches of the cases they are about locked in one query. A case event's aggregate is
        its case number (an aggregate that is none matches no watch)."""
        now = self.supervising.clock.now()
        append_rows(session, ReceivedEventRow, [self._row(event, now) for event in events])
        session.info.setdefault(_KEPT, set()).update(event.event_id for event in events)
        watches.lock_watches(session, (event.aggregate_id for event in events))

    @staticmethod
    def _row(event: event_pb2.Event, received_at: datetime) -> dict[str, Any]:
        return {
            **event_columns(event),
            "occurred_at": event.occurred_time.ToDatetime(tzinfo=UTC),
            "received_at": received_at,
            "traceparent": event.traceparent,
            "payload": event.SerializeToString(),
        }


# The ids of the events `prepare` kept, in the session's `info` (the session is the batch's).
_KEPT = "supervision.kept_events"
