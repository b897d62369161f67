"""`python -m gateway`: the single public gRPC endpoint (port 50051 by default), and the browser
edge (Connect over HTTP, port 50080 by default) in the same process."""

from __future__ import annotations

from gateway.app import build_gateway
from gateway.web.settings import WebSettings
from services.common.logs import configure_logging
from services.common.metrics import setup_metrics
from services.common.server import serve
from services.common.settings import Settings
from services.common.telemetry import setup_tracing


def main() -> None:
    settings = Settings()
    text_format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    configure_logging("gateway", settings.log_format, text_format=text_format)
    provider = setup_tracing("gateway")
    setup_metrics("gateway")
    running = build_gateway(settings, tracer_provider=provider, web=WebSettings())
    serve(running, name="gateway", grace=settings.grace_seconds)


if __name__ == "__main__":
    main()
