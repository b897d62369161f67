"""The browser edge's settings, from TONGBAN_WEB_* variables (read when the gateway starts)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

WEB_PORT = 50080


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TONGBAN_WEB_", extra="ignore")

    # Where the edge listens (on the gateway's host); -1: WEB_PORT; 0: a free port (tests).
    port: int = -1
    # The session cookie is Secure (sent over HTTPS only) unless a local run turns it off.
    cookie_secure: bool = True
    # The largest request body taken, as the gRPC side's default receive limit.
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    # Threads forwarding the edge's calls (each waits on a backend; the bulkhead bounds each backend).
    workers: int = Field(default=64, ge=1)

    # The built console served at /; unset: web/dist of this checkout (`make setup` builds it).
    static_dir: Path | None = None

    def resolved_port(self) -> int:
        return WEB_PORT if self.port < 0 else self.port
