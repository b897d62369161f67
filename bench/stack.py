"""A Tongban stack for one bench run: `tongban setup`, the four services and the gateway as
separate processes on free ports (as `make run` starts them), a clock set to a working day, and
the demo users' credentials.

Only public entry points are used: the `tongban` CLI for setup and tokens, `python -m
services.<area>` and `python -m gateway` configured by the documented TONGBAN_* variables. The
one internal helper is the identity assertion the gateway signs (`services.common.identity`),
needed to call acceptance directly for the "direct" read figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import processes
from bench.processes import Child
from services.common.identity import IDENTITY_HEADER, Caller, sign_identity

# The service processes (`python -m services.<area>`, TONGBAN_<AREA>_ADDR), as README.md lists them.
AREAS = ("acceptance", "approval", "staff", "supervision")
TONGBAN = str(Path(sys.executable).parent / "tongban")
# A Monday in 2026: the calendar (chinesecalendar) knows 2004–2026 only, and every date the
# lifecycle computes from here (promised 15 working days, one extension, 10 days to issue)
# stays inside 2026. Every case of a run is received on this one day, so each site's cases
# share one daily case-number counter. The processes' clocks start there and run
# (TONGBAN_CLOCK_OFFSET_SECONDS: the system clock moved, as cheap to read as production's).
CLOCK = "2026-03-02T09:30:00+08:00"
TOKEN_HOURS = "4"


@dataclass(frozen=True)
class User:
    """A demo user (deploy/demo/users.json) the bench acts as."""

    user_id: str
    site_code: str
    window_code: str = ""
    department_code: str = ""


@dataclass
class Stack:
    var_dir: Path
    env: dict[str, str]
    gateway: str
    children: dict[str, Child] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)

    def address(self, name: str) -> str:
        return self.children[name].address

    def token(self, user_id: str) -> str:
        """A bearer token as a clerk gets one: `tongban token USER` (cached for the run)."""
        if user_id not in self._tokens:
            self._tokens[user_id] = tongban(self.env, "token", user_id, "--hours", TOKEN_HOURS)
        return self._tokens[user_id]

    def bearer(self, user_id: str) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token(user_id)}"),)

    def identity(self, user: User, roles: frozenset[str]) -> tuple[tuple[str, str], ...]:
        """The header the gateway would add, for calling a service directly (signed once, valid 1 h)."""
        key = (self.var_dir / "keys" / "internal.key").read_bytes().strip()
        caller = Caller(user.user_id, user.site_code, roles, user.department_code)
        return ((IDENTITY_HEADER, sign_identity(caller, key, lifetime=timedelta(hours=1))),)


def tongban(env: Mapping[str, str], *args: str) -> str:
    result = subprocess.run([TONGBAN, *args], env=dict(env), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise processes.StartError(f"tongban {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def base_env(var_dir: Path, database_url: str = "") -> dict[str, str]:
    """The environment of every process of the run (no OTLP endpoint: spans are made, not exported)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TONGBAN_", "OTEL_EXPORTER_OTLP"))}
    env.update(
        TONGBAN_VAR_DIR=str(var_dir),
        TONGBAN_CLOCK_OFFSET_SECONDS=str(_offset_to(datetime.fromisoformat(CLOCK))),
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["TONGBAN_DATABASE_URL"] = database_url
    return env


def _offset_to(moment: datetime) -> float:
    """Seconds from now to `moment`: every process started with it reads `moment` now."""
    return (moment - datetime.now(UTC)).total_seconds()


def prepare(var_dir: Path, database_url: str = "") -> dict[str, str]:
    """Keys, schemas and the demo catalogue (`tongban setup`); the run's environment."""
    (var_dir / "log").mkdir(parents=True, exist_ok=True)
    env = base_env(var_dir, database_url)
    tongban(env, "setup", "--var", str(var_dir))
    return env


@contextmanager
def running(var_dir: Path, env: Mapping[str, str]) -> Iterator[Stack]:
    """The four services, then the gateway, each on a free port; all stopped on exit."""
    ports = {name: processes.free_port() for name in (*AREAS, "gateway")}
    child_env = dict(env, **{f"TONGBAN_{a.upper()}_ADDR": f"127.0.0.1:{ports[a]}" for a in AREAS})
    stack = Stack(var_dir, child_env, f"127.0.0.1:{ports['gateway']}")
    try:
        for name in (*AREAS, "gateway"):
            module = "gateway" if name == "gateway" else f"services.{name}"
            stack.children[name] = processes.start(
                name,
                ["-m", module],
                port=ports[name],
                env=dict(child_env, TONGBAN_PORT=str(ports[name])),
                log_dir=var_dir / "log",
            )
        yield stack
    finally:
        processes.stop(list(reversed(stack.children.values())))
