"""The gateway in front of a real backend server, both in-process on port 0.

The backend is a small test servicer behind the same IdentityInterceptor the services
use; it records what it received (the caller identity, the metadata, the time left)
so the tests can see exactly what the gateway forwarded.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from grpc_status import rpc_status
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from tongban.acceptance.v1 import (
    acceptance_pb2,
    acceptance_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
)

from gateway.app import GatewayServer, build_gateway
from services.common.calls import IdentityInterceptor, current_call
from services.common.errors import FieldProblem, grpc_errors, invalid_input
from services.common.identity import IDENTITY_HEADER, Caller, sign_identity
from services.common.server import RunningServer, create_server
from services.common.settings import Settings
from services.common.tokens import ensure_internal_key, generate_keys, issue_token

SITE = "320826101"
# Well-formed, so the backend's input limits let them through to the test servicer.
CASE = "320826101-20261127-0001"
BAD_CASE = "320826-GA-XK-999"
SLOW_CASE = "320826101-20261127-9999"
# gRPC itself hands a server a little more time than the client set (measured on a direct
# call without the gateway: timeout 3.0 s arrives as time_remaining 3.009 s, 0.5 s as 0.5008 s).
GRPC_DEADLINE_SLACK = 0.02


@dataclass
class Seen:
    method: str
    caller: Caller
    metadata: dict[str, Any]
    time_remaining: float
    trace_id: int


@dataclass
class Backend:
    calls: list[Seen] = field(default_factory=list)

    def record(self, method: str, context: grpc.ServicerContext) -> Seen:
        seen = Seen(
            method=method,
            caller=current_call().caller,
            metadata=dict(context.invocation_metadata()),
            time_remaining=context.time_remaining(),
            trace_id=trace.get_current_span().get_span_context().trace_id,
        )
        self.calls.append(seen)
        return seen


class EchoCatalog(catalog_pb2_grpc.CatalogServiceServicer):
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @grpc_errors
    def GetMatter(
        self, request: catalog_pb2.GetMatterRequest, context: grpc.ServicerContext
    ) -> catalog_pb2.GetMatterResponse:
        seen = self.backend.record("GetMatter", context)
        if request.code == BAD_CASE:
            raise invalid_input(
                "事项编码格式错误 / the matter code is malformed",
                [
                    FieldProblem("code", "应为 320826-GA-XK-001 形式 / expected 320826-GA-XK-001"),
                    FieldProblem("page_size", "不能为负数 / must not be negative"),
                ],
            )
        context.set_trailing_metadata((("x-served-by", "test-backend"),))
        return catalog_pb2.GetMatterResponse(
            matter=catalog_pb2.Matter(
                code=request.code,
                name=seen.caller.user_id,
                department_code=seen.caller.site_code,
                department_name=",".join(sorted(seen.caller.roles)),
            )
        )


class EchoAcceptance(acceptance_pb2_grpc.AcceptanceServiceServicer):
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @grpc_errors
    def GetCase(
        self, request: acceptance_pb2.GetCaseRequest, context: grpc.ServicerContext
    ) -> acceptance_pb2.GetCaseResponse:
        seen = self.backend.record("GetCase", context)
        if request.case_no == SLOW_CASE:
            finished = threading.Event()
            context.add_callback(finished.set)
            finished.wait(2.0)
        return acceptance_pb2.GetCaseResponse(
            case=acceptance_pb2.Case(
                case_no=request.case_no,
                received_by=seen.caller.user_id,
                site_code=seen.caller.site_code,
                result_summary=",".join(sorted(seen.caller.roles)),
            )
        )

    @grpc_errors
    def SubmitApplication(self, request: Any, context: grpc.ServicerContext) -> Any:
        self.backend.record("SubmitApplication", context)
        return acceptance_pb2.SubmitApplicationResponse()

    @grpc_errors
    def GetDocument(self, request: Any, context: grpc.ServicerContext) -> Any:
        self.backend.record("GetDocument", context)
        return acceptance_pb2.GetDocumentResponse()


@dataclass
class Env:
    tmp: Path
    keys: Path
    internal_key: bytes
    backend: Backend
    backend_server: RunningServer
    gateway: GatewayServer
    channel: grpc.Channel

    def token(self, user: str = "clerk-gaogou", roles: tuple[str, ...] = ("clerk",), **kw: Any) -> str:
        return issue_token(user, SITE, roles, keys_dir=self.keys, **kw)

    @property
    def acceptance(self) -> acceptance_pb2_grpc.AcceptanceServiceStub:
        return acceptance_pb2_grpc.AcceptanceServiceStub(self.channel)

    @property
    def catalog(self) -> catalog_pb2_grpc.CatalogServiceStub:
        return catalog_pb2_grpc.CatalogServiceStub(self.channel)


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def start_backend(key: bytes, backend: Backend) -> RunningServer:
    running = create_server(
        registrations=[
            lambda s: catalog_pb2_grpc.add_CatalogServiceServicer_to_server(EchoCatalog(backend), s),
            lambda s: acceptance_pb2_grpc.add_AcceptanceServiceServicer_to_server(EchoAcceptance(backend), s),
        ],
        service_names=[
            "tongban.acceptance.v1.CatalogService",
            "tongban.acceptance.v1.AcceptanceService",
        ],
        address="127.0.0.1:0",
        tracer_provider=TracerProvider(),
        interceptors=[IdentityInterceptor(key)],
    )
    running.server.start()
    return running


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    yield from _env(tmp_path, TracerProvider())


@pytest.fixture
def untraced_env(tmp_path: Path) -> Iterator[Env]:
    """The gateway of a process that records no spans (no exporter configured)."""
    yield from _env(tmp_path, trace.NoOpTracerProvider())


def _env(tmp_path: Path, provider: trace.TracerProvider) -> Iterator[Env]:
    keys = tmp_path / "keys"
    generate_keys(keys, "k1")
    key_file = keys / "internal.key"
    internal_key = ensure_internal_key(key_file)
    backend = Backend()
    backend_server = start_backend(internal_key, backend)
    settings = Settings(
        var_dir=tmp_path,
        host="127.0.0.1",
        port=0,
        internal_key_file=key_file,
        internal_key="",
        jwt_public_keys_dir=keys / "public",
        acceptance_addr=f"127.0.0.1:{backend_server.port}",
        default_deadline_seconds=3.0,
    )
    gateway = build_gateway(settings, tracer_provider=provider)
    gateway.server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{gateway.port}")
    yield Env(tmp_path, keys, internal_key, backend, backend_server, gateway, channel)
    channel.close()
    gateway.stop(0)
    backend_server.stop(0)


def test_valid_token_reaches_backend_with_the_tokens_identity(env: Env) -> None:
    response, _ = env.acceptance.GetCase.with_call(
        acceptance_pb2.GetCaseRequest(case_no=CASE),
        metadata=bearer(env.token("clerk-gaogou", ("clerk",))),
        timeout=5,
    )
    assert response.case.case_no == CASE
    assert (response.case.received_by, response.case.site_code) == ("clerk-gaogou", SITE)
    assert response.case.result_summary == "clerk"
    [seen] = env.backend.calls
    assert seen.caller == Caller("clerk-gaogou", SITE, frozenset({"clerk"}))
    assert "authorization" not in seen.metadata


def test_several_roles_and_catalog_service(env: Env) -> None:
    response, call = env.catalog.GetMatter.with_call(
        catalog_pb2.GetMatterRequest(code="320826-GA-XK-001"),
        metadata=bearer(env.token("admin-county", ("centre_admin", "inspector"))),
        timeout=5,
    )
    assert response.matter.name == "admin-county"
    assert response.matter.department_name == "centre_admin,inspector"
    # The backend's trailing metadata is relayed on success.
    assert ("x-served-by", "test-backend") in tuple(call.trailing_metadata())


def test_client_metadata_is_forwarded_but_not_the_token(env: Env) -> None:
    env.acceptance.GetCase(
        acceptance_pb2.GetCaseRequest(case_no=CASE),
        metadata=(*bearer(env.token()), ("x-request-source", "window-3")),
        timeout=5,
    )
    [seen] = env.backend.calls
    assert seen.metadata["x-request-source"] == "window-3"
    assert "authorization" not in seen.metadata
    assert IDENTITY_HEADER in seen.metadata


def test_missing_token_is_unauthenticated(env: Env) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        env.acceptance.GetCase(acceptance_pb2.GetCaseRequest(case_no=CASE), timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "缺少访问令牌 / missing bearer token" in caught.value.details()
    assert env.backend.calls == []


def test_not_a_bearer_token_is_unauthenticated(env: Env) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        env.acceptance.GetCase(
            acceptance_pb2.GetCaseRequest(case_no=CASE),
            metadata=(("authorization", "Basic dXNlcjpwYXNz"),),
            timeout=5,
        )
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_expired_token_is_unauthenticated(env: Env) -> None:
    token = env.token(lifetime=timedelta(minutes=-5))
    with pytest.raises(grpc.RpcError) as caught:
        env.acceptance.GetCase(acceptance_pb2.GetCaseRequest(case_no=CASE), metadata=bearer(token), timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "expired" in caught.value.details()
    assert env.backend.calls == []


def test_token_signed_by_another_key_is_unauthenticated(env: Env) -> None:
    other = env.tmp / "other-keys"
    generate_keys(other, "k1")  # same key id, different key
    token = issue_token("clerk-gaogou", SITE, ["clerk"], keys_dir=other)
    with pytest.raises(grpc.RpcError) as caught:
        env.acceptance.GetCase(acceptance_pb2.GetCaseRequest(case_no=CASE), metadata=bearer(token), timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "signature" in caught.value.details()
    generate_keys(other, "k-unknown")
    token = issue_token("clerk-gaogou", SITE, ["clerk"], keys_dir=other, kid="k-unknown")
    with pytest.raises(grpc.RpcError) as caught:
        env.acceptance.GetCase(acceptance_pb2.GetCaseRequest(case_no=CASE), metadata=bearer(token), timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "key id" in caught.value.details()
    assert env.backend.calls == []


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_tampered_token_is_unauthenticated(env: Env) -> None:
    header, payload, signature = env.token("clerk-gaogou", ("clerk",)).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["inspector", "clerk"]
    claims["site"] = "320826000"
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    for token in (forged, "not-a-jwt", f"{header}.{payload}"):
        with pytest.raises(grpc.RpcError) as caught:
            env.acceptance.GetCase(
                acceptance_pb2.GetCaseRequest(case_no=CASE), metadata=bearer(token), timeout=5
            )
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert env.backend.calls == []


@pytest.mark.parametrize(
    ("user", "roles", "rpc", "request_message"),
    [
        (
            "inspector-county",
            ("inspector",),
            "SubmitApplication",
            acceptance_pb2.SubmitApplicationRequest(),
        ),
        (
            "reviewer-county",
            ("reviewer",),
            "WithdrawCase",
            acceptance_pb2.WithdrawCaseRequest(case_no="320826101-20260928-0001"),
        ),
    ],
)
def test_role_outside_the_rpcs_rule_is_denied_and_never_forwarded(
    env: Env, user: str, roles: tuple[str, ...], rpc: str, request_message: Any
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        getattr(env.acceptance, rpc)(request_message, metadata=bearer(env.token(user, roles)), timeout=5)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    details = caught.value.details()
    assert f"/tongban.acceptance.v1.AcceptanceService/{rpc}" in details
    assert "窗口工作人员" in details and "clerk" in details  # the roles that may call it
    assert env.backend.calls == []


def test_client_supplied_identity_header_is_not_trusted(env: Env) -> None:
    forged = sign_identity(
        Caller("admin-county", "320826000", frozenset({"centre_admin", "inspector"})),
        env.internal_key,  # even a correctly signed one: the gateway replaces it
    )
    response = env.acceptance.GetCase(
        acceptance_pb2.GetCaseRequest(case_no=CASE),
        metadata=(*bearer(env.token("clerk-gaogou", ("clerk",))), (IDENTITY_HEADER, forged)),
        timeout=5,
    )
    assert response.case.received_by == "clerk-gaogou"
    [seen] = env.backend.calls
    assert seen.caller == Caller("clerk-gaogou", SITE, frozenset({"clerk"}))


@pytest.mark.parametrize(
    "method",
    [
        "/tongban.acceptance.v1.NoSuchService/Get",
        "/tongban.acceptance.v1.AcceptanceService/NoSuchMethod",
        "/tongban.staff.v1.StaffService/GetStaff",  # area without a contract yet
        "/tongban.events.v1.EventIntakeService/DeliverEvents",  # internal: services only, never routed
        "/example.Other/Call",
    ],
)
def test_unknown_service_or_method_is_unimplemented(env: Env, method: str) -> None:
    call = env.channel.unary_unary(method)
    with pytest.raises(grpc.RpcError) as caught:
        call(b"", metadata=bearer(env.token()), timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "unknown" in caught.value.details()


def test_backend_down_is_unavailable_with_a_clear_message(env: Env) -> None:
    env.backend_server.stop(0)
    with pytest.raises(grpc.RpcError) as caught:
        env.acceptance.GetCase(
            acceptance_pb2.GetCaseRequest(case_no=CASE), metadata=bearer(env.token()), timeout=5
        )
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert caught.value.details() == ("受理服务暂不可用 / the acceptance service is unavailable, try again")


def test_bad_request_details_survive_the_hop(env: Env) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        env.catalog.GetMatter(
            catalog_pb2.GetMatterRequest(code=BAD_CASE), metadata=bearer(env.token()), timeout=5
        )
    error = caught.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == "事项编码格式错误 / the matter code is malformed"
    status = rpc_status.from_call(error)
    assert status is not None
    assert status.message == error.details()
    [detail] = status.details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("code", "应为 320826-GA-XK-001 形式 / expected 320826-GA-XK-001"),
        ("page_size", "不能为负数 / must not be negative"),
    ]


def test_client_deadline_is_propagated(env: Env) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        env.acceptance.GetCase(
            acceptance_pb2.GetCaseRequest(case_no=SLOW_CASE),
            metadata=bearer(env.token()),
            timeout=0.5,
        )
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    [seen] = env.backend.calls
    assert 0 < seen.time_remaining <= 0.5 + GRPC_DEADLINE_SLACK


def test_call_without_deadline_gets_the_default(env: Env) -> None:
    env.acceptance.GetCase(acceptance_pb2.GetCaseRequest(case_no=CASE), metadata=bearer(env.token()))
    [seen] = env.backend.calls
    # default_deadline_seconds=3 in the fixture
    assert 2.0 < seen.time_remaining <= 3.0 + GRPC_DEADLINE_SLACK


def test_trace_context_reaches_the_backend(env: Env) -> None:
    trace_id = 0x4BF92F3577B34DA6A3CE929D0E0E4736
    traceparent = f"00-{trace_id:032x}-00f067aa0ba902b7-01"
    env.acceptance.GetCase(
        acceptance_pb2.GetCaseRequest(case_no=CASE),
        metadata=(*bearer(env.token()), ("traceparent", traceparent)),
        timeout=5,
    )
    [seen] = env.backend.calls
    assert seen.trace_id == trace_id
    # The backend got the gateway's client span as parent, not the client's own span.
    assert seen.metadata["traceparent"] != traceparent
    assert seen.metadata["traceparent"].startswith(f"00-{trace_id:032x}-")


def test_a_gateway_that_records_no_spans_passes_the_trace_context_on_as_it_came(untraced_env: Env) -> None:
    trace_id = 0x4BF92F3577B34DA6A3CE929D0E0E4736
    traceparent = f"00-{trace_id:032x}-00f067aa0ba902b7-01"
    untraced_env.acceptance.GetCase(
        acceptance_pb2.GetCaseRequest(case_no=CASE),
        metadata=(*bearer(untraced_env.token()), ("traceparent", traceparent), ("tracestate", "vendor=1")),
        timeout=5,
    )
    [seen] = untraced_env.backend.calls
    assert seen.trace_id == trace_id
    assert (seen.metadata["traceparent"], seen.metadata["tracestate"]) == (traceparent, "vendor=1")
    assert "authorization" not in seen.metadata
    assert seen.caller.user_id == "clerk-gaogou"


class _TraceOfEachLine(logging.Handler):
    """The trace id current when each log line is written (what the JSON log format records)."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.trace_ids: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.trace_ids.append(trace.get_current_span().get_span_context().trace_id)


