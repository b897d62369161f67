"""A Connect call's server span: joins the trace its W3C traceparent header names and sits where
the gRPC server span sits, so the gateway's client span and the backend's spans hang under it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import propagate
from opentelemetry.trace import Span, SpanKind, TracerProvider

from gateway.proxy import Route


@contextmanager
def server_span(provider: TracerProvider, route: Route, headers: Mapping[str, str]) -> Iterator[Span]:
    service, _, method = route.method.lstrip("/").partition("/")
    tracer = provider.get_tracer("tongban.gateway.web")
    with tracer.start_as_current_span(
        route.method,
        context=propagate.extract(headers),
        kind=SpanKind.SERVER,
        attributes={"rpc.system": "connect_rpc", "rpc.service": service, "rpc.method": method},
        # An expected refusal is not an exception to record (services.common.server_spans).
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        yield span
