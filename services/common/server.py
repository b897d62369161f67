"""The gRPC server factory shared by every service.

`create_server()` builds a server with health, reflection and the interceptors, and
carries the process's background workers (e.g. the outbox relay); `serve()` starts the
server, then the workers, and on SIGTERM/SIGINT reports NOT_SERVING, stops the workers
and lets in-flight calls finish within the grace period.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any, Protocol

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry.trace import TracerProvider

from services.common import metrics
from services.common.metrics import ServerDuration, shutdown_metrics
from services.common.server_spans import server_span_interceptors
from services.common.telemetry import shutdown_tracing

log = logging.getLogger(__name__)

Registration = Callable[[grpc.Server], None]


class Worker(Protocol):
    """A background task of a service process, e.g. the outbox relay."""

    def start(self) -> None: ...

    def stop(self, timeout: float | None = None) -> None: ...


@dataclass
class RunningServer:
    server: grpc.Server
    health: health.HealthServicer
    port: int
    service_names: list[str]
    # Keyword-only, so subclasses (the gateway's) may still add fields without defaults.
    workers: list[Worker] = field(default_factory=list, kw_only=True)

    def start(self) -> None:
        """Start serving, then the workers (they may call other services at once)."""
        self.server.start()
        for worker in self.workers:
            worker.start()

    def stop(self, grace: float) -> None:
        self.health.enter_graceful_shutdown()
        # Workers first: nothing new is sent out while the last calls drain.
        for worker in self.workers:
            worker.stop(grace)
        self.server.stop(grace).wait()

    def wait_for_termination(self) -> None:
        self.server.wait_for_termination()


class Serving(Protocol):
    """What serve() runs: a service's server, or the gateway's (gateway/app.py)."""

    @property
    def port(self) -> int: ...

    def start(self) -> None: ...

    def stop(self, grace: float) -> None: ...

    def wait_for_termination(self) -> None: ...


def create_server(
    *,
    registrations: Sequence[Registration],
    service_names: Sequence[str],
    address: str,
    tracer_provider: TracerProvider,
    interceptors: Sequence[grpc.ServerInterceptor] = (),
    handlers: Sequence[grpc.GenericRpcHandler] = (),
    workers: Sequence[Worker] = (),
    max_workers: int = 16,
    traced: bool = True,
) -> RunningServer:
    """Build and bind a server (port 0 picks a free one); the caller starts it (`start()`).

    Without `traced` the server makes no spans and joins no trace: for the gateway when it records
    no spans, which passes the caller's trace headers on as they came instead.
    """
    spans = server_span_interceptors(tracer_provider) if traced else []
    durations = [ServerDuration()] if metrics.exported() else []
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="rpc"),
        interceptors=[*spans, *durations, *interceptors],
        # gRPC binds with SO_REUSEPORT by default: a second process on a port already in use would
        # start, and the kernel would share the port's connections between the two (a client then
        # meets the other one's "Method not found"). Without it, the second one stops with an error.
        options=[("grpc.so_reuseport", 0)],
    )
    for register in registrations:
        register(server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = list(service_names)
    for name in ["", *names]:
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    if handlers:
        server.add_generic_rpc_handlers(tuple(handlers))
    port = listen(server, address)
    return RunningServer(server, health_servicer, port, names, workers=list(workers))


def listen(server: grpc.Server | grpc.aio.Server, address: str) -> int:
    """Bind `address` (port 0 picks one); the port, or SystemExit when it cannot be had."""
    try:
        port = server.add_insecure_port(address)
    except RuntimeError:  # grpcio raises where older releases returned 0
        port = 0
    if port == 0:
        raise SystemExit(f"cannot listen on {address}: is the port in use?")
    return int(port)


def serve(running: Serving, *, name: str, grace: float, on_stop: Callable[[], Any] = lambda: None) -> None:
    """Serve until SIGTERM or SIGINT, then drain in-flight calls for `grace` seconds."""
    stopped = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        if stopped.is_set():
            return
        stopped.set()
        log.info("%s: signal %s, draining for %.1fs", name, signal.Signals(signum).name, grace)
        threading.Thread(target=running.stop, args=(grace,), daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    running.start()
    log.info("%s listening on port %d", name, running.port)
    running.wait_for_termination()
    on_stop()
    shutdown_tracing()
    shutdown_metrics()
    log.info("%s stopped", name)
