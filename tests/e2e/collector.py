"""A real OTLP/gRPC trace receiver on a free port: the processes export their spans to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent import futures
from dataclasses import dataclass
from typing import Any

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.trace.v1 import trace_pb2

SPAN_KINDS = {
    trace_pb2.Span.SPAN_KIND_INTERNAL: "INTERNAL",
    trace_pb2.Span.SPAN_KIND_SERVER: "SERVER",
    trace_pb2.Span.SPAN_KIND_CLIENT: "CLIENT",
    trace_pb2.Span.SPAN_KIND_PRODUCER: "PRODUCER",
    trace_pb2.Span.SPAN_KIND_CONSUMER: "CONSUMER",
}
STATUS_CODES = {
    trace_pb2.Status.STATUS_CODE_UNSET: "UNSET",
    trace_pb2.Status.STATUS_CODE_OK: "OK",
    trace_pb2.Status.STATUS_CODE_ERROR: "ERROR",
}


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    trace_id: str
    attributes: dict[str, str]
    text: str  # everything the span carries, for scanning
    span_id: str = ""
    parent_span_id: str = ""  # "" for a root
    kind: str = "INTERNAL"
    status: str = "UNSET"
    links: tuple[tuple[str, str], ...] = ()  # (trace id, span id) of each link
    event_names: tuple[str, ...] = ()


class Collector(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.spans: list[ReceivedSpan] = []
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(self, self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    def Export(self, request: Any, context: grpc.ServicerContext) -> Any:
        received = list(_spans(request))
        with self._lock:
            self.spans += received
        return trace_service_pb2.ExportTraceServiceResponse()

    def snapshot(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self.spans)


def _value(value: Any) -> str:
    kind = value.WhichOneof("value")
    return str(getattr(value, kind)) if kind and kind != "array_value" else str(value)


def _spans(request: Any) -> Iterator[ReceivedSpan]:
    for resource_spans in request.resource_spans:
        service = next(
            (a.value.string_value for a in resource_spans.resource.attributes if a.key == "service.name"), ""
        )
        for scope in resource_spans.scope_spans:
            for span in scope.spans:
                yield ReceivedSpan(
                    service=service,
                    name=span.name,
                    trace_id=span.trace_id.hex(),
                    attributes={a.key: _value(a.value) for a in span.attributes},
                    text=str(span),
                    span_id=span.span_id.hex(),
                    parent_span_id=span.parent_span_id.hex(),
                    kind=SPAN_KINDS.get(span.kind, "UNSPECIFIED"),
                    status=STATUS_CODES.get(span.status.code, "UNSET"),
                    links=tuple((link.trace_id.hex(), link.span_id.hex()) for link in span.links),
                    event_names=tuple(event.name for event in span.events),
                )
