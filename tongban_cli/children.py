"""The processes of a local run: start one with its log, wait for its health check, read its
log's tail, stop them all."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

HOST = "127.0.0.1"
HEALTH_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
LOG_TAIL_LINES = 15


@dataclass
class Child:
    name: str
    address: str
    process: subprocess.Popen[bytes]
    log_path: Path


def exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"被信号 {signal.Signals(-code).name} 结束"
        except ValueError:
            return f"被信号 {-code} 结束"
    return f"退出码 {code}"


def start(name: str, module: str, address: str, log_path: Path, env: dict[str, str]) -> Child:
    """`python -m module`, its output appended to log_path."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Own process group: Ctrl-C reaches only `up`, which stops the children in order.
            process_group=0,
        )
    return Child(name, address, process, log_path)


def serving(address: str) -> bool:
    """The process at `address` answers the gRPC health check with SERVING."""
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1.0)
        except grpc.RpcError:
            return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def wait_healthy(child: Child, stop: threading.Event, timeout: float = HEALTH_TIMEOUT_SECONDS) -> str | None:
    """None once the child answers SERVING (or `stop` is set), else why not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = child.process.poll()
        if code is not None:
            return f"{child.name} 启动后退出（{exit_text(code)}）"
        if stop.is_set() or serving(child.address):
            return None
        stop.wait(0.3)
    return f"{child.name} 在 {timeout:.0f} 秒内没有通过健康检查（{child.address}）"


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        content = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "    （没有日志）"
    return "\n".join(f"    {line}" for line in content[-lines:]) or "    （日志为空）"


def stop_all(children: Sequence[Child], timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    """SIGTERM to every child still running, wait up to `timeout` each, then SIGKILL."""
    running = [c for c in children if c.process.poll() is None]
    for child in running:
        child.process.send_signal(signal.SIGTERM)
    for child in running:
        try:
            child.process.wait(timeout)
        except subprocess.TimeoutExpired:
            print(f"{child.name} 在 {timeout:.0f} 秒内没有退出，强制结束。", file=sys.stderr)
            child.process.kill()
            child.process.wait()
