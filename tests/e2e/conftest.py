"""The whole stack as `make run` starts it: setup, four services and the gateway as
separate processes, here on free ports, exporting spans to a test collector."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import col, select

from services.acceptance import app as acceptance_app
from services.acceptance.seed import load_catalog
from services.approval import app as approval_app
from services.common import migrations
from services.common.contracts import AREAS
from services.common.outbox import OutboxEvent
from services.common.settings import Settings
from services.staff import app as staff_app
from services.staff.seed import load_organisation
from services.supervision import app as supervision_app
from tests.e2e.collector import Collector
from tests.support import wait_until
from tongban_cli import stack
from tongban_cli.children import Child, log_tail, stop_all, wait_healthy

START = "2026-09-28T09:30:00+08:00"
TONGBAN = str(Path(sys.executable).parent / "tongban")


# Ports for the stacks' processes come from below Linux's ephemeral range (32768–60999): a port the
# kernel handed out for port 0 was free when probed, but until the child process binds it, any
# other test's in-process server on port 0 (or a client's outgoing connection) could take it, and
# the child's health check then reached that server instead (UNIMPLEMENTED on every call after).
_STACK_PORTS = range(20000, 32768)
_handed_out: set[int] = set()


def _free_port() -> int:
    while True:
        port = random.choice(_STACK_PORTS)
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port


@dataclass
class Stack:
    gateway: str
    var_dir: Path
    collector: Collector
    children: list[Child]
    child_env: dict[str, str]
    ports: dict[str, int]
    # Each process's Prometheus endpoint, when the stack was started with metrics.
    metrics_ports: dict[str, int] = field(default_factory=dict)

    def env(self, token: str = "") -> dict[str, str]:
        env = dict(os.environ, TONGBAN_VAR_DIR=str(self.var_dir), TONGBAN_GATEWAY=self.gateway)
        # The CLI exports its spans to the collector too, as the services do.
        env.update({key: value for key, value in self.child_env.items() if key.startswith("OTEL_")})
        if token:
            env["TONGBAN_TOKEN"] = token
        return env

    def token(self, user: str) -> str:
        out = subprocess.run(
            [TONGBAN, "token", user], env=self.env(), capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    def cli(self, user: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [TONGBAN, *args], env=self.env(self.token(user)), capture_output=True, text=True, timeout=60
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tongban {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def cli_json(self, user: str, *args: str) -> dict[str, object]:
        return json.loads(self.cli(user, "--json", *args).stdout)  # type: ignore[no-any-return]

    def set_clock(self, moment: str) -> None:
        """Move every service's clock (they read the file on each call)."""
        (self.var_dir / "clock").write_text(moment)

    def address(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    @property
    def web(self) -> str:
        """The browser edge's base URL (Connect over HTTP, in the gateway's process)."""
        return f"http://127.0.0.1:{self.ports['web']}"

    def start(self, name: str) -> Child:
        module = "gateway" if name == "gateway" else f"services.{name}"
        log_path = self.var_dir / "log" / f"{name}.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", module],
                env=dict(
                    self.child_env,
                    TONGBAN_PORT=str(self.ports[name]),
                    **self._extra_env(name),
                    **self._metrics_env(name),
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        child = Child(name, self.address(name), process, log_path)
        self.children[:] = [c for c in self.children if c.name != name] + [child]
        problem = wait_healthy(child, threading.Event())
        assert problem is None, f"{problem}\n{log_tail(log_path)}"
        return child

    def _extra_env(self, name: str) -> dict[str, str]:
        return {"TONGBAN_WEB_PORT": str(self.ports["web"])} if name == "gateway" else {}

    def _metrics_env(self, name: str) -> dict[str, str]:
        if name not in self.metrics_ports:
            return {}
        return {
            "OTEL_METRICS_EXPORTER": "prometheus",
            "OTEL_EXPORTER_PROMETHEUS_HOST": "127.0.0.1",
            "OTEL_EXPORTER_PROMETHEUS_PORT": str(self.metrics_ports[name]),
        }

    def kill(self, name: str) -> None:
        """kill -9: no drain, no goodbye."""
        child = next(c for c in self.children if c.name == name)
        child.process.send_signal(signal.SIGKILL)
        child.process.wait(timeout=30)

    def stop(self) -> None:
        stop_all(list(reversed(self.children)))


def _create_postgres_schemas(var_dir: Path, url: str) -> None:
    settings = Settings(var_dir=var_dir, database_url=url)
    for area, database in (
        ("acceptance", acceptance_app.database(settings)),
        ("approval", approval_app.database(settings)),
        ("staff", staff_app.database(settings)),
        ("supervision", supervision_app.database(settings)),
    ):
        migrations.upgrade(database, area)
        database.dispose()
    catalog = acceptance_app.database(settings)
    load_catalog(catalog)
    catalog.dispose()
    organisation = staff_app.database(settings)
    load_organisation(organisation)
    organisation.dispose()


def _organisation_delivered(var_dir: Path, database_url: str) -> bool:
    """The demo organisation's events reached acceptance and approval (their copies are complete)."""
    settings = Settings(var_dir=var_dir, database_url=database_url)
    database = staff_app.database(settings)
    try:
        with database.reading() as session:
            return not session.exec(
                select(OutboxEvent).where(col(OutboxEvent.delivered_at).is_(None))
            ).first()
    finally:
        database.dispose()


@contextmanager
def running_stack(
    var_dir: Path, *, database_url: str = "", start: str = START, metrics: bool = False
) -> Iterator[Stack]:
    """Setup, then every service and the gateway as separate processes on free ports, their
    clock at `start` (an ISO timestamp) until a test moves it."""
    (var_dir / "clock").write_text(start)
    collector = Collector()
    collector.server.start()
    os.environ["TONGBAN_VAR_DIR"] = str(var_dir)
    stack.setup(var_dir)
    if database_url:
        _create_postgres_schemas(var_dir, database_url)
    ports = {name: _free_port() for name in [*AREAS, "gateway", "web"]}
    env = dict(
        stack.child_environment(var_dir),
        TONGBAN_CLOCK_FILE=str(var_dir / "clock"),
        # A relay wakes at once on its own process's commits; its poll only finds what another
        # process wrote. Polling every 0.2 s, an idle stack took 16 % of a core (the suite keeps
        # several alive at once); every 2 s, 5 %.
        TONGBAN_RELAY_POLL_SECONDS="2",
        TONGBAN_RELAY_MAX_BACKOFF_SECONDS="2",
        # Supervision sweeps once at start; the tests (and the README) sweep when they move the
        # clock (`tongban supervision sweep`), so a background pass never races them.
        TONGBAN_SWEEP_SECONDS="3600",
        OTEL_TRACES_EXPORTER="otlp",
        OTEL_EXPORTER_OTLP_PROTOCOL="grpc",
        OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{collector.port}",
        OTEL_EXPORTER_OTLP_INSECURE="true",
        OTEL_BSP_SCHEDULE_DELAY="100",
        **{f"TONGBAN_{area.upper()}_ADDR": f"127.0.0.1:{ports[area]}" for area in AREAS},
    )
    if database_url:
        env["TONGBAN_DATABASE_URL"] = database_url
    metrics_ports = {name: _free_port() for name in [*AREAS, "gateway"]} if metrics else {}
    running = Stack(f"127.0.0.1:{ports['gateway']}", var_dir, collector, [], env, ports, metrics_ports)
    try:
        for name in [*AREAS, "gateway"]:
            running.start(name)
        wait_until(
            lambda: _organisation_delivered(var_dir, database_url), what="the demo organisation's events"
        )
        yield running
    finally:
        running.stop()
        collector.server.stop(0)


@pytest.fixture(scope="session")
def e2e(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("var")) as started:
        yield started
