"""A service whose contract is not built yet: it serves health and reflection only."""

from __future__ import annotations

from services.common.server import RunningServer, create_server
from services.common.settings import Settings
from services.common.telemetry import setup_tracing


def build(name: str, settings: Settings) -> RunningServer:
    return create_server(
        registrations=[],
        service_names=[],
        address=f"{settings.host}:{settings.port_for(name)}",
        tracer_provider=setup_tracing(name),
        max_workers=settings.max_workers,
    )
