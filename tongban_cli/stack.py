"""A local run: keys, schemas and the demo catalogue (`setup`), then every process (`up`).

`up` starts the four services and the gateway as separate processes (logs in var/log/),
waits for each to answer the gRPC health check, and on Ctrl-C or SIGTERM stops them all:
SIGTERM, up to 10 s each, then SIGKILL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.contracts import AREAS
from services.common.settings import GATEWAY_PORT, SERVICE_PORTS
from services.common.tokens import ensure_internal_key, generate_keys
from tongban_cli import demo
from tongban_cli.client import CliError

HOST = "127.0.0.1"
HEALTH_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
LOG_TAIL_LINES = 15
# Variables that would make every child pick the same port or address.
_NOT_INHERITED = ("TONGBAN_PORT", "TONGBAN_HOST")


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


def child_environment(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env["TONGBAN_VAR_DIR"] = str(var_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _run_step(args: Sequence[str], what: str, env: dict[str, str]) -> None:
    print(f"  {what} …", flush=True)
    result = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip().splitlines()[-LOG_TAIL_LINES:]
        tail = "\n".join(f"    {line}" for line in output)
        raise CliError(f"{what}失败（退出码 {result.returncode}）：\n{tail}")


def setup(var_dir: Path) -> None:
    """Keys, database schemas for every area and the demo catalogue; safe to run again."""
    var_dir = var_dir.resolve()
    keys_dir = var_dir / "keys"
    (var_dir / "log").mkdir(parents=True, exist_ok=True)
    print(f"准备本地运行目录 {var_dir}")
    print(f"  令牌签名密钥 {demo.DEMO_KID} …", flush=True)
    generate_keys(keys_dir, demo.DEMO_KID)
    ensure_internal_key(keys_dir / "internal.key")
    env = child_environment(var_dir)
    for area in AREAS:
        _run_step(["-m", f"services.{area}", "migrate"], f"建立 {area} 数据库", env)
    _run_step(["-m", "services.acceptance", "seed"], "载入演示事项目录", env)
    print("准备完成。")


def _start(name: str, module: str, port: int, var_dir: Path, env: dict[str, str]) -> Child:
    log_path = var_dir / "log" / f"{name}.log"
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
    return Child(name, f"{HOST}:{port}", process, log_path)


def ports_in_use(ports: Sequence[int]) -> list[int]:
    """Ports on which something already listens (another `tongban up`, say)."""
    busy = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((HOST, port)) == 0:
                busy.append(port)
    return busy


def _serving(address: str) -> bool:
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
        if stop.is_set() or _serving(child.address):
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


def _print_welcome(gateway: str, var_dir: Path, out: IO[str]) -> None:
    users = demo.load_users()
    print(f"\n通办已启动，网关地址 {gateway}（日志在 {var_dir / 'log'}）。", file=out)
    print("演示用户（角色、站点）：", file=out)
    print("\n".join(f"  {demo.describe(u)}" for u in users), file=out)
    print("\n获取令牌：", file=out)
    print(f"  export TONGBAN_VAR_DIR={var_dir}", file=out)
    print("  export TONGBAN_TOKEN=$(tongban token clerk-gaogou)", file=out)
    print(f"  export TONGBAN_GATEWAY={gateway}", file=out)
    print("示例：", file=out)
    print("  tongban catalog list --site 320826101", file=out)
    print("按 Ctrl-C 停止全部进程。", file=out, flush=True)


def up(var_dir: Path) -> int:
    """Set up, start everything, wait for health, run until a signal or a child's death."""
    plan = [(a, f"services.{a}", SERVICE_PORTS[a]) for a in AREAS]
    plan.append(("gateway", "gateway", GATEWAY_PORT))
    busy = ports_in_use([port for _name, _module, port in plan])
    if busy:
        raise CliError(
            f"端口 {'、'.join(map(str, busy))} 已被占用：也许已有一个 tongban up 在运行，请先停止它。"
        )
    setup(var_dir)
    var_dir = var_dir.resolve()
    env = child_environment(var_dir)
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    children: list[Child] = []
    try:
        for name, module, port in plan:
            child = _start(name, module, port, var_dir, env)
            children.append(child)
            problem = wait_healthy(child, stop)
            if stop.is_set():
                print("\n已取消启动，正在停止已启动的进程 …", flush=True)
                return 0
            if problem is not None:
                print(f"启动失败：{problem}。最后的日志（{child.log_path}）：", file=sys.stderr)
                print(log_tail(child.log_path), file=sys.stderr)
                return 1
            print(f"  {name} 已就绪（{child.address}）", flush=True)
        _print_welcome(children[-1].address, var_dir, sys.stdout)
        while not stop.wait(0.5):
            for child in children:
                code = child.process.poll()
                if code is not None:
                    print(
                        f"{child.name} 意外退出（{exit_text(code)}），停止其余进程。最后的日志：\n"
                        f"{log_tail(child.log_path)}",
                        file=sys.stderr,
                    )
                    return 1
        print("\n正在停止全部进程 …", flush=True)
        return 0
    finally:
        stop_all(list(reversed(children)))
        if children:
            print("全部进程已停止。", flush=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
