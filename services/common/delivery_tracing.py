"""Event delivery in the case's trace: a PRODUCER span per event sent, a CONSUMER span per event handled.

Sender (the relay): each event of a batch gets a producer span `send <Type> to <service>`
under the span that wrote the event (the event's `traceparent`: in the case's trace), and
goes out re-stamped with that producer span's context; the outbox row keeps the writer's.
The batch is one span, `deliver to <service>`, linking every producer span (a batch can
carry events of several cases), with the gRPC client span of the call under it.
Receiver (the inbox): each event is handled in a consumer span `process <Type>` under its
producer span, linked to the DeliverEvents call that carried it. A retried delivery shows
as another producer span; a duplicate as a consumer span with outcome "duplicate".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from tongban.events.v1 import event_pb2

_tracer = trace.get_tracer("tongban.delivery")
_propagator = TraceContextTextMapPropagator()
_SYSTEM = "tongban_outbox"


def _short(event_type: str) -> str:
    return event_type.rpartition(".")[2] or event_type


def _parent(event: event_pb2.Event) -> Context | None:
    """The context the event was written (or sent) in; None starts a trace of its own."""
    return _propagator.extract({"traceparent": event.traceparent}) if event.traceparent else None


def _traceparent(span: Span) -> str:
    carrier: dict[str, str] = {}
    _propagator.inject(carrier, trace.set_span_in_context(span))
    return carrier.get("traceparent", "")


def _event_attributes(event: event_pb2.Event) -> dict[str, str]:
    return {
        "messaging.system": _SYSTEM,
        "messaging.message.id": event.event_id,
        "tongban.event.id": event.event_id,
        "tongban.event.type": event.event_type,
        "tongban.event.aggregate": event.aggregate_id,
        "tongban.event.source": event.source,
    }


def _failed(span: Span, error: Exception) -> None:
    span.set_attribute("error.type", type(error).__qualname__)
    span.set_status(Status(StatusCode.ERROR, type(error).__name__))


@contextmanager
def sending(destination: str, payloads: Sequence[bytes]) -> Iterator[list[event_pb2.Event]]:
    """The batch's events, each re-stamped with its producer span, inside the batch's span."""
    events = [event_pb2.Event.FromString(payload) for payload in payloads]
    producers: list[Span] = []
    for event in events:
        producer = _tracer.start_span(
            f"send {_short(event.event_type)} to {destination}",
            context=_parent(event),
            kind=SpanKind.PRODUCER,
            attributes={
                **_event_attributes(event),
                "messaging.operation.type": "send",
                "messaging.destination.name": destination,
            },
        )
        event.traceparent = _traceparent(producer)
        producers.append(producer)
    try:
        with _tracer.start_as_current_span(
            f"deliver to {destination}",
            # A root of its own: the batch belongs to no one case; the links say whose events it carries.
            context=Context(),
            links=[Link(producer.get_span_context()) for producer in producers],
            attributes={
                "messaging.system": _SYSTEM,
                "messaging.operation.type": "send",
                "messaging.destination.name": destination,
                "messaging.batch.message_count": len(events),
            },
            record_exception=False,
            set_status_on_exception=False,
        ) as batch:
            try:
                yield events
            except Exception as error:
                _failed(batch, error)
                raise
    except Exception as error:
        for producer in producers:
            _failed(producer, error)
        raise
    finally:
        for producer in producers:
            producer.end()


@contextmanager
def consuming(event: event_pb2.Event) -> Iterator[Span]:
    """The span handling one delivered event, under the span that sent it."""
    call = trace.get_current_span().get_span_context()
    with _tracer.start_as_current_span(
        f"process {_short(event.event_type)}",
        context=_parent(event),
        kind=SpanKind.CONSUMER,
        links=[Link(call)] if call.is_valid else [],
        attributes={**_event_attributes(event), "messaging.operation.type": "process"},
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except Exception as error:
            _failed(span, error)
            raise


def rejected(span: Span, code_name: str) -> None:
    """The receiver refused the event (recorded and acknowledged): an error to look at."""
    span.set_attribute("error.type", code_name)
    span.set_status(Status(StatusCode.ERROR, f"event rejected: {code_name}"))
