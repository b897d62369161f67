"""The `tongban` command's span, in the case's trace, from the standard OTEL_* variables.

With an exporter configured (OTEL_TRACES_EXPORTER, or an OTLP endpoint; see
services.common.telemetry), a command is one span named as typed, e.g. `tongban case withdraw`
(the words, never the arguments), under the case's root span (its ids come from the case
number alone), and each call it makes is a gRPC client span under that. With none configured
the CLI makes no spans of its own: its calls carry the case's root as their parent, so the
gateway's span still sits in the case's trace under a span that exists, rather than under a
span nobody exported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_TIMEOUT,
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT,
)
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import NonRecordingSpan, NoOpTracerProvider, Status, StatusCode

from services.common.case_trace_ids import case_trace_ids
from services.common.telemetry import build_tracer_provider, exporter_names

SERVICE_NAME = "tongban-cli"
# A collector that is down must not hold up the clerk: a command's spans get one short try
# (unless OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT says otherwise).
EXPORT_SECONDS = 2


@contextmanager
def _short_export_timeout() -> Iterator[None]:
    """The OTLP exporters read their timeout when built: a short one, unless one is set."""
    if os.environ.get(OTEL_EXPORTER_OTLP_TRACES_TIMEOUT) or os.environ.get(OTEL_EXPORTER_OTLP_TIMEOUT):
        yield
        return
    os.environ[OTEL_EXPORTER_OTLP_TRACES_TIMEOUT] = str(EXPORT_SECONDS)
    try:
        yield
    finally:
        del os.environ[OTEL_EXPORTER_OTLP_TRACES_TIMEOUT]


def _exporting_provider() -> TracerProvider | None:
    if not exporter_names():
        return None
    with _short_export_timeout():
        return build_tracer_provider(SERVICE_NAME)


class CommandTrace:
    """One command's span, and the tracer provider its calls' client spans come from."""

    def __init__(self, command: str, case_no: str = "") -> None:
        self.command = command
        self.case_no = case_no.strip()
        self._sdk = _exporting_provider()
        self.provider: trace.TracerProvider = self._sdk or NoOpTracerProvider()
        self._scope: ExitStack | None = None
        self._span: trace.Span | None = None

    def _parent(self) -> Context:
        """The case's root when the command names a case; else a trace of its own."""
        if not self.case_no:
            return Context()
        root = case_trace_ids(self.case_no).root_context(self._sdk)
        return trace.set_span_in_context(NonRecordingSpan(root))

    def begin(self) -> None:
        if self._scope is not None:
            return
        self._scope = ExitStack()
        attributes = {"tongban.cli.command": self.command}
        if self.case_no:
            attributes["tongban.case_no"] = self.case_no
        self._span = self._scope.enter_context(
            self.provider.get_tracer("tongban.cli").start_as_current_span(
                self.command or "tongban",
                context=self._parent(),
                attributes=attributes,
                record_exception=False,
                set_status_on_exception=False,
            )
        )

    def end(self, error: BaseException | None = None) -> None:
        if self._scope is None:
            return
        if error is not None and self._span is not None:
            # The class only: a message could repeat what the clerk typed.
            self._span.set_attribute("error.type", type(error).__qualname__)
            self._span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        self._scope.close()
        self._scope = None
        if self._sdk is not None:
            self._sdk.shutdown()  # sends what is left, within the exporter's timeout
