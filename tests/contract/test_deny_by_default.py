"""A service serves only what declares an access rule; health and reflection stay open."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from opentelemetry.sdk.trace import TracerProvider

from services.common.calls import IdentityInterceptor
from services.common.server import RunningServer, create_server
from tests.support import INTERNAL_KEY, as_role, identity_metadata

# Served by the server below, declared in no proto: no access rule exists for them.
UNDECLARED = ("/tongban.probe.v1.ProbeService/Ping", "/example.Other/Call")


class _Undeclared(grpc.GenericRpcHandler):  # type: ignore[misc]
    def __init__(self) -> None:
        self.calls = 0

    def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        if details.method not in UNDECLARED:
            return None

        def answer(request: bytes, context: grpc.ServicerContext) -> bytes:
            self.calls += 1
            return request

        return grpc.unary_unary_rpc_method_handler(answer)


@pytest.fixture
def served() -> Iterator[tuple[RunningServer, _Undeclared, grpc.Channel]]:
    handler = _Undeclared()
    running = create_server(
        registrations=[],
        service_names=[],
        address="127.0.0.1:0",
        tracer_provider=TracerProvider(),
        interceptors=[IdentityInterceptor(INTERNAL_KEY)],
        handlers=[handler],
    )
    running.server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        yield running, handler, channel
    finally:
        channel.close()
        running.server.stop(0).wait()


@pytest.mark.parametrize("method", UNDECLARED)
def test_a_method_without_an_access_rule_is_refused_to_every_role(
    served: tuple[RunningServer, _Undeclared, grpc.Channel], method: str
) -> None:
    _, handler, channel = served
    call = channel.unary_unary(method)
    for role in (
        "clerk",
        "reviewer",
        "centre_admin",
        "township_officer",
        "inspector",
        "catalogue_officer",
        "service",
    ):
        with pytest.raises(grpc.RpcError) as caught:
            call(b"ping", metadata=identity_metadata(as_role(role)), timeout=5)
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "access rule" in caught.value.details()
    assert handler.calls == 0


def test_health_and_reflection_need_no_identity(
    served: tuple[RunningServer, _Undeclared, grpc.Channel],
) -> None:
    _, _, channel = served
    reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
    services = ProtoReflectionDescriptorDatabase(channel).get_services()
    assert "grpc.health.v1.Health" in services
