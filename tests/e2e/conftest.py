"""The whole stack as `make run` starts it: setup, four services and the gateway as
separate processes, here on free ports, exporting spans to a test collector."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.common.contracts import AREAS
from tests.e2e.collector import Collector
from tongban_cli import stack

START = "2026-09-28T09:30:00+08:00"
TONGBAN = str(Path(sys.executable).parent / "tongban")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stack:
    gateway: str
    var_dir: Path
    collector: Collector
    children: list[stack.Child]

    def env(self, token: str = "") -> dict[str, str]:
        env = dict(os.environ, TONGBAN_VAR_DIR=str(self.var_dir), TONGBAN_GATEWAY=self.gateway)
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

    def stop(self) -> None:
        stack.stop_all(list(reversed(self.children)))


@pytest.fixture(scope="session")
def e2e(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var_dir = tmp_path_factory.mktemp("var")
    (var_dir / "clock").write_text(START)
    collector = Collector()
    collector.server.start()
    os.environ["TONGBAN_VAR_DIR"] = str(var_dir)
    stack.setup(var_dir)
    ports = {name: _free_port() for name in [*AREAS, "gateway"]}
    env = dict(
        stack.child_environment(var_dir),
        TONGBAN_CLOCK_FILE=str(var_dir / "clock"),
        OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{collector.port}",
        OTEL_EXPORTER_OTLP_INSECURE="true",
        OTEL_BSP_SCHEDULE_DELAY="100",
        **{f"TONGBAN_{area.upper()}_ADDR": f"127.0.0.1:{ports[area]}" for area in AREAS},
    )
    children: list[stack.Child] = []
    never = threading.Event()
    running = Stack(f"127.0.0.1:{ports['gateway']}", var_dir, collector, children)
    try:
        for name in [*AREAS, "gateway"]:
            module = "gateway" if name == "gateway" else f"services.{name}"
            log_path = var_dir / "log" / f"{name}.log"
            with log_path.open("ab") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", module],
                    env=dict(env, TONGBAN_PORT=str(ports[name])),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            child = stack.Child(name, f"127.0.0.1:{ports[name]}", process, log_path)
            children.append(child)
            problem = stack.wait_healthy(child, never)
            assert problem is None, f"{problem}\n{stack.log_tail(log_path)}"
        yield running
    finally:
        running.stop()
        collector.server.stop(0)
