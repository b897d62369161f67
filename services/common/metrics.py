"""OpenTelemetry metrics: one meter provider per process, from the standard OTEL_* variables, and
the instruments every process shares (README, "Metrics").

- Exporters: OTEL_METRICS_EXPORTER, a comma-separated list of the SDK's entry-point names:
  `otlp` (pushed to the collector, which exports them for Prometheus in Kubernetes) or
  `prometheus` (a /metrics endpoint on OTEL_EXPORTER_PROMETHEUS_HOST:OTEL_EXPORTER_PROMETHEUS_PORT,
  9464 by default). Unset or `none`: no metrics are kept at all (the API's no-op provider).
- What each process measures: `rpc.server.duration` (every server, the gateway's included) and
  `rpc.client.duration` (the gateway's calls to the backends), in milliseconds, with the
  rpc.* attributes of the semantic conventions; the outbox backlog and its oldest row's age per
  destination; relay failures; and each service's own counts (services/<name>/measures.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import grpc
from opentelemetry import metrics
from opentelemetry.environment_variables import OTEL_METRICS_EXPORTER
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk._configuration import _get_exporter_names, _import_exporters
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from sqlalchemy import func
from sqlmodel import col, select

from services.common.contracts import AREAS
from services.common.db import Database
from services.common.outbox import OutboxEvent

_provider: metrics.MeterProvider | None = None
METER = "tongban"


def exporter_names() -> list[str]:
    """The metric exporters OTEL_METRICS_EXPORTER asks for, as the SDK's entry-point names
    (`otlp` becomes the one of OTEL_EXPORTER_OTLP_PROTOCOL, as for the spans)."""
    if not os.environ.get(OTEL_METRICS_EXPORTER, "").strip():
        return []
    return _get_exporter_names("metrics")


def setup_metrics(service_name: str) -> metrics.MeterProvider:
    """The process's meter provider, installed on first use."""
    global _provider
    if _provider is None:
        names = exporter_names()
        provider: metrics.MeterProvider = metrics.NoOpMeterProvider()
        if names:
            _traces, classes, _logs = _import_exporters([], names, [])
            readers: list[MetricReader] = [
                cls() if issubclass(cls, MetricReader) else PeriodicExportingMetricReader(cls())
                for cls in classes.values()
            ]
            resource = Resource.create({SERVICE_NAME: f"tongban-{service_name}"})
            provider = MeterProvider(resource=resource, metric_readers=readers)
        metrics.set_meter_provider(provider)
        _provider = provider
    return _provider


def exported() -> bool:
    """Whether this process keeps metrics: setup_metrics found an exporter, or, before it ran, the
    variables ask for one. Measuring is skipped otherwise: the no-op instruments drop every figure."""
    if _provider is not None:
        return isinstance(_provider, MeterProvider)
    return bool(exporter_names())


def shutdown_metrics() -> None:
    if isinstance(_provider, MeterProvider):
        _provider.shutdown()


def meter() -> metrics.Meter:
    return metrics.get_meter(METER)


def _rpc_attributes(method: str, code: grpc.StatusCode) -> dict[str, str | int]:
    service, _, name = method.lstrip("/").partition("/")
    return {
        "rpc.system": "grpc",
        "rpc.service": service,
        "rpc.method": name,
        "rpc.grpc.status_code": code.value[0],
    }


class ServerDuration(grpc.ServerInterceptor):  # type: ignore[misc]
    """rpc.server.duration of every unary call, with its status code."""

    def __init__(self) -> None:
        self._histogram = meter().create_histogram(
            "rpc.server.duration", unit="ms", description="Duration of inbound RPCs"
        )

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(details)
        if handler is None or handler.unary_unary is None:
            return handler
        inner, method, histogram = handler.unary_unary, str(details.method), self._histogram

        def measured(request: Any, context: grpc.ServicerContext) -> Any:
            with _timed(histogram, method, context):
                return inner(request, context)

        return grpc.unary_unary_rpc_method_handler(
            measured,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


class AioServerDuration(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """ServerDuration for a grpc.aio server (the gateway's front)."""

    def __init__(self) -> None:
        self._histogram = meter().create_histogram(
            "rpc.server.duration", unit="ms", description="Duration of inbound RPCs"
        )

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler | None]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(details)
        if handler is None or handler.unary_unary is None:
            return handler
        inner, method, histogram = handler.unary_unary, str(details.method), self._histogram

        async def measured(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            with _timed(histogram, method, context):
                return await inner(request, context)

        return grpc.unary_unary_rpc_method_handler(
            measured,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


@contextmanager
def _timed(
    histogram: metrics.Histogram,
    method: str,
    context: grpc.ServicerContext | grpc.aio.ServicerContext[Any, Any],
) -> Iterator[None]:
    """Record the call's duration and the code it ended with (OK unless set, or raised)."""
    began = time.perf_counter()
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        code = _code_of(context) or (grpc.StatusCode.UNKNOWN if failed else grpc.StatusCode.OK)
        histogram.record((time.perf_counter() - began) * 1000, _rpc_attributes(method, code))


def _code_of(context: grpc.ServicerContext | grpc.aio.ServicerContext[Any, Any]) -> grpc.StatusCode | None:
    code = context.code()
    return code if isinstance(code, grpc.StatusCode) else None


def client_duration() -> Callable[[str, grpc.StatusCode, float], None]:
    """Records rpc.client.duration of one call (method, status, seconds)."""
    histogram = meter().create_histogram(
        "rpc.client.duration", unit="ms", description="Duration of outbound RPCs"
    )

    def record(method: str, code: grpc.StatusCode, seconds: float) -> None:
        histogram.record(seconds * 1000, _rpc_attributes(method, code))

    return record


def relay_failures() -> metrics.Counter:
    return meter().create_counter(
        "tongban.relay.failures", unit="{event}", description="Events a relay failed to deliver"
    )


def observe_outbox(db: Database, service: str, now: Callable[[], float] = time.time) -> None:
    """The outbox backlog and its oldest undelivered row's age, per destination, at each collection."""

    def pending() -> list[tuple[str, int, float]]:
        with db.reading() as session:
            rows = session.exec(
                select(OutboxEvent.destination, func.count(), func.min(OutboxEvent.created_at))
                .where(col(OutboxEvent.delivered_at).is_(None))
                .group_by(col(OutboxEvent.destination))
            ).all()
        found = {destination: (count, _timestamp(oldest)) for destination, count, oldest in rows}
        # Every other service, 0 when nothing waits for it: an alert rule sees the series at once.
        idle = (0, now())
        return [(d, *found.get(d, idle)) for d in sorted(set(AREAS) - {service} | set(found))]

    def backlog(_options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(count, {"tongban.service": service, "destination": d}) for d, count, _ in pending()
        ]

    def age(_options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(max(now() - oldest, 0.0), {"tongban.service": service, "destination": d})
            for d, _, oldest in pending()
        ]

    meter().create_observable_gauge(
        "tongban.outbox.backlog", [backlog], unit="{event}", description="Undelivered events per destination"
    )
    meter().create_observable_gauge(
        "tongban.outbox.oldest_age", [age], unit="s", description="Age of the oldest undelivered event"
    )


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return time.time()
    # SQLite gives the stored UTC moment back without its zone.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
