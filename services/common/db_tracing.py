"""Database spans: the official SQLAlchemy instrumentation on each engine, with nothing personal.

Each statement becomes a CLIENT span under the current span, so a case's statements sit
in the case's trace. What a span carries:
- `db.statement` is the SQL SQLAlchemy sends, with placeholders (`?`, `%(name)s`); the
  instrumentation never reads the parameters, and sqlcommenter stays off;
- a failed statement's status names the driver's error class only: the driver's own
  message can quote the values (PostgreSQL's "DETAIL: Key (...)=(...) already exists").
The engine is instrumented where services.common.db builds it, with the process's tracer
provider (the global one, which services.common.telemetry installs; until then, no spans).
A process that neither records spans nor exports metrics leaves its engines alone: the
instrumentation's listeners ran on every statement for spans nobody kept (5 to 7 % of a
service's CPU in bench/README.md's profile).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from opentelemetry import metrics, trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.instrumentation.sqlalchemy.version import __version__
from opentelemetry.trace import Link, Span, SpanContext, SpanKind, Status, StatusCode
from opentelemetry.util.types import Attributes, AttributeValue
from sqlalchemy import Engine

from services.common import telemetry

_SCOPE = "opentelemetry.instrumentation.sqlalchemy"
# The instrumentation describes a failed statement with str(driver error), which may quote values.
_WITHHELD = "database error (the driver's message is withheld: it may quote values)"


class _NoDriverMessage(Span):
    """A statement's span whose error status never carries the driver's message."""

    def __init__(self, span: Span) -> None:
        self._span = span

    def set_status(self, status: Status | StatusCode, description: str | None = None) -> None:
        code = status.status_code if isinstance(status, Status) else status
        self._span.set_status(Status(code, _WITHHELD if code == StatusCode.ERROR else None))

    def end(self, end_time: int | None = None) -> None:
        self._span.end(end_time)

    def get_span_context(self) -> SpanContext:
        return self._span.get_span_context()

    def set_attributes(self, attributes: Mapping[str, AttributeValue]) -> None:
        self._span.set_attributes(attributes)

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        self._span.set_attribute(key, value)

    def add_event(self, name: str, attributes: Attributes = None, timestamp: int | None = None) -> None:
        self._span.add_event(name, attributes, timestamp)

    def add_link(self, context: SpanContext, attributes: Attributes = None) -> None:
        self._span.add_link(context, attributes)

    def update_name(self, name: str) -> None:
        self._span.update_name(name)

    def is_recording(self) -> bool:
        return self._span.is_recording()

    def record_exception(
        self,
        exception: BaseException,
        attributes: Attributes = None,
        timestamp: int | None = None,
        escaped: bool = False,
    ) -> None:
        # The message and traceback could quote values: the class is enough (not called today).
        self._span.set_attribute("exception.type", type(exception).__name__)


class _StatementTracer:
    """What the instrumentation draws statement spans from (it calls start_span only)."""

    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    def start_span(
        self,
        name: str,
        context: Context | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
    ) -> Span:
        span = self._tracer.start_span(
            name, context, kind, attributes, links, start_time, record_exception, set_status_on_exception
        )
        return _NoDriverMessage(span)


def instrument_engine(engine: Engine, tracer_provider: trace.TracerProvider | None = None) -> Engine:
    """Trace `engine`'s statements (no parameters, no sqlcommenter); returns the engine.

    Spans come from `tracer_provider`, by default the process's (looked up at each statement,
    so an engine built before services.common.telemetry installed it is traced all the same).
    """
    if tracer_provider is None and not (telemetry.records_spans() or _metrics_exported()):
        return engine
    tracer = trace.get_tracer(_SCOPE, __version__, tracer_provider)
    connections = metrics.get_meter(_SCOPE, __version__).create_up_down_counter(
        name="db.client.connections.usage",
        unit="connections",
        description="Connections in the state the state attribute names.",
    )
    EngineTracer(_StatementTracer(tracer), engine, connections, enable_commenter=False)
    return engine


def _metrics_exported() -> bool:
    # Imported here: services.common.metrics reads the outbox through services.common.db.
    from services.common import metrics

    return metrics.exported()
