"""The spans this test process makes, recorded while a test asks for them (fixture `recorded`).

The process's tracer provider is installed here before any service is built, as a service
would build it with an exporter (services.common.telemetry, so case roots get their chosen
ids); a processor on it keeps finished spans only while on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.common.telemetry import build_tracer_provider, install


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


def install_recording_provider() -> None:
    """Called by the test session first: services built in this process then trace to it."""
    global _recorder
    if _recorder is None:
        provider = install(build_tracer_provider("tongban-tests"))
        assert isinstance(provider, TracerProvider), "a provider was installed before the tests'"
        _recorder = _Recorder()
        provider.add_span_processor(_recorder)


@contextmanager
def recording() -> Iterator[InMemorySpanExporter]:
    install_recording_provider()
    assert _recorder is not None
    _recorder.exporter.clear()
    _recorder.on = True
    try:
        yield _recorder.exporter
    finally:
        _recorder.on = False
        _recorder.exporter.clear()
