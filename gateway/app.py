"""Wiring of the gateway: the proxy, health, reflection of every backend service.

`build_gateway()` returns a bound, not yet started server, so tests run it in-process
on port 0; `python -m gateway` builds it and serves until SIGTERM.

The gRPC front runs on grpc.aio (gateway/front.py): a call waiting on a backend holds no thread.
Each backend still gets a share of the calls in flight (gateway/bulkhead.py), so a hung backend
cannot take them all. The browser edge keeps its own threads and forwards through the same proxy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opentelemetry.trace import TracerProvider

from gateway.backend_health import BackendHealth
from gateway.front import AioFront
from gateway.proxy import GatewayProxy
from gateway.staff_keys import StaffKeys
from gateway.tokens import TokenVerifier
from gateway.web.app import ConnectEdge
from gateway.web.calls import ConnectCalls
from gateway.web.server import WebEdge
from gateway.web.sessions import Sessions
from gateway.web.settings import WebSettings
from services.common import metrics
from services.common.contracts import AREAS, service_names
from services.common.server import Worker
from services.common.server_spans import aio_server_span_interceptors
from services.common.settings import Settings
from services.common.telemetry import setup_tracing

# Health service name of the gateway itself ("" answers too).
HEALTH_NAME = "gateway"


@dataclass
class GatewayServer:
    server: AioFront
    proxy: GatewayProxy
    workers: list[Worker] = field(default_factory=list)
    # The browser edge's port (Connect over HTTP), when it was asked for.
    web_port: int | None = None

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> None:
        """Start serving, then the workers."""
        self.server.start()
        for worker in self.workers:
            worker.start()

    def stop(self, grace: float) -> None:
        self.server.enter_graceful_shutdown()
        for worker in self.workers:
            worker.stop(grace)
        self.server.stop(grace)
        self.proxy.close()

    def wait_for_termination(self) -> None:
        self.server.wait_for_termination()


def backend_service_names() -> list[str]:
    """Every service a backend serves; the gateway lists them all in reflection."""
    return [name for area in AREAS for name in service_names(area)]


def build_gateway(
    settings: Settings, *, tracer_provider: TracerProvider | None = None, web: WebSettings | None = None
) -> GatewayServer:
    """Build and bind the gateway (port 0 picks a free one); start it with `.start()`. With `web`,
    the browser edge too, on the same proxy (routes, tokens, access rules, backend shares)."""
    provider = tracer_provider or setup_tracing("gateway")
    # People's tokens: the staff service's keys, fetched and refreshed; demo tokens: the key folder.
    staff_keys = StaffKeys(
        settings.backend_address("staff"),
        settings.resolved_internal_key(),
        refresh=settings.token_keys_refresh_seconds,
    )
    verifier = TokenVerifier(settings.resolved_public_keys_dir(), staff=staff_keys)
    proxy = GatewayProxy(
        settings=settings,
        verifier=verifier,
        internal_key=settings.resolved_internal_key(),
        tracer_provider=provider,
    )
    front = AioFront(
        address=f"{settings.host}:{settings.port_for('gateway')}",
        service_names=[*backend_service_names(), HEALTH_NAME],
        handlers=proxy.open_aio_channels,
        interceptors=lambda: [
            *aio_server_span_interceptors(provider),
            *([metrics.AioServerDuration()] if metrics.exported() else []),
        ],
        closers=[proxy.close_aio_channels],
    )
    workers: list[Worker] = [
        staff_keys,
        # Each backend's services are SERVING at the gateway only while that backend answers.
        BackendHealth(
            front.set_health,
            proxy.backend_channels,
            {area: service_names(area) for area in proxy.backend_channels},
        ),
    ]
    web_port = None
    if web is not None:
        edge = WebEdge(
            ConnectEdge(
                proxy,
                ConnectCalls(proxy, provider),
                Sessions(proxy, provider, secure=web.cookie_secure),
                web,
            ),
            settings.host,
            web.resolved_port(),
            grace=settings.grace_seconds,
        )
        workers.append(edge)
        web_port = edge.port
    return GatewayServer(server=front, proxy=proxy, workers=workers, web_port=web_port)
