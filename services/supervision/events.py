"""The events supervision consumes: every event of every service, kept as delivered, then shown
to the rules (services/supervision/supervising.py).

Recording runs inside the inbox's transaction (services.common.inbox), so each event is stored,
and each finding in it made, once however often it is delivered. Staff's calendar years also
update supervision's working-day calendar, at once and without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlmodel import Session
from tongban.events.v1 import event_pb2
from tongban.staff.v1 import events_pb2 as staff_events

from services.common.calendar_store import CalendarCopy
from services.common.consumers import payload_of
from services.common.inbox import event_columns
from services.common.rows import append_row
from services.supervision.models import ReceivedEventRow
from services.supervision.supervising import Supervising

CALENDAR_YEAR = staff_events.CalendarYearPublished.DESCRIPTOR.full_name


@dataclass
class EventRecorder:
    supervising: Supervising

    def record(self, session: Session, event: event_pb2.Event) -> None:
        """The inbox's handler: keep the event whole, whatever its type; let the rules see it."""
        append_row(
            session,
            ReceivedEventRow,
            **event_columns(event),
            occurred_at=event.occurred_time.ToDatetime(tzinfo=UTC),
            received_at=self.supervising.clock.now(),
            traceparent=event.traceparent,
            payload=event.SerializeToString(),
        )
        if event.payload.TypeName() == CALENDAR_YEAR:
            published = payload_of(event, staff_events.CalendarYearPublished)
            CalendarCopy(self.supervising.calendar).apply(session, event, published)
        self.supervising.on_event(session, event)
