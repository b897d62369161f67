"""The gateway's one generic handler: authenticate, check the RPC's access rule, forward raw bytes.

The request and response bodies are never parsed (no (de)serializers): the gateway
only reads the method name, the metadata and the deadline. Routing comes from the
descriptors in the default pool (services.common.contracts), the access rule from
the `tongban.access.v1.access` method option (services.common.access).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import grpc
from opentelemetry import trace
from opentelemetry.instrumentation.grpc import aio_client_interceptors, client_interceptor
from opentelemetry.instrumentation.grpc.grpcext import intercept_channel
from opentelemetry.trace import NoOpTracerProvider, TracerProvider

from gateway.bulkhead import Bulkhead, ShareFull
from gateway.credentials import Credentials
from gateway.tokens import TokenError, TokenVerifier
from services.common import metrics
from services.common.access import ANONYMOUS, ROLE_LABELS, AccessPolicy, policy_for
from services.common.contracts import AREAS, area_of, service_names, services_of
from services.common.identity import IDENTITY_HEADER, Caller
from services.common.server_spans import TRACE_HEADERS, in_callers_trace, record_code
from services.common.settings import Settings

log = logging.getLogger(__name__)

Metadata = Sequence[tuple[str, str | bytes]]

STATUS_DETAILS_HEADER = "grpc-status-details-bin"
# Never forwarded from the client: the token stays at the gateway, the trace context is the
# gateway's to pass on (GatewayProxy.trace_headers), and the identity is the gateway's to assert.
_NOT_FORWARDED = frozenset({"authorization", "user-agent", IDENTITY_HEADER, *TRACE_HEADERS})
_SIGN_IN = "send the metadata `authorization: Bearer <token>` (sign in with `tongban login USER_ID`)"
# time_remaining() of a call without a deadline is effectively infinite.
_NO_DEADLINE = 10.0 * 365 * 24 * 3600

AREA_LABELS = {
    "acceptance": ("受理服务", "the acceptance service"),
    "approval": ("审批服务", "the approval service"),
    "staff": ("人员管理服务", "the staff service"),
    "supervision": ("电子监察服务", "the supervision service"),
}

# Every RPC is a read or takes a request_id (ARCHITECTURE.md, Contracts), so a call
# the backend could not take is safe to try again; spread calls over every address
# the backend name resolves to (several replicas behind a headless Service). A backend
# stopping gracefully still cancels the calls that reached it but no handler yet (gRPC's
# server shutdown): CANCELLED from a backend is retried too (the gateway's own
# cancellation, when its client gives up, never is).
_SERVICE_CONFIG = json.dumps(
    {
        "loadBalancingConfig": [{"round_robin": {}}],
        "methodConfig": [
            {
                "name": [{}],
                "retryPolicy": {
                    "maxAttempts": 3,
                    "initialBackoff": "0.1s",
                    "maxBackoff": "1s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE", "CANCELLED"],
                },
            }
        ],
    }
)
_CHANNEL_OPTIONS = (
    ("grpc.service_config", _SERVICE_CONFIG),
    ("grpc.enable_retries", 1),
    # A restarted backend is reachable again within a second or two, not minutes.
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
    ("grpc.keepalive_time_ms", 60_000),
)


@dataclass(frozen=True)
class Route:
    """Where one RPC goes and who may call it."""

    method: str
    area: str
    policy: AccessPolicy | None
    streaming: bool


def _routes() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for area in AREAS:
        for service in services_of(area):
            for method in service.methods:
                path = f"/{service.full_name}/{method.name}"
                routes[path] = Route(
                    method=path,
                    area=area,
                    policy=policy_for(path),
                    streaming=bool(method.client_streaming or method.server_streaming),
                )
    return routes


def _labels(roles: Iterable[str]) -> str:
    return "、".join(ROLE_LABELS.get(role, role) for role in sorted(roles)) or "无"


def bearer_token(metadata: Metadata) -> str | None:
    for key, value in metadata:
        if key == "authorization" and isinstance(value, str):
            scheme, _, token = value.strip().partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


def _forwarded(metadata: Metadata) -> list[tuple[str, str | bytes]]:
    return [
        (key, value)
        for key, value in metadata
        if key not in _NOT_FORWARDED and not key.startswith(("grpc-", ":"))
    ]


def _relayable(metadata: Metadata | None) -> list[tuple[str, str | bytes]]:
    """Response metadata the client may see: all but gRPC's reserved keys, except status details."""
    return [
        (key, value)
        for key, value in metadata or ()
        if key == STATUS_DETAILS_HEADER or not key.startswith(("grpc-", ":"))
    ]


