"""Settings from TONGBAN_* environment variables, read when a process starts (never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_PORTS = {"acceptance": 50061, "approval": 50062, "staff": 50063, "supervision": 50064}
GATEWAY_PORT = 50051
# How long the gateway waits for the staff service's keys and revocations on each fetch.
TOKEN_KEYS_FETCH_DEADLINE_SECONDS = 5.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TONGBAN_", extra="ignore")

    # Where SQLite databases, keys and logs live for a local run.
    var_dir: Path = Path("var")
    # Overrides the per-service default SQLite file, e.g. postgresql+psycopg://host/tongban_{service}.
    database_url: str = ""
    # The database URL read from a file instead (a mounted Kubernetes Secret: the URL holds the
    # password, so it is never an environment variable there); exclusive with database_url.
    database_url_file: Path | None = None
    host: str = "127.0.0.1"
    # 0 means the service's default port (ARCHITECTURE.md); tests pass a free port.
    port: int = -1
    # Secret shared by the gateway and the services to sign the caller's identity.
    internal_key_file: Path | None = None
    internal_key: str = ""
    # Gateway: folder of Ed25519 public keys named <kid>.pem, and backend addresses.
    jwt_public_keys_dir: Path | None = None
    acceptance_addr: str = f"127.0.0.1:{SERVICE_PORTS['acceptance']}"
    approval_addr: str = f"127.0.0.1:{SERVICE_PORTS['approval']}"
    staff_addr: str = f"127.0.0.1:{SERVICE_PORTS['staff']}"
    supervision_addr: str = f"127.0.0.1:{SERVICE_PORTS['supervision']}"
    # Deadline the gateway gives a call when the client set none.
    default_deadline_seconds: float = 10.0
    # Administrator-maintained calendar files for years chinesecalendar does not know.
    calendar_files: list[Path] = []
    # A folder whose *.toml files are calendar files too (a mounted ConfigMap): a year added to
    # it needs no change to calendar_files.
    calendar_dir: Path | None = None
    # When set, the clock reads the current time from this file (demos and tests move time).
    clock_file: Path | None = None
    # Otherwise the system clock moved by this many seconds: processes started with the same
    # offset agree on a chosen day, and time runs (the bench's working day in 2026).
    clock_offset_seconds: float = 0.0
    # Seconds in-flight calls get to finish on SIGTERM.
    grace_seconds: float = 5.0
    max_workers: int = 16
    # Gateway: each backend's share of the calls in flight (gateway/bulkhead.py): a hung backend
    # never holds more than its share, and its extra callers are refused at once. A share well
    # above a county's busiest minute.
    gateway_backend_share: int = 96
    # The outbox relay: events per call, how often an idle relay looks for new rows, how long
    # it lets a commit's neighbours gather before it looks (one call and one receiving
    # transaction for several events: bench/README.md, "Statements per lifecycle"), the
    # back-off after a failed delivery (doubling from min to max), and each call's deadline.
    # A batch is at most what the intake takes (DeliverEventsRequest.events' max_items).
    relay_batch_size: int = Field(default=100, ge=1, le=500)
    relay_poll_seconds: float = 1.0
    relay_gather_seconds: float = Field(default=0.05, ge=0, le=1)
    relay_min_backoff_seconds: float = 0.5
    relay_max_backoff_seconds: float = 30.0
    relay_deadline_seconds: float = 10.0
    # Staff sign-in: a login token's lifetime; failures in a row that lock an account, and for
    # how long; how long a new signing key is published before it signs (gateways fetch it first).
    login_token_minutes: int = Field(default=60, ge=1, le=480)
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_minutes: float = Field(default=15.0, gt=0)
    signing_key_lead_seconds: float = Field(default=30.0, ge=0)
    # Gateway: how often it fetches the staff service's public keys and revoked accounts. A
    # disabled account's tokens are refused within this plus one fetch (README, "Staff").
    token_keys_refresh_seconds: float = Field(default=10.0, gt=0, le=30)

    # Supervision: the rules' configuration (TOML: [rules.<name>] tables of parameters, and
    # `enabled = false` to leave a rule out; README, "Supervision rules"), and how often the
    # sweep looks for cases and days due.
    rules_file: Path | None = None
    sweep_seconds: float = Field(default=60.0, gt=0)
    # "json": one JSON object a line on stdout, for a container's log collector;
    # "text": the readable lines of a local run (services/common/logs.py).
    log_format: Literal["text", "json"] = "text"

    @model_validator(mode="after")
    def _read_files(self) -> Settings:
        """Fill in what comes from files: the database URL and the calendar folder's files."""
        if self.database_url_file is not None:
            if self.database_url:
                raise ValueError("set TONGBAN_DATABASE_URL or TONGBAN_DATABASE_URL_FILE, not both")
            try:
                self.database_url = self.database_url_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ValueError(f"database URL file {self.database_url_file}: {exc.strerror}") from None
            if not self.database_url:
                raise ValueError(f"database URL file {self.database_url_file} is empty")
        if self.calendar_dir is not None:
            if not self.calendar_dir.is_dir():
                raise ValueError(f"calendar folder {self.calendar_dir} is not a folder")
            # Sorted: the same files load in the same order on every replica. A mounted
            # ConfigMap's own entries (..data and the like) start with dots and do not match.
            self.calendar_files = [*self.calendar_files, *sorted(self.calendar_dir.glob("*.toml"))]
        return self

    def database_url_for(self, service: str) -> str:
        # Database per service: "{service}" in the URL names each service's own database.
        if self.database_url:
            return self.database_url.replace("{service}", service)
        return f"sqlite:///{self.var_dir / f'{service}.db'}"

    def port_for(self, service: str) -> int:
        if self.port >= 0:
            return self.port
        return GATEWAY_PORT if service == "gateway" else SERVICE_PORTS[service]

    def revocation_lag_seconds(self) -> float:
        """How long a gateway may still take a revoked token: one fetch interval and one fetch."""
        return self.token_keys_refresh_seconds + TOKEN_KEYS_FETCH_DEADLINE_SECONDS

    def backend_address(self, service: str) -> str:
        return str(getattr(self, f"{service}_addr"))

    def resolved_internal_key(self) -> bytes:
        if self.internal_key:
            return self.internal_key.encode()
        path = self.internal_key_file or self.var_dir / "keys" / "internal.key"
        try:
            return path.read_bytes().strip()
        except FileNotFoundError as exc:
            raise SystemExit(
                f"internal key {path} is missing: run `tongban setup` or set TONGBAN_INTERNAL_KEY"
            ) from exc

    def resolved_public_keys_dir(self) -> Path:
        return self.jwt_public_keys_dir or self.var_dir / "keys" / "public"
