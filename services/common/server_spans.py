"""Server spans that say how each call ended, for every server (services and gateway).

OpenTelemetry's gRPC server interceptor (opentelemetry-instrumentation-grpc 0.66b2) makes
the span and joins the caller's trace, but on its own:
- a call ended with `context.abort_with_status()` (every refusal of ours,
  services.common.errors.abort) keeps `rpc.grpc.status_code=0` and an unset status: its
  context wrapper passes abort_with_status through without looking at it;
- every abort raises a bare Exception through the span, which then records an exception
  event with a formatted traceback: time spent on each expected refusal, and noise.
So the library's interceptor gets a tracer whose spans record no escaping exception (the
library still records unexpected ones itself), and `StatusInterceptor`, right inside it,
writes the code the call ended with onto the server span:
- `rpc.grpc.status_code` (int, what the instrumentation emits) and `rpc.status_code`
  (its name, the current semantic conventions' attribute);
- status ERROR and `error.type` only for the codes the gRPC semantic conventions count as
  server errors: UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS.
  An expected refusal (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, PERMISSION_DENIED…)
  leaves the status unset.
Health checks and reflection make no spans: a probe every few seconds would each be a trace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import grpc
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.grpc import aio_server_interceptor, server_interceptor
from opentelemetry.trace import Span, Status, StatusCode

SERVER_ERRORS = frozenset(
    {
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNIMPLEMENTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DATA_LOSS,
    }
)
_UNTRACED_SERVICES = ("grpc.health.v1.Health", "grpc.reflection.")


def server_span_interceptors(tracer_provider: trace.TracerProvider) -> list[grpc.ServerInterceptor]:
    """The interceptors that trace a server's calls, outermost first. A process whose spans nobody
    records makes none: it only joins each caller's trace (`TraceContextInterceptor`)."""
    if isinstance(tracer_provider, trace.NoOpTracerProvider):
        return [TraceContextInterceptor()]
    library = server_interceptor(tracer_provider=_NoEscapedExceptions(tracer_provider), filter_=traced)
    return [library, StatusInterceptor()]


def aio_server_span_interceptors(tracer_provider: trace.TracerProvider) -> list[grpc.aio.ServerInterceptor]:
    """For a grpc.aio server (the gateway's front): the library's span of each call, recording no
    exception; the handler writes the code it ends with (record_code). None without a recorder."""
    if isinstance(tracer_provider, trace.NoOpTracerProvider):
        return []
    return [aio_server_interceptor(tracer_provider=_NoEscapedExceptions(tracer_provider), filter_=traced)]


def traced(details: grpc.HandlerCallDetails) -> bool:
    """Every call is traced except health checks and reflection."""
    return not str(details.method).lstrip("/").startswith(_UNTRACED_SERVICES)


def record_code(span: Span, code: grpc.StatusCode, details: str | None = None) -> None:
    """Write the code a server call ended with onto its span, as the conventions say."""
    span.set_attribute("rpc.grpc.status_code", code.value[0])
    span.set_attribute("rpc.status_code", code.name)
    if code in SERVER_ERRORS:
        span.set_attribute("error.type", code.name)
        span.set_status(Status(StatusCode.ERROR, f"{code.name}: {details}" if details else code.name))


class _NoEscapedExceptions:
    """A tracer provider whose tracers' spans do not record exceptions that pass through them."""

    def __init__(self, provider: trace.TracerProvider) -> None:
        self._provider = provider

    def get_tracer(self, *args: Any, **kwargs: Any) -> _QuietTracer:
        return _QuietTracer(self._provider.get_tracer(*args, **kwargs))


class _QuietTracer:
    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    def start_as_current_span(self, name: str, **kwargs: Any) -> Any:
        return self._tracer.start_as_current_span(name, **{**kwargs, "record_exception": False})