def test_an_untraced_gateways_log_lines_still_name_the_callers_trace(untraced_env: Env) -> None:
    trace_id = 0x0AF7651916CD43DD8448EB211C80319C
    lines = _TraceOfEachLine()
    logger = logging.getLogger("gateway.proxy")
    level = logger.level
    logger.addHandler(lines)
    logger.setLevel(logging.INFO)  # as configure_logging sets it in the process
    try:
        with pytest.raises(grpc.RpcError) as caught:
            untraced_env.acceptance.GetCase(
                acceptance_pb2.GetCaseRequest(case_no=CASE),
                metadata=(
                    ("authorization", "Bearer not-a-token"),
                    ("traceparent", f"00-{trace_id:032x}-b7ad6b7169203331-01"),
                ),
                timeout=5,
            )
    finally:
        logger.removeHandler(lines)
        logger.setLevel(level)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert lines.trace_ids == [trace_id]


def test_reflection_through_the_gateway_lists_every_backend_service(env: Env) -> None:
    database = ProtoReflectionDescriptorDatabase(env.channel)
    services = set(database.get_services())
    assert {
        "tongban.acceptance.v1.AcceptanceService",
        "tongban.acceptance.v1.CatalogService",
        "grpc.health.v1.Health",
    } <= services
    file = database.FindFileContainingSymbol("tongban.acceptance.v1.AcceptanceService")
    [service] = [svc for svc in file.service if svc.name == "AcceptanceService"]
    assert "GetCase" in {method.name for method in service.method}


