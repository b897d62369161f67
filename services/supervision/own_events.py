"""Supervision's own events (tongban.supervision.v1 events.proto): a review, a complaint, a conduct
violation. Each is recorded with every other service's events and shown to the rules, in the
transaction that makes it, so the rules see supervision's own work as they see everyone's."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlmodel import Session

from services.common.case_tracing import event_traceparent
from services.common.outbox import record_event
from services.supervision.events import EventRecorder
from services.supervision.models import CaseWatchRow

SOURCE = "supervision"


def announce(
    session: Session,
    recorder: EventRecorder,
    payload: Message,
    *,
    aggregate_id: str,
    case: CaseWatchRow | None = None,
) -> None:
    """Record `payload` as supervision's event (in the case's trace when it is about one)."""
    traced = case is not None and case.trace_id and case.root_span_id
    event = record_event(
        session,
        source=SOURCE,
        aggregate_id=aggregate_id,
        payload=payload,
        occurred=recorder.supervising.clock.now(),
        traceparent=event_traceparent(case) if traced and case is not None else "",
    )
    recorder.record(session, event)
