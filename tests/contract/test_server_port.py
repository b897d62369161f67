"""A server started on a port another server holds stops with an error that says so, instead of
sharing the port's connections with it (gRPC's default SO_REUSEPORT would let both run)."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry import trace

from services.common.server import RunningServer, create_server


def _server(address: str, name: str) -> RunningServer:
    return create_server(
        registrations=[],
        service_names=[name],
        address=address,
        tracer_provider=trace.NoOpTracerProvider(),
    )


def test_a_second_server_on_a_port_in_use_refuses_to_start() -> None:
    first = _server("127.0.0.1:0", "tongban.test.v1.First")
    first.start()
    try:
        with pytest.raises(SystemExit, match="is the port in use"):
            _server(f"127.0.0.1:{first.port}", "tongban.test.v1.Second")
        # Every call still reaches the first server.
        with grpc.insecure_channel(f"127.0.0.1:{first.port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            for _ in range(20):
                reply = health.Check(
                    health_pb2.HealthCheckRequest(service="tongban.test.v1.First"), timeout=5
                )
                assert reply.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        first.server.stop(0).wait()
