"""Wiring of the gateway: the proxy, health, reflection of every backend service.

`build_gateway()` returns a bound, not yet started server, so tests run it in-process
on port 0; `python -m gateway` builds it and serves until SIGTERM.

The gateway runs the synchronous thread-pool server like the services do: it forwards raw
bytes, so a thread per in-flight call is cheap; each backend gets a share of the threads
(gateway/bulkhead.py), so a hung backend cannot take them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from grpc_health.v1 import health_pb2
from opentelemetry.trace import TracerProvider

from gateway.backend_health import BackendHealth
from gateway.proxy import GatewayProxy
from gateway.staff_keys import StaffKeys
from gateway.tokens import TokenVerifier
from gateway.web.app import ConnectEdge
from gateway.web.calls import ConnectCalls
from gateway.web.server import WebEdge
from gateway.web.sessions import Sessions
from gateway.web.settings import WebSettings
from services.common.contracts import AREAS, service_names
from services.common.server import RunningServer, create_server
from services.common.settings import Settings
from services.common.telemetry import setup_tracing

# Health service name of the gateway itself ("" answers too).
HEALTH_NAME = "gateway"


@dataclass
class GatewayServer(RunningServer):
    proxy: GatewayProxy
    # The browser edge's port (Connect over HTTP), when it was asked for.
    web_port: int | None = None

    def stop(self, grace: float) -> None:
        super().stop(grace)
        self.proxy.close()


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
    running = create_server(
        registrations=(),
        service_names=backend_service_names(),
        address=f"{settings.host}:{settings.port_for('gateway')}",
        tracer_provider=provider,
        handlers=[proxy],
        workers=[staff_keys],
        max_workers=settings.gateway_max_workers,
        traced=proxy.traced,
    )
    running.health.set(HEALTH_NAME, health_pb2.HealthCheckResponse.SERVING)
    # Each backend's services are SERVING at the gateway only while that backend answers.
    running.workers.append(
        BackendHealth(
            running.health,
            proxy.backend_channels,
            {area: service_names(area) for area in proxy.backend_channels},
        )
    )
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
        running.workers.append(edge)
        web_port = edge.port
    return GatewayServer(
        server=running.server,
        health=running.health,
        port=running.port,
        service_names=running.service_names,
        workers=running.workers,
        proxy=proxy,
        web_port=web_port,
    )
