"""The gateway's gRPC front: a grpc.aio server on an event loop in a thread of its own.

A call waiting on a backend is a suspended coroutine, not a held thread, and the asyncio server
hands each call over fewer times than the thread pool: the barest proxy forwards about 1.4 times
the calls per core on grpc.aio (bench/README.md, "The gateway on grpc.aio"). The rest of the
process keeps its threads (the browser edge, the backend health watcher, the staff keys fetcher,
the signal handler); they reach the loop through the thread-safe methods here.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.common.server import listen

T = TypeVar("T")
HandlerFactory = Callable[[], Sequence[grpc.GenericRpcHandler]]


class AioFront:
    """Bound on `address` when built (port 0 picks one); serves from `start()` to `stop()`.

    `handlers` and `interceptors` are built on the loop (a grpc.aio channel belongs to the loop
    it is made on); `closers` run there at the end (closing those channels)."""

    def __init__(
        self,
        *,
        address: str,
        service_names: Sequence[str],
        handlers: HandlerFactory,
        interceptors: Callable[[], Sequence[grpc.aio.ServerInterceptor]] = lambda: (),
        closers: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
    ) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="grpc-front", daemon=True)
        self._thread.start()
        self._closers = list(closers)
        self._stopped = threading.Event()
        try:
            self._server, self._health, self.port = self._run(
                self._build(address, list(service_names), handlers, interceptors)
            )
        except BaseException:
            self._end_loop()
            raise

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    async def _build(
        self,
        address: str,
        names: list[str],
        handlers: HandlerFactory,
        interceptors: Callable[[], Sequence[grpc.aio.ServerInterceptor]],
    ) -> tuple[grpc.aio.Server, health.aio.HealthServicer, int]:
        # Without SO_REUSEPORT (services.common.server says why).
        server = grpc.aio.server(interceptors=list(interceptors()), options=[("grpc.so_reuseport", 0)])
        servicer = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
        for name in ["", *names]:
            await servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
        reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
        server.add_generic_rpc_handlers(tuple(handlers()))
        return server, servicer, listen(server, address)

    def start(self) -> None:
        self._run(self._server.start())

    def set_health(self, name: str, status: health_pb2.HealthCheckResponse.ServingStatus.ValueType) -> None:
        """Set a service's health (from any thread)."""
        self._run(self._health.set(name, status))

    def enter_graceful_shutdown(self) -> None:
        self._run(self._health.enter_graceful_shutdown())

    def stop(self, grace: float | None) -> None:
        """Let in-flight calls finish for `grace` seconds, refuse new ones, then end the loop."""
        if self._stopped.is_set():
            return
        self._run(self._server.stop(grace))
        for close in self._closers:
            self._run(close())
        self._end_loop()
        self._stopped.set()

    def wait_for_termination(self) -> None:
        self._stopped.wait()

    def _end_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
