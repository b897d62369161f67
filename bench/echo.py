"""`python -m bench.echo --port N`: a gRPC server that answers every unary call with its request.

It is the backend of the echo figures. The bench points a real, unmodified gateway process at
it as if it were acceptance (TONGBAN_ACCEPTANCE_ADDR) and calls a real acceptance route through
that gateway: the gateway does all of its per-call work (token, access rule, identity header,
tracing, forwarding) while the backend does none. No echo RPC is added to the product's
contracts, and the gateway needs no bench-only route table.

The server is built like the services' (synchronous `grpc.server`, a thread pool of 16, health)
but without their interceptors, so "direct" is the ceiling of raw gRPC Python on this machine.
"""

from __future__ import annotations

import argparse
import signal
import threading
from concurrent import futures
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

MAX_WORKERS = 16  # the services' default (services.common.settings.Settings.max_workers)


def _echo(request: bytes, _context: grpc.ServicerContext) -> bytes:
    return request


class EchoHandler(grpc.GenericRpcHandler):  # type: ignore[misc]
    """Any method: raw bytes in, the same bytes out (no (de)serializer on either side)."""

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> Any:
        if str(handler_call_details.method).startswith("/grpc.health."):
            return None  # left to the health servicer
        return grpc.unary_unary_rpc_method_handler(_echo)


def build(port: int) -> tuple[grpc.Server, int]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="echo"))
    health_servicer = health.HealthServicer()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    server.add_generic_rpc_handlers((EchoHandler(),))
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    if bound == 0:
        raise SystemExit(f"echo: cannot listen on 127.0.0.1:{port}")
    return server, bound


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.echo")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server, _port = build(args.port)
    serve_until_stopped(server)


def serve_until_stopped(server: grpc.Server) -> None:
    """Serve until SIGTERM or SIGINT."""
    stopping = threading.Event()

    def _stop(_signum: int, _frame: object) -> None:
        if not stopping.is_set():
            stopping.set()
            server.stop(1)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server.start()
    server.wait_for_termination()


if __name__ == "__main__":
    main()
