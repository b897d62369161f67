"""`python -m bench.bare_proxy --port N --target HOST:PORT [--aio]`: the least a gRPC Python proxy
can do.

It is the bound of the gateway's echo figure. Any call, health checks included, is forwarded as
raw bytes to the target with the caller's metadata and time left, on the same synchronous server
and thread pool the gateway runs: no token, no access rule, no identity header, no bulkhead, no
tracing, no metrics. The gateway does a server's and a client's work per call; this is what
those two cost in gRPC Python on this machine, with nothing of the gateway's own added.

With `--aio` the same proxy runs on grpc.aio (one event loop, a coroutine per call): the bound a
gateway built on grpc.aio would have, measured beside the one it has.
"""

from __future__ import annotations

import argparse
import asyncio
from concurrent import futures
from typing import Any

import grpc

from bench.echo import serve_until_stopped

# The thread pool the gateway had before its front moved to grpc.aio.
MAX_WORKERS = 256


class BareProxy(grpc.GenericRpcHandler):  # type: ignore[misc]
    def __init__(self, target: str) -> None:
        self._channel = grpc.insecure_channel(target)
        self._methods: dict[str, Any] = {}

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> Any:
        method = str(handler_call_details.method)
        forward = self._methods.get(method) or self._methods.setdefault(
            method, self._channel.unary_unary(method)
        )

        def behaviour(request: bytes, context: grpc.ServicerContext) -> bytes:
            reply: bytes = forward(
                request, timeout=context.time_remaining(), metadata=context.invocation_metadata()
            )
            return reply

        return grpc.unary_unary_rpc_method_handler(behaviour)


class BareAioProxy(grpc.GenericRpcHandler):  # type: ignore[misc]
    """The same forwarding on grpc.aio: built inside the running event loop (its channel's)."""

    def __init__(self, target: str) -> None:
        self._channel = grpc.aio.insecure_channel(target)
        self._methods: dict[str, Any] = {}

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> Any:
        method = str(handler_call_details.method)
        forward = self._methods.get(method) or self._methods.setdefault(
            method, self._channel.unary_unary(method)
        )

        async def behaviour(request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
            reply: bytes = await forward(
                request, timeout=context.time_remaining(), metadata=context.invocation_metadata()
            )
            return reply

        return grpc.unary_unary_rpc_method_handler(behaviour)


async def serve_aio(port: int, target: str) -> None:
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((BareAioProxy(target),))
    if server.add_insecure_port(f"127.0.0.1:{port}") == 0:
        raise SystemExit(f"bare proxy: cannot listen on 127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_proxy")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--aio", action="store_true", help="run on grpc.aio instead of the thread pool")
    args = parser.parse_args()
    if args.aio:
        # Stopped by the harness's SIGTERM, which ends the process.
        asyncio.run(serve_aio(args.port, args.target))
        return
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="bare"))
    server.add_generic_rpc_handlers((BareProxy(args.target),))
    if server.add_insecure_port(f"127.0.0.1:{args.port}") == 0:
        raise SystemExit(f"bare proxy: cannot listen on 127.0.0.1:{args.port}")
    serve_until_stopped(server)


if __name__ == "__main__":
    main()
