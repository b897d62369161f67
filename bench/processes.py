"""Child processes of a bench run: start one, wait until it answers gRPC health, read its CPU
time, stop it. Only through process entry points (`python -m ...`) and the health protocol,
so the harness does not depend on how the services are built inside."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

HEALTH_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class StartError(RuntimeError):
    pass


def free_port() -> int:
    """A port nobody listens on now (never the default ports: the kernel picks from its ephemeral range)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Metered(Protocol):
    """Something whose CPU time the bench reads: a child process, or a group of processes."""

    @property
    def name(self) -> str: ...

    def cpu_seconds(self) -> float: ...


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (all threads), from /proc; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, proc(5)).
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


@dataclass
class Child:
    name: str
    address: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.process.pid)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class PostgresBackends:
    """The PostgreSQL server processes serving a run's databases (their process title names the
    database), so the server's work for the stack counts as the stack's, not as other load.
    A backend that exits mid-window takes its CPU time with it: the pools keep theirs open."""

    database_prefix: str
    name: str = "postgres"

    def cpu_seconds(self) -> float:
        total = 0.0
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                title = cmdline.read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres:") and self.database_prefix.encode() in title:
                total += _cpu_seconds(int(cmdline.parent.name))
        return total


def start(name: str, args: Sequence[str], *, port: int, env: Mapping[str, str], log_dir: Path) -> Child:
    """Start `python <args>` and wait until it reports SERVING on 127.0.0.1:`port`."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, *args],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    child = Child(name, f"127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartError(f"{name} exited with {process.returncode}:\n{child.log_tail()}")
        if _serving(child.address):
            return child
        time.sleep(0.2)
    stop([child])
    raise StartError(
        f"{name} did not answer health within {HEALTH_TIMEOUT_SECONDS:.0f}s:\n{child.log_tail()}"
    )


def _serving(address: str) -> bool:
    with grpc.insecure_channel(address) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1.0)
        except grpc.RpcError:
            return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def stop(children: Sequence[Child]) -> None:
    """SIGTERM every child still running, then SIGKILL whoever has not exited in time."""
    running = [c for c in children if c.process.poll() is None]
    for child in running:
        child.process.send_signal(signal.SIGTERM)
    for child in running:
        try:
            child.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / _CLOCK_TICKS


class CpuMeter:
    """CPU used over a span by some children, by this process (the load generator) and by the
    whole machine: the machine's figure less ours is what others ran meanwhile (noise)."""

    def __init__(self, children: Sequence[Metered]) -> None:
        self._children = list(children)
        self._wall = time.monotonic()
        self._own = time.process_time()
        self._machine = machine_busy_seconds()
        self._theirs = {c.name: c.cpu_seconds() for c in self._children}

    def read(self) -> dict[str, float]:
        """Cores used since the meter was made: per child, "loadgen" (this process), "machine"
        (every process on the box), "others" (machine less ours), and "wall_s"."""
        wall = max(time.monotonic() - self._wall, 1e-9)
        cores = {c.name: (c.cpu_seconds() - self._theirs[c.name]) / wall for c in self._children}
        cores["loadgen"] = (time.process_time() - self._own) / wall
        cores["machine"] = (machine_busy_seconds() - self._machine) / wall
        cores["others"] = max(0.0, cores["machine"] - sum(v for k, v in cores.items() if k != "machine"))
        cores["wall_s"] = wall
        return cores


def wait_quiet(
    children: Sequence[Metered], *, below_cores: float = 0.08, settle_s: float = 1.0, timeout_s: float = 45.0
) -> float:
    """Wait until the children together use less than `below_cores` over `settle_s` (the relays
    have delivered the backlog a phase left behind); the seconds waited. Gives up after `timeout_s`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        before = sum(c.cpu_seconds() for c in children)
        time.sleep(settle_s)
        if (sum(c.cpu_seconds() for c in children) - before) / settle_s < below_cores:
            break
    return time.monotonic() - started