class _Outcome:
    """The code and details a call has set or aborted with so far (OK until told otherwise)."""

    def __init__(self, span: Span) -> None:
        self.span = span
        self.code = grpc.StatusCode.OK
        self.details: str | None = None
        self.aborted = False

    def finish(self) -> None:
        record_code(self.span, self.code, self.details)

    def failed(self) -> None:
        # gRPC answers an uncaught exception with UNKNOWN; an abort has said its code already.
        if not self.aborted:
            self.code = grpc.StatusCode.UNKNOWN
        self.finish()


class _RecordingContext:
    """The servicer context, noting how the call ends; everything else goes to the real one."""

    def __init__(self, context: Any, outcome: _Outcome) -> None:
        self._context = context
        self._outcome = outcome

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        self._note_abort(code, details)
        self._context.abort(code, details)

    def abort_with_status(self, status: Any) -> None:
        self._note_abort(status.code, status.details)
        self._context.abort_with_status(status)

    def set_code(self, code: grpc.StatusCode) -> None:
        self._outcome.code = code
        self._context.set_code(code)

    def set_details(self, details: str) -> None:
        self._outcome.details = details
        self._context.set_details(details)

    def _note_abort(self, code: grpc.StatusCode, details: str) -> None:
        # grpc turns abort(OK) into UNKNOWN.
        self._outcome.code = grpc.StatusCode.UNKNOWN if code == grpc.StatusCode.OK else code
        self._outcome.details = details
        self._outcome.aborted = True


Behaviour = Callable[[Any, Any], Any]


def _unary_response(behaviour: Behaviour) -> Behaviour:
    def run(request: Any, context: Any) -> Any:
        outcome = _Outcome(trace.get_current_span())
        try:
            response = behaviour(request, _RecordingContext(context, outcome))
        except Exception:
            outcome.failed()
            raise
        outcome.finish()
        return response

    return run


def _stream_response(behaviour: Behaviour) -> Behaviour:
    def run(request: Any, context: Any) -> Iterator[Any]:
        outcome = _Outcome(trace.get_current_span())
        try:
            yield from behaviour(request, _RecordingContext(context, outcome))
        except Exception:
            outcome.failed()
            raise
        outcome.finish()

    return run


class StatusInterceptor(grpc.ServerInterceptor):  # type: ignore[misc]
    """Records each call's final code on the current (server) span; see the module's docstring."""

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(details)
        if handler is None or not traced(details):
            return handler
        options = {
            "request_deserializer": handler.request_deserializer,
            "response_serializer": handler.response_serializer,
        }
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(_unary_response(handler.unary_unary), **options)
        if handler.stream_unary is not None:
            return grpc.stream_unary_rpc_method_handler(_unary_response(handler.stream_unary), **options)
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(_stream_response(handler.unary_stream), **options)
        return grpc.stream_stream_rpc_method_handler(_stream_response(handler.stream_stream), **options)


class TraceContextInterceptor(grpc.ServerInterceptor):  # type: ignore[misc]
    """Runs each call in the trace its caller's headers name, making no span: what the library's
    interceptor does with a tracer that records nothing, at a fraction of its cost. The events a
    call records and its log lines then still name the caller's trace."""

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(details)
        metadata = tuple(details.invocation_metadata or ())
        in_a_trace = any(key in TRACE_HEADERS for key, _ in metadata)
        if handler is None or not in_a_trace or handler.unary_unary is None:
            return handler
        behaviour = handler.unary_unary

        def run(request: Any, context: Any) -> Any:
            with in_callers_trace(metadata):
                return behaviour(request, context)

        return grpc.unary_unary_rpc_method_handler(
            run,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


# The W3C trace context headers.
TRACE_HEADERS = frozenset({"traceparent", "tracestate", "baggage"})


@contextmanager
def in_callers_trace(metadata: Iterable[tuple[str, str | bytes]]) -> Iterator[None]:
    """Run in the trace the caller's headers name, if any (for a process that makes no server
    span of its own: its log lines and events then still name the caller's trace)."""
    carrier = {key: value for key, value in metadata if key in TRACE_HEADERS and isinstance(value, str)}
    if not carrier:
        yield
        return
    token = otel_context.attach(propagate.extract(carrier))
    try:
        yield
    finally:
        otel_context.detach(token)
