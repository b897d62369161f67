"""Delivery in the case's trace: producer spans under the writers, one batch span linking them,
consumer spans under their producers; an idle relay traces nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from tongban.acceptance.v1 import events_pb2 as E

from services.common.db import Database
from services.common.outbox import record_event
from services.common.relay import Relay
from tests.contract.delivery_support import NOW, Receiver, databases, outbox_database, receiver, undelivered
from tests.support import INTERNAL_KEY, wait_until

_tracer = trace.get_tracer("tests")


@pytest.fixture(params=["sqlite", "postgresql"])
def sender(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Database, Receiver]]:
    with (
        databases(request.param, tmp_path, "acceptance", "approval") as urls,
        receiver(urls["approval"]) as to,
    ):
        outbox = outbox_database(urls["acceptance"])
        try:
            yield outbox, to
        finally:
            outbox.dispose()


def _relay(outbox: Database, to: Receiver) -> Relay:
    # Supervision's lane has no receiver here: the test looks at approval's only.
    return Relay(
        outbox, {"approval": to.address}, internal_key=INTERNAL_KEY, source="acceptance", poll_interval=0.02
    )


def _write(outbox: Database, case_no: str) -> ReadableSpan:
    """A case's event written in a span of the case's trace; that span."""
    with _tracer.start_as_current_span(f"write {case_no}") as writer, outbox.transaction() as session:
        context = writer.get_span_context()
        record_event(
            session,
            source="acceptance",
            aggregate_id=case_no,
            payload=E.CaseAccepted(case=E.CaseRef(case_no=case_no)),
            occurred=NOW,
            traceparent=f"00-{context.trace_id:032x}-{context.span_id:016x}-01",
        )
    return writer  # type: ignore[return-value]


def _of_kind(recorded: InMemorySpanExporter, kind: SpanKind, name: str) -> list[ReadableSpan]:
    return [s for s in recorded.get_finished_spans() if s.kind == kind and s.name == name]


def test_an_idle_relay_traces_nothing(
    sender: tuple[Database, Receiver], recorded: InMemorySpanExporter
) -> None:
    outbox, to = sender
    relay = _relay(outbox, to)
    relay.start()
    time.sleep(0.5)  # some 25 polls
    relay.stop(5)
    assert recorded.get_finished_spans() == ()


def test_a_batch_of_two_cases(sender: tuple[Database, Receiver], recorded: InMemorySpanExporter) -> None:
    outbox, to = sender
    writers = {case_no: _write(outbox, case_no) for case_no in ("C-1", "C-2")}
    relay = _relay(outbox, to)
    relay.start()
    try:
        wait_until(lambda: undelivered(outbox, "approval") == 0, what="both events delivered")
        wait_until(
            lambda: len(_of_kind(recorded, SpanKind.CONSUMER, "process CaseAccepted")) == 2, what="spans"
        )
    finally:
        relay.stop(5)
    producers = _of_kind(recorded, SpanKind.PRODUCER, "send CaseAccepted to approval")
    assert len(producers) == 2
    for producer in producers:
        case_no = (producer.attributes or {})["tongban.event.aggregate"]
        writer = writers[str(case_no)].get_span_context()
        assert producer.parent is not None and producer.parent.span_id == writer.span_id
        assert producer.context is not None and producer.context.trace_id == writer.trace_id
    # One batch, of both cases: a trace of its own, linked to each producer span.
    [batch] = [s for s in recorded.get_finished_spans() if s.name == "deliver to approval"]
    assert batch.parent is None
    assert {link.context.span_id for link in batch.links} == {
        p.context.span_id for p in producers if p.context
    }
    assert (batch.attributes or {})["messaging.batch.message_count"] == 2
    [call] = [
        s
        for s in recorded.get_finished_spans()
        if s.kind == SpanKind.CLIENT and s.name.endswith("/DeliverEvents")
    ]
    assert (
        call.parent is not None and batch.context is not None and call.parent.span_id == batch.context.span_id
    )
    # Each event is handled under the producer span that sent it (the relay re-stamped it).
    consumers = _of_kind(recorded, SpanKind.CONSUMER, "process CaseAccepted")
    by_producer = {p.context.span_id: p for p in producers if p.context}
    for consumer in consumers:
        assert consumer.parent is not None and consumer.parent.span_id in by_producer
        assert (consumer.attributes or {})["tongban.event.outcome"] == "applied"
    # The statement marking the batch delivered sits under the batch (the claim is not traced).
    marks = [
        s
        for s in recorded.get_finished_spans()
        if str((s.attributes or {}).get("db.statement", "")).startswith("UPDATE outbox")
    ]
    assert marks and all(s.parent is not None and s.parent.span_id == batch.context.span_id for s in marks)
