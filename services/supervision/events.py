"""The events supervision consumes: every event of every service, kept as delivered.

Recording runs inside the inbox's transaction (services.common.inbox), so each event is
stored once however often it is delivered. The rules that turn events into findings come
with the supervision rules (plugins/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlmodel import Session
from tongban.events.v1 import event_pb2

from services.common.clock import Clock
from services.supervision.models import ReceivedEventRow


@dataclass
class EventRecorder:
    clock: Clock

    def record(self, session: Session, event: event_pb2.Event) -> None:
        """The inbox's handler: keep the event whole, whatever its type."""
        session.add(
            ReceivedEventRow(
                event_id=event.event_id,
                event_type=event.event_type,
                source=event.source,
                aggregate_id=event.aggregate_id,
                occurred_at=event.occurred_time.ToDatetime(tzinfo=UTC),
                received_at=self.clock.now(),
                traceparent=event.traceparent,
                payload=event.SerializeToString(),
            )
        )
