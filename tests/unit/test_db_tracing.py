"""Statement spans: under the current span, with placeholders and never a value."""

from __future__ import annotations

import pytest
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from services.common.db_tracing import instrument_engine

ID_NUMBER = "32082619850312002X"


@pytest.fixture
def traced() -> tuple[InMemorySpanExporter, TracerProvider]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter, provider


def test_a_statement_is_a_client_span_with_placeholders_only(
    traced: tuple[InMemorySpanExporter, TracerProvider],
) -> None:
    exporter, provider = traced
    engine = instrument_engine(create_engine("sqlite://"), provider)
    with provider.get_tracer("t").start_as_current_span("GetCase") as call, engine.begin() as connection:
        connection.execute(text("CREATE TABLE cases (case_no TEXT PRIMARY KEY, id_number TEXT)"))
        connection.execute(text("INSERT INTO cases VALUES (:no, :id)"), {"no": "C-1", "id": ID_NUMBER})
    spans = [s for s in exporter.get_finished_spans() if s.kind == SpanKind.CLIENT]
    [insert] = [s for s in spans if (s.attributes or {}).get("db.statement", "").startswith("INSERT")]
    assert insert.parent is not None and insert.parent.span_id == call.get_span_context().span_id
    assert (insert.attributes or {})["db.statement"] == "INSERT INTO cases VALUES (?, ?)"
    assert (insert.attributes or {})["db.system"] == "sqlite"
    for span in spans:
        assert ID_NUMBER not in str(span.to_json()) and "C-1" not in str(span.attributes)


def test_a_failed_statement_does_not_quote_the_driver(
    traced: tuple[InMemorySpanExporter, TracerProvider],
) -> None:
    exporter, provider = traced
    engine = instrument_engine(create_engine("sqlite://", hide_parameters=True), provider)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE cases (id_number TEXT PRIMARY KEY)"))
        connection.execute(text("INSERT INTO cases VALUES (:id)"), {"id": ID_NUMBER})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO cases VALUES (:id)"), {"id": ID_NUMBER})
    [failed] = [s for s in exporter.get_finished_spans() if s.status.status_code == StatusCode.ERROR]
    assert failed.status.description is not None and "UNIQUE" not in failed.status.description
    assert "withheld" in failed.status.description


def test_suppressed_statements_make_no_span(traced: tuple[InMemorySpanExporter, TracerProvider]) -> None:
    exporter, provider = traced
    engine = instrument_engine(create_engine("sqlite://"), provider)
    with suppress_instrumentation(), engine.begin() as connection:
        connection.execute(text("SELECT 1"))
    assert exporter.get_finished_spans() == ()
