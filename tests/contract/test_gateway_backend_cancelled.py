"""A backend that drops a call with CANCELLED (gRPC's server shutdown does that to calls that reached
a stopping server but no handler yet, tests/e2e/test_faults_under_load.py) is tried again by the
gateway, and the client hears UNAVAILABLE, which it retries with its request_id, never CANCELLED."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from opentelemetry.sdk.trace import TracerProvider
from tongban.approval.v1 import approval_pb2, approval_pb2_grpc

from gateway.app import GatewayServer, build_gateway
from services.common.settings import Settings
from services.common.tokens import ensure_internal_key, generate_keys, issue_token
from tests.contract.test_gateway import bearer

ATTEMPTS = 3  # the gateway's retry policy (gateway/proxy.py)


class Dropping(grpc.GenericRpcHandler):  # type: ignore[misc]
    """A backend whose every call is cancelled by the server, as a stopping server does."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def service(self, _details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        def behaviour(_request: bytes, context: grpc.ServicerContext) -> bytes:
            with self._lock:
                self.calls += 1
            context.abort(grpc.StatusCode.CANCELLED, "CANCELLED")
            raise AssertionError("abort raises")

        return grpc.unary_unary_rpc_method_handler(behaviour)


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[tuple[GatewayServer, Dropping, str]]:
    keys = tmp_path / "keys"
    generate_keys(keys, "k1")
    ensure_internal_key(keys / "internal.key")
    dropping = Dropping()
    backend = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    backend.add_generic_rpc_handlers((dropping,))
    port = backend.add_insecure_port("127.0.0.1:0")
    backend.start()
    settings = Settings(
        var_dir=tmp_path,
        port=0,
        internal_key_file=keys / "internal.key",
        jwt_public_keys_dir=keys / "public",
        approval_addr=f"127.0.0.1:{port}",
    )
    running = build_gateway(settings, tracer_provider=TracerProvider())
    running.server.start()
    try:
        yield running, dropping, issue_token("reviewer-nj", "320826000", ["reviewer"], keys_dir=keys)
    finally:
        running.stop(0)
        backend.stop(0)


def test_a_call_the_backend_dropped_is_retried_then_unavailable(
    gateway: tuple[GatewayServer, Dropping, str],
) -> None:
    running, dropping, token = gateway
    with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        reviews = approval_pb2_grpc.ReviewServiceStub(channel)
        with pytest.raises(grpc.RpcError) as failed:
            reviews.GetReview(
                approval_pb2.GetReviewRequest(case_no="320826101-20261127-0001"),
                metadata=bearer(token),
                timeout=10,
            )
    assert failed.value.code() == grpc.StatusCode.UNAVAILABLE
    assert dropping.calls == ATTEMPTS
