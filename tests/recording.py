"""The spans this test process makes, recorded while a test asks for them (fixture `recorded`).

The process's tracer provider is the one a service installs (services.common.telemetry, so
case roots get their chosen ids); a processor on it keeps finished spans only while on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.common.telemetry import setup_tracing


class _Recorder(SpanProcessor):
    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.on = False

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        pass

    def on_end(self, span: ReadableSpan) -> None:
        if self.on:
            self.exporter.export([span])


_recorder: _Recorder | None = None


@contextmanager
def recording() -> Iterator[InMemorySpanExporter]:
    global _recorder
    if _recorder is None:
        _recorder = _Recorder()
        setup_tracing("tests").add_span_processor(_recorder)
    _recorder.exporter.clear()
    _recorder.on = True
    try:
        yield _recorder.exporter
    finally:
        _recorder.on = False
        _recorder.exporter.clear()
