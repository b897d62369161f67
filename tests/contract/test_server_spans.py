"""Every server span carries the code its call ended with; only server errors are errors.

A real server on a free port, built by create_server() as every service and the gateway are,
with handlers that end their calls in each way a servicer of ours can.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from services.common.errors import DomainError, abort, grpc_errors, wrong_state
from services.common.server import create_server

SERVICE = "tongban.test.v1.TestService"


class _Servicer:
    @grpc_errors
    def Fine(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        return b"ok"

    @grpc_errors
    def Refused(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        raise wrong_state("办件已撤回 / the case was withdrawn", [])

    @grpc_errors
    def Broken(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        raise RuntimeError("a bug")

    def Unguarded(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        raise RuntimeError("a bug nobody caught")

    def Plain(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        context.abort(grpc.StatusCode.NOT_FOUND, "no such case")
        raise AssertionError

    def Streamed(self, requests: Iterator[bytes], context: grpc.ServicerContext) -> Iterator[bytes]:
        abort(context, DomainError("not here", grpc.StatusCode.UNIMPLEMENTED))


@pytest.fixture
def server() -> Iterator[tuple[grpc.Channel, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    servicer = _Servicer()
    unary = {
        name: grpc.unary_unary_rpc_method_handler(getattr(servicer, name))
        for name in ("Fine", "Refused", "Broken", "Unguarded", "Plain")
    }
    handler = grpc.method_handlers_generic_handler(
        SERVICE, {**unary, "Streamed": grpc.stream_stream_rpc_method_handler(servicer.Streamed)}
    )
    running = create_server(
        registrations=[],
        service_names=[],
        address="127.0.0.1:0",
        tracer_provider=provider,
        handlers=[handler],
    )
    running.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        yield channel, exporter
    finally:
        channel.close()
        running.server.stop(0).wait()


def _call(channel: grpc.Channel, method: str) -> grpc.StatusCode:
    stub: Any = channel.unary_unary(f"/{SERVICE}/{method}")
    try:
        stub(b"", timeout=10)
    except grpc.RpcError as error:
        return error.code()  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


def _span(exporter: InMemorySpanExporter, method: str) -> ReadableSpan:
    [span] = [s for s in exporter.get_finished_spans() if s.name == f"/{SERVICE}/{method}"]
    return span


@pytest.mark.parametrize(
    ("method", "code", "error"),
    [
        ("Fine", grpc.StatusCode.OK, False),
        # An expected refusal: the caller's problem, not the server's (no error, no stack trace).
        ("Refused", grpc.StatusCode.FAILED_PRECONDITION, False),
        ("Plain", grpc.StatusCode.NOT_FOUND, False),
        ("Broken", grpc.StatusCode.INTERNAL, True),
        ("Unguarded", grpc.StatusCode.UNKNOWN, True),
    ],
)
def test_the_code_on_the_server_span(
    server: tuple[grpc.Channel, InMemorySpanExporter], method: str, code: grpc.StatusCode, error: bool
) -> None:
    channel, exporter = server
    assert _call(channel, method) == code
    span = _span(exporter, method)
    attributes = dict(span.attributes or {})
    assert attributes["rpc.grpc.status_code"] == code.value[0]
    assert attributes["rpc.status_code"] == code.name
    assert span.status.status_code == (StatusCode.ERROR if error else StatusCode.UNSET)
    assert ("error.type" in attributes) == error
    if error:
        assert attributes["error.type"] == code.name
    # Aborting raises through the span: no exception event, no formatted traceback, for any of them
    # but the uncaught one, whose exception the instrumentation records itself.
    assert [e.name for e in span.events] == (["exception"] if method == "Unguarded" else [])


def test_a_streaming_refusal(server: tuple[grpc.Channel, InMemorySpanExporter]) -> None:
    channel, exporter = server
    stub: Any = channel.stream_stream(f"/{SERVICE}/Streamed")
    with pytest.raises(grpc.RpcError) as refused:
        list(stub(iter([b""]), timeout=10))
    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED
    span = _span(exporter, "Streamed")
    assert (span.attributes or {})["rpc.grpc.status_code"] == grpc.StatusCode.UNIMPLEMENTED.value[0]
    assert span.status.status_code == StatusCode.ERROR


def test_health_checks_make_no_spans(server: tuple[grpc.Channel, InMemorySpanExporter]) -> None:
    channel, exporter = server
    health = health_pb2_grpc.HealthStub(channel)
    assert (
        health.Check(health_pb2.HealthCheckRequest(), timeout=10).status
        == health_pb2.HealthCheckResponse.SERVING
    )
    assert exporter.get_finished_spans() == ()


class _TraceOfEachCall:
    """A servicer noting the trace each call runs in (what its log lines and events would name)."""

    def __init__(self) -> None:
        self.trace_ids: list[int] = []

    def Seen(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        self.trace_ids.append(trace.get_current_span().get_span_context().trace_id)
        if request == b"refuse":
            context.abort(grpc.StatusCode.NOT_FOUND, "no such case")
        return b"ok"


def test_a_server_that_records_no_spans_still_runs_each_call_in_its_callers_trace() -> None:
    servicer = _TraceOfEachCall()
    handler = grpc.method_handlers_generic_handler(
        SERVICE, {"Seen": grpc.unary_unary_rpc_method_handler(servicer.Seen)}
    )
    running = create_server(
        registrations=[],
        service_names=[],
        address="127.0.0.1:0",
        tracer_provider=trace.NoOpTracerProvider(),
        handlers=[handler],
    )
    running.start()
    trace_id = 0x0AF7651916CD43DD8448EB211C80319C
    traced = (("traceparent", f"00-{trace_id:032x}-b7ad6b7169203331-01"),)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub: Any = channel.unary_unary(f"/{SERVICE}/Seen")
            assert stub(b"", metadata=traced, timeout=10) == b"ok"
            with pytest.raises(grpc.RpcError) as refused:
                stub(b"refuse", metadata=traced, timeout=10)
            assert stub(b"", timeout=10) == b"ok"
    finally:
        running.server.stop(0).wait()
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    # The caller's trace for both traced calls, none (0) for the call that named no trace: the
    # context of one call does not leak into the next on the same worker thread.
    assert servicer.trace_ids == [trace_id, trace_id, 0]