def test_gateway_health(env: Env) -> None:
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    stub = health_pb2_grpc.HealthStub(env.channel)
    for name in ("", "gateway"):
        reply = stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_calling_a_service_directly_without_the_gateway_is_unauthenticated(env: Env) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{env.backend_server.port}") as direct:
        stub = acceptance_pb2_grpc.AcceptanceServiceStub(direct)
        # A bearer token is not an identity assertion; a forged assertion is not either.
        forged = sign_identity(
            Caller("x", SITE, frozenset({"clerk"})),
            b"a-guessed-secret-that-is-long-enough-for-hs256",
        )
        for metadata in (bearer(env.token()), ((IDENTITY_HEADER, forged),)):
            with pytest.raises(grpc.RpcError) as caught:
                stub.GetCase(acceptance_pb2.GetCaseRequest(case_no=CASE), metadata=metadata, timeout=5)
            assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert env.backend.calls == []


def test_streaming_calls_are_not_forwarded(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    # No contract has a streaming RPC yet: pretend GetCase were one.
    path = "/tongban.acceptance.v1.AcceptanceService/GetCase"
    route = env.gateway.proxy.routes[path]
    monkeypatch.setitem(env.gateway.proxy._routes, path, replace(route, streaming=True))
    call = env.channel.stream_stream(path)
    with pytest.raises(grpc.RpcError) as caught:
        list(call(iter([b""]), metadata=bearer(env.token()), timeout=5))
    assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "streaming" in caught.value.details()
    assert env.backend.calls == []


def test_every_contract_rpc_has_a_unary_route_with_an_access_rule(env: Env) -> None:
    routes = env.gateway.proxy.routes
    assert "/tongban.acceptance.v1.AcceptanceService/SubmitApplication" in routes
    assert "/tongban.acceptance.v1.CatalogService/ListSites" in routes
    for route in routes.values():
        assert route.policy is not None, route.method
        assert not route.streaming, route.method
