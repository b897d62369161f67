"""OpenTelemetry: one tracer provider per process, configured from the standard OTEL_* variables.

- Exporters: OTEL_TRACES_EXPORTER (`otlp`, `console`, `none`, or a comma-separated list),
  chosen by the SDK's own configuration code, so `otlp` follows OTEL_EXPORTER_OTLP_PROTOCOL
  (or OTEL_EXPORTER_OTLP_TRACES_PROTOCOL): `grpc` or `http/protobuf`. Each exporter reads
  its own endpoint, headers, timeout, certificate and compression variables.
- With no variable set nothing is exported, and nothing is recorded either: the process gets
  OpenTelemetry's no-op provider, whose spans only carry the trace context they were given on
  to the calls they make (so a process that exports sits in the same trace). Recording spans
  no one exports cost a fifth of the services' CPU (bench/README.md). An OTLP endpoint set without
  OTEL_TRACES_EXPORTER means `otlp`, the specification's default exporter, as deployments
  that only set OTEL_EXPORTER_OTLP_ENDPOINT expect.
- The sampler: OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (read by the SDK's provider);
  batching: OTEL_BSP_*; the resource: OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME.
"""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.environment_variables import OTEL_TRACES_EXPORTER
from opentelemetry.sdk._configuration import (
    _get_exporter_entry_point,
    _get_exporter_names,
    _import_exporters,
)
from opentelemetry.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    OTEL_SERVICE_NAME,
)
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from services.common.chosen_ids import ChosenIdGenerator

_provider: trace.TracerProvider | None = None


def exporter_names() -> list[str]:
    """The span exporters the OTEL_* variables ask for, as the SDK's entry-point names."""
    if os.environ.get(OTEL_TRACES_EXPORTER, "").strip():
        return _get_exporter_names("traces")
    if os.environ.get(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or os.environ.get(OTEL_EXPORTER_OTLP_ENDPOINT):
        return [_get_exporter_entry_point("otlp", "traces")]
    return []


def span_exporters() -> list[SpanExporter]:
    """One exporter per name; each configures itself from its own variables."""
    classes, _metrics, _logs = _import_exporters(exporter_names(), [], [])
    return [exporter_class() for exporter_class in classes.values()]


def build_tracer_provider(service_name: str) -> TracerProvider:
    """A provider for `service_name` (e.g. "tongban-acceptance"), exporting as the variables say."""
    name = os.environ.get(OTEL_SERVICE_NAME, "").strip() or service_name
    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: name}),
        # A case's root span gets the ids computed from its case number (case_trace_ids).
        id_generator=ChosenIdGenerator(),
    )
    for exporter in span_exporters():
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def setup_tracing(service_name: str) -> trace.TracerProvider:
    """The process's tracer provider, installed on first use; every instrumentation uses it."""
    if _provider is None:
        exporting = bool(exporter_names())
        install(build_tracer_provider(f"tongban-{service_name}") if exporting else trace.NoOpTracerProvider())
    assert _provider is not None
    return _provider


def records_spans() -> bool:
    """Whether this process's spans are recorded: the installed provider is the SDK's (it exports,
    or a test records), or, before one is installed, the variables ask for an exporter."""
    if _provider is not None:
        return isinstance(_provider, TracerProvider)
    return bool(exporter_names())


def install(provider: trace.TracerProvider) -> trace.TracerProvider:
    """Make `provider` the process's (once: a later call returns the first one installed)."""
    global _provider
    if _provider is None:
        trace.set_tracer_provider(provider)
        _provider = provider
    return _provider


def shutdown_tracing() -> None:
    """Flush what is buffered; called when a process stops."""
    if isinstance(_provider, TracerProvider):
        _provider.shutdown()
