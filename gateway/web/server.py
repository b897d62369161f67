"""The edge's HTTP server: hypercorn (HTTP/1.1, and HTTP/2 in cleartext with prior knowledge or
an upgrade) on its own thread and event loop inside the gateway process, started and stopped as
one of the gateway server's workers. Its socket is bound when built, so port 0 gives a free port
the caller can read at once, as the gRPC side does."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from typing import cast

from hypercorn.asyncio import serve
from hypercorn.config import Config
from hypercorn.typing import ASGIFramework

from gateway.web.app import ConnectEdge

log = logging.getLogger(__name__)


class WebEdge:
    def __init__(self, app: ConnectEdge, host: str, port: int, *, grace: float = 5.0) -> None:
        self._app = app
        try:
            self._socket = socket.create_server((host, port))
        except OSError as exc:
            raise SystemExit(f"cannot listen on {host}:{port} for the browser edge: {exc.strerror}") from None
        self.port = int(self._socket.getsockname()[1])
        self._grace = grace
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="web-edge", daemon=True)
        self._started = threading.Event()

    def start(self) -> None:
        self._thread.start()
        self._started.wait(10)

    def stop(self, timeout: float | None = None) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._app.close()
        if self._socket.fileno() >= 0:
            self._socket.close()  # never handed to hypercorn

    def _config(self) -> Config:
        config = Config()
        # Hypercorn takes the socket over (and closes it when it stops).
        config.bind = [f"fd://{self._socket.detach()}"]
        config.graceful_timeout = self._grace
        config.accesslog = None
        # No Server header: what runs here is nobody else's business.
        config.include_server_header = False
        return config

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._stopping = asyncio.Event()
        stopping = self._stopping
        self._started.set()
        try:
            # The app takes plain dicts; hypercorn's types name each message shape.
            loop.run_until_complete(
                serve(cast(ASGIFramework, self._app), self._config(), shutdown_trigger=stopping.wait)
            )
        except Exception:
            log.exception("the browser edge stopped")
        finally:
            loop.close()
