"""One Connect unary call, start to end, on a worker thread: the gRPC path's steps (route, token,
access rule, raw forwarding with the signed identity, in the backend's share) with Connect's
bodies and errors around them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import grpc
from opentelemetry.trace import TracerProvider

from gateway.proxy import GatewayProxy, Refusal
from gateway.web import codec
from gateway.web.protocol import (
    HTTP_STATUS,
    STATUS_DETAILS_HEADER,
    ConnectError,
    Headers,
    error_body,
    metadata_headers,
    status_details,
)
from gateway.web.tracing import server_span
from services.common.server_spans import record_code

# What a browser or a tool without a token is told.
SIGN_IN = "sign in (POST /session/login) or send the header `Authorization: Bearer <token>`"


@dataclass(frozen=True)
class Incoming:
    """What the edge read of an HTTP request that passed the protocol's checks."""

    path: str
    codec: str
    body: bytes
    token: str | None
    # time.monotonic() by which the call must be answered (Connect-Timeout-Ms, else the default).
    deadline: float
    # Lower-case header names; the trace context is read from them.
    headers: dict[str, str] = field(default_factory=dict)

    def time_left(self) -> float:
        return self.deadline - time.monotonic()


@dataclass(frozen=True)
class Outgoing:
    status: int
    headers: Headers
    body: bytes


def content_type(codec_name: str) -> tuple[bytes, bytes]:
    return (b"content-type", f"application/{codec_name}".encode())


def error_response(error: ConnectError) -> Outgoing:
    headers = [content_type("json"), *metadata_headers((), error.headers)]
    return Outgoing(HTTP_STATUS.get(error.code, 500), headers, error_body(error))


def from_refusal(refusal: Refusal) -> ConnectError:
    """The gateway's or the backend's refusal, its google.rpc details as Connect error details."""
    details = status_details(refusal.trailing)
    others = tuple((key, value) for key, value in refusal.trailing if key != STATUS_DETAILS_HEADER)
    return ConnectError(refusal.code, refusal.message, (details,) if details else (), others)


class ConnectCalls:
    def __init__(self, proxy: GatewayProxy, provider: TracerProvider) -> None:
        self._proxy = proxy
        self._provider = provider

    def unary(self, incoming: Incoming) -> Outgoing:
        try:
            route = self._proxy.resolve(incoming.path)
        except Refusal as refusal:
            return error_response(from_refusal(refusal))
        with server_span(self._provider, route, incoming.headers) as span:
            try:
                caller = self._proxy.authenticate(route, incoming.token, sign_in=SIGN_IN)
                request = codec.request_bytes(route.method, incoming.codec, incoming.body)
                forwarded = self._proxy.forward(
                    route,
                    caller,
                    request,
                    timeout=incoming.time_left(),
                    metadata=self._proxy.trace_headers(incoming.headers.items()),
                )
                body = codec.response_body(route.method, incoming.codec, forwarded.response)
            except Refusal as refusal:
                error = from_refusal(refusal)
            except ConnectError as raised:
                error = raised
            else:
                record_code(span, grpc.StatusCode.OK)
                headers = [
                    content_type(incoming.codec),
                    *metadata_headers(forwarded.initial, forwarded.trailing),
                ]
                return Outgoing(200, headers, body)
            record_code(span, error.code, error.message)
            return error_response(error)