class Refusal(Exception):
    """A call the gateway answers itself, or the backend's failure relayed: the status to give the
    client, and the trailing metadata (the backend's status details) to pass on."""

    def __init__(
        self, code: grpc.StatusCode, message: str, trailing: Sequence[tuple[str, str | bytes]] = ()
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.trailing = list(trailing)


@dataclass(frozen=True)
class Forwarded:
    """A backend's answer: the raw response and the metadata the client may see."""

    response: bytes
    initial: list[tuple[str, str | bytes]]
    trailing: list[tuple[str, str | bytes]]


def _status_of(call: Any) -> grpc.StatusCode:
    code = call.code()
    return code if isinstance(code, grpc.StatusCode) else grpc.StatusCode.UNKNOWN


# The gRPC front's call context (raw bytes both ways).
AioContext: TypeAlias = "grpc.aio.ServicerContext[bytes, bytes]"


def _end_with(context: AioContext, refusal: Refusal) -> None:
    """End the call with the refusal's status: set, not raised (an abort is an exception, and the
    tracing library would record it on the span as if the gateway had failed)."""
    record_code(trace.get_current_span(), refusal.code, refusal.message)
    if refusal.trailing:
        context.set_trailing_metadata(tuple(refusal.trailing))
    context.set_code(refusal.code)
    context.set_details(refusal.message)


def _refuse(refusal: Refusal) -> grpc.RpcMethodHandler:
    """A handler that fails the call before reading anything, whatever its cardinality."""

    async def behaviour(_requests: Any, context: AioContext) -> AsyncIterator[bytes]:
        _end_with(context, refusal)
        return
        yield  # a streaming handler is an async generator

    return grpc.stream_stream_rpc_method_handler(behaviour)


class GatewayProxy(grpc.GenericRpcHandler):  # type: ignore[misc]
    def __init__(
        self,
        *,
        settings: Settings,
        verifier: TokenVerifier,
        internal_key: bytes,
        tracer_provider: TracerProvider,
    ) -> None:
        self._credentials = Credentials(verifier, internal_key)
        self._default_deadline = settings.default_deadline_seconds
        self._routes = _routes()
        served = sorted({route.area for route in self._routes.values()})
        self._client_duration = metrics.client_duration() if metrics.exported() else None
        self._bulkhead = Bulkhead(served, settings.gateway_backend_share)
        # A gateway whose spans nobody records makes none: the tracing wrappers were a third of its
        # CPU per call (bench/README.md); it passes the caller's trace headers on instead.
        self.traced = not isinstance(tracer_provider, NoOpTracerProvider)
        self._tracer_provider = tracer_provider
        self._addresses = {area: settings.backend_address(area) for area in served}
        # The gRPC front's channels live on its event loop: made there (open_aio_channels).
        self._aio_channels: dict[str, grpc.aio.Channel] = {}
        self._aio_callables: dict[str, Any] = {}
        # One channel per backend, created once; calls multiplex over it (the browser edge's and
        # the health watcher's, from their threads).
        self._raw_channels = {
            area: grpc.insecure_channel(address, options=_CHANNEL_OPTIONS)
            for area, address in self._addresses.items()
        }
        channels: dict[str, grpc.Channel] = dict(self._raw_channels)
        if self.traced:
            interceptor = client_interceptor(tracer_provider=tracer_provider)
            channels = {area: intercept_channel(channel, interceptor) for area, channel in channels.items()}
        self._callables = self._unary_callables(channels)

    @property
    def routes(self) -> dict[str, Route]:
        return dict(self._routes)

    @property
    def backend_channels(self) -> dict[str, grpc.Channel]:
        """One channel per backend (not intercepted): for health checks."""
        return dict(self._raw_channels)

    def close(self) -> None:
        for channel in self._raw_channels.values():
            channel.close()

    # -- the gRPC front (grpc.aio, on the front's event loop: gateway/front.py) ------------------

    def open_aio_channels(self) -> list[grpc.GenericRpcHandler]:
        """The front's channels to the backends, made on its loop; the handlers it serves."""
        interceptors = aio_client_interceptors(tracer_provider=self._tracer_provider) if self.traced else None
        self._aio_channels = {
            area: grpc.aio.insecure_channel(address, options=_CHANNEL_OPTIONS, interceptors=interceptors)
            for area, address in self._addresses.items()
        }
        self._aio_callables = self._unary_callables(self._aio_channels)
        return [self]

    def _unary_callables(self, channels: Mapping[str, Any]) -> dict[str, Any]:
        """Each unary method on its backend's channel, raw bytes both ways (no (de)serializer)."""
        return {
            path: channels[route.area].unary_unary(path)
            for path, route in self._routes.items()
            if not route.streaming
        }

    async def close_aio_channels(self) -> None:
        for channel in self._aio_channels.values():
            await channel.close()

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        try:
            route = self.resolve(str(handler_call_details.method))
        except Refusal as refusal:
            return _refuse(refusal)

        async def behaviour(request: bytes, context: AioContext) -> bytes | None:
            incoming = tuple(context.invocation_metadata() or ())
            callers_trace = self.trace_headers(incoming)
            # An untraced gateway's log lines still name the caller's trace (a traced one's server
            # span does that).
            with in_callers_trace(callers_trace):
                return await self._answer(route, request, incoming, callers_trace, context)

        return grpc.unary_unary_rpc_method_handler(behaviour)

    async def _answer(
        self,
        route: Route,
        request: bytes,
        incoming: Metadata,
        callers_trace: Metadata,
        context: AioContext,
    ) -> bytes | None:
        try:
            token = bearer_token(incoming)
            if token is None or self._credentials.knows(token):
                caller = self.authenticate(route, token)
            else:
                # A token not seen lately is verified off the loop: it may need the staff
                # service's keys fetched first.
                caller = await asyncio.to_thread(self.authenticate, route, token)
            forwarded = await self._forward_aio(
                route,
                caller,
                request,
                timeout=self._timeout(context),
                metadata=[*_forwarded(incoming), *callers_trace],
            )
        except Refusal as refusal:
            _end_with(context, refusal)
            return None
        if forwarded.initial:
            await context.send_initial_metadata(forwarded.initial)
        if forwarded.trailing:
            context.set_trailing_metadata(tuple(forwarded.trailing))
        record_code(trace.get_current_span(), grpc.StatusCode.OK)
        return forwarded.response

    async def _forward_aio(
        self,
        route: Route,
        caller: Caller,
        request: bytes,
        *,
        timeout: float,
        metadata: Sequence[tuple[str, str | bytes]],
    ) -> Forwarded:
        """What forward() does, on the front's loop: the client's cancellation cancels the task,
        and with it the backend call."""
        try:
            with self._bulkhead.call(route.area):
                self._check_time_left(timeout)
                sent = [*metadata, (IDENTITY_HEADER, self._credentials.assertion(caller))]
                began = time.perf_counter()
                call = self._aio_callables[route.method](request, timeout=timeout, metadata=sent)
                code = grpc.StatusCode.UNKNOWN
                try:
                    response: bytes = await call
                    code = grpc.StatusCode.OK
                    initial, trailing = await call.initial_metadata(), await call.trailing_metadata()
                except grpc.aio.AioRpcError as error:
                    code = error.code()
                    raise self._relayed(route, error) from None
                finally:
                    if self._client_duration is not None:
                        self._client_duration(route.method, code, time.perf_counter() - began)
        except ShareFull:
            raise self._busy(route) from None
        return Forwarded(response, _relayable(initial), _relayable(trailing))

    # -- one call, whatever the transport (gRPC here, Connect at gateway/web) ---------------

    def resolve(self, method: str) -> Route:
        """The route of a unary RPC the gateway forwards; Refusal (UNIMPLEMENTED) otherwise."""
        route = self._routes.get(method)
        if route is None:
            service_name = method.lstrip("/").rpartition("/")[0]
            area = area_of(service_name)
            if area is None or service_name not in service_names(area):
                raise Refusal(
                    grpc.StatusCode.UNIMPLEMENTED,
                    f"没有这个服务 / unknown service {service_name or method}: "
                    "list the services with server reflection",
                )
            raise Refusal(grpc.StatusCode.UNIMPLEMENTED, f"没有这个方法 / unknown method {method}")
        if route.streaming:
            raise Refusal(
                grpc.StatusCode.UNIMPLEMENTED,
                f"网关不转发流式调用 / the gateway does not forward streaming RPCs ({method})",
            )
        return route

    def identify(self, token: str) -> Caller:
        """The caller a bearer token names; Refusal (UNAUTHENTICATED) when it is refused."""
        try:
            return self._credentials.caller(token)
        except TokenError as exc:
            raise Refusal(grpc.StatusCode.UNAUTHENTICATED, str(exc)) from None

    def authenticate(self, route: Route, token: str | None, *, sign_in: str = _SIGN_IN) -> Caller:
        """The caller the bearer token names, if the RPC's access rule admits them; Refusal if not.
        `sign_in` tells a caller without a token how to get one (the transport's way)."""
        if route.policy is not None and route.policy.public:
            # Signing in needs no token; whatever the client sent is not looked at.
            return Caller(user_id=ANONYMOUS, site_code="", roles=frozenset())
        if token is None:
            raise Refusal(grpc.StatusCode.UNAUTHENTICATED, f"缺少访问令牌 / missing bearer token: {sign_in}")
        try:
            caller = self._credentials.caller(token)
        except TokenError as exc:
            log.info("refused %s: %s", route.method, exc)
            raise Refusal(grpc.StatusCode.UNAUTHENTICATED, str(exc)) from None
        policy = route.policy
        if policy is None:
            raise Refusal(
                grpc.StatusCode.PERMISSION_DENIED,
                f"接口未声明访问规则，网关不予转发 / {route.method} declares no access rule, "
                "so the gateway does not expose it",
            )
        if not caller.has_any(policy.roles):
            log.info("refused %s to %s: roles %s", route.method, caller.user_id, sorted(caller.roles))
            raise Refusal(
                grpc.StatusCode.PERMISSION_DENIED,
                f"无权调用 {route.method}：需要以下角色之一：{_labels(policy.roles)}；"
                f"当前角色：{_labels(caller.roles)} / your roles "
                f"({', '.join(sorted(caller.roles))}) may not call {route.method}; "
                f"allowed roles: {', '.join(sorted(policy.roles))}",
            )
        return caller

    def _timeout(self, context: AioContext) -> float:
        remaining = context.time_remaining()
        if remaining is None or math.isinf(remaining) or remaining > _NO_DEADLINE:
            return self._default_deadline
        return float(remaining)

    def trace_headers(self, headers: Iterable[tuple[str, str | bytes]]) -> list[tuple[str, str | bytes]]:
        """The caller's trace headers to send on as they came: an untraced gateway's part in the
        trace (a traced one's client interceptor injects its own span's context instead)."""
        if self.traced:
            return []
        return [(key, value) for key, value in headers if key in TRACE_HEADERS]

    @property
    def default_deadline(self) -> float:
        """Seconds a call gets when its client set no deadline."""
        return self._default_deadline

    def forward(
        self,
        route: Route,
        caller: Caller,
        request: bytes,
        *,
        timeout: float,
        metadata: Sequence[tuple[str, str | bytes]] = (),
    ) -> Forwarded:
        """The backend's answer to the raw request, within the backend's share; Refusal on failure.
        For the threads of the browser edge (gateway/web); the gRPC front forwards on its loop.
        """
        try:
            with self._bulkhead.call(route.area):
                return self._forward_in_share(route, caller, request, timeout, metadata)
        except ShareFull:
            raise self._busy(route) from None

    @staticmethod
    def _busy(route: Route) -> Refusal:
        zh, en = AREA_LABELS.get(route.area, (route.area, f"the {route.area} service"))
        return Refusal(
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            f"{zh}繁忙, 请稍后重试 / {en} is busy: too many calls are waiting on it; try again shortly",
        )

    @staticmethod
    def _check_time_left(timeout: float) -> None:
        if timeout <= 0:
            raise Refusal(
                grpc.StatusCode.DEADLINE_EXCEEDED,
                "调用已超时 / the call's deadline passed before it was forwarded",
            )

    def _forward_in_share(
        self,
        route: Route,
        caller: Caller,
        request: bytes,
        timeout: float,
        metadata: Sequence[tuple[str, str | bytes]],
    ) -> Forwarded:
        self._check_time_left(timeout)
        sent = [*metadata, (IDENTITY_HEADER, self._credentials.assertion(caller))]
        began = time.perf_counter()
        call = self._callables[route.method].future(request, timeout=timeout, metadata=sent)
        if self._client_duration is not None:
            record = self._client_duration
            # The backend call's duration and status, whatever it ends with (rpc.client.duration).
            call.add_done_callback(
                lambda done: record(route.method, _status_of(done), time.perf_counter() - began)
            )
        try:
            response: bytes = call.result()
        except grpc.FutureCancelledError:
            # The client gave up (its deadline passed or it cancelled): nobody is left to answer.
            raise Refusal(grpc.StatusCode.CANCELLED, "调用已取消 / the call was cancelled") from None
        except grpc.RpcError as error:
            raise self._relayed(route, error) from None
        return Forwarded(response, _relayable(call.initial_metadata()), _relayable(call.trailing_metadata()))

    def _relayed(self, route: Route, error: Any) -> Refusal:
        """The backend's status, details and trailing metadata, for the client."""
        code: grpc.StatusCode = error.code()
        details: str = error.details() or ""
        trailing = _relayable(error.trailing_metadata())
        from_backend = any(key == STATUS_DETAILS_HEADER for key, _ in trailing)
        zh, en = AREA_LABELS.get(route.area, (route.area, f"the {route.area} service"))
        if code == grpc.StatusCode.CANCELLED and not from_backend:
            # The backend dropped the call (it was stopping); the client may try again.
            code = grpc.StatusCode.UNAVAILABLE
        if code == grpc.StatusCode.UNAVAILABLE and not from_backend:
            # gRPC's own text names internal addresses: log it, do not show it.
            log.warning("%s unavailable for %s: %s", route.area, route.method, details)
            details = f"{zh}暂不可用 / {en} is unavailable, try again"
        elif code == grpc.StatusCode.DEADLINE_EXCEEDED and not from_backend:
            details = f"{zh}未能在时限内答复 / {en} did not answer before the deadline"
        return Refusal(code, details, trailing)
