"""A local run: keys, schemas, the demo catalogue and organisation (`setup`), then every process (`up`).

`up` starts the four services and the gateway as separate processes (logs in var/log/), waits
for each to answer the gRPC health check, records where the stack runs for `tongban` in any
directory (tongban_cli/local.py), then supervises: a child that dies is restarted with back-off
(tongban_cli/supervisor.py). Ctrl-C or SIGTERM stops them all: SIGTERM, up to 10 s each, then
SIGKILL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import IO

from gateway.web.settings import WEB_PORT
from services.common.contracts import AREAS
from services.common.settings import GATEWAY_PORT, SERVICE_PORTS
from services.common.tokens import ensure_internal_key, generate_keys, has_signing_keys
from tongban_cli import demo, local
from tongban_cli.children import HOST, LOG_TAIL_LINES, Child, log_tail, serving, start, stop_all, wait_healthy
from tongban_cli.client import CliError
from tongban_cli.supervisor import Supervisor

# Variables that would make every child pick the same port or address.
_NOT_INHERITED = ("TONGBAN_PORT", "TONGBAN_HOST")


def child_environment(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env["TONGBAN_VAR_DIR"] = str(var_dir)
    env["PYTHONUNBUFFERED"] = "1"
    # The browser edge serves plain http://127.0.0.1 here: a Secure cookie would not be kept.
    env.setdefault("TONGBAN_WEB_COOKIE_SECURE", "false")
    return env


def _run_step(args: Sequence[str], what: str, env: dict[str, str]) -> None:
    print(f"  {what} …", flush=True)
    result = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip().splitlines()[-LOG_TAIL_LINES:]
        tail = "\n".join(f"    {line}" for line in output)
        raise CliError(f"{what}失败（退出码 {result.returncode}）：\n{tail}")


def refuse_second_key_set(var_dir: Path) -> None:
    """New keys here while `make run` serves with the keys of another run directory would sign
    tokens its gateway refuses ("签名无效"): say where the running stack is instead."""
    run = local.read()
    if run is None or has_signing_keys(var_dir / "keys"):
        return
    if run.var_dir.resolve() == var_dir.resolve() or not has_signing_keys(run.var_dir / "keys"):
        return
    if not serving(run.gateway):
        return
    raise CliError(
        f"本机已有一套正在运行的通办：运行目录 {run.var_dir}，网关 {run.gateway}（由 make run 启动，"
        f"记录在 {local.config_path()}）。在 {var_dir.resolve()} 另建一套签名密钥，签出的令牌会被"
        "这个网关拒绝（签名无效），所以没有新建。\n"
        "  取令牌：在任何目录直接运行 tongban token clerk-gaogou（会使用正在运行的那套密钥）。\n"
        "  若确要在这里另起一套：先在运行 make run 的终端按 Ctrl-C 停止它，再在这里运行 make run。"
    )


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
    # Sites, windows and people: acceptance and approval get their copies by event once staff runs.
    _run_step(["-m", "services.staff", "seed"], "载入演示组织机构和人员", env)
    print("准备完成。")


def ports_in_use(ports: Sequence[int]) -> list[int]:
    """Ports on which something already listens (another `make run`, say)."""
    busy = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((HOST, port)) == 0:
                busy.append(port)
    return busy


def _print_welcome(gateway: str, var_dir: Path, config: Path, out: IO[str]) -> None:
    users = demo.load_users()
    print(f"\n通办已启动，网关地址 {gateway}（日志在 {var_dir / 'log'}）。", file=out)
    print(f"网页工作台（用浏览器打开，演示密码 tongban-demo）http://{HOST}:{WEB_PORT}/", file=out)
    print(f"浏览器入口（Connect 协议，网关进程内，与工作台同一端口）http://{HOST}:{WEB_PORT}", file=out)
    print(f"运行目录和网关地址已记在 {config}：在任何目录下，tongban 都会找到这套本地运行。", file=out)
    print("演示用户（角色、站点）：", file=out)
    print("\n".join(f"  {demo.describe(u)}" for u in users), file=out)
    print("\n在另一个终端获取令牌：", file=out)
    print("  export TONGBAN_TOKEN=$(tongban token clerk-gaogou)", file=out)
    print("示例：", file=out)
    print("  tongban catalog list --site 320826101", file=out)
    print("某个进程意外退出时会自动重启（间隔从 1 秒起逐次加倍，最长 30 秒）。", file=out)
    print("按 Ctrl-C 停止全部进程。", file=out, flush=True)


def up(var_dir: Path) -> int:
    """Set up, start everything, wait for health, then supervise until a signal."""
    plan = {area: (f"services.{area}", SERVICE_PORTS[area]) for area in AREAS}
    plan["gateway"] = ("gateway", GATEWAY_PORT)
    # The browser edge listens in the gateway's process, on a port of its own.
    busy = ports_in_use([*(port for _module, port in plan.values()), WEB_PORT])
    if busy:
        raise CliError(
            f"端口 {'、'.join(map(str, busy))} 已被占用：也许已有一个 make run 在运行，请先停止它"
            "（在它的终端按 Ctrl-C）。"
        )
    setup(var_dir)
    var_dir = var_dir.resolve()
    env = child_environment(var_dir)
    gateway = f"{HOST}:{GATEWAY_PORT}"
    config = local.write(local.LocalRun(var_dir=var_dir, gateway=gateway))
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    def launch(name: str) -> Child:
        module, port = plan[name]
        return start(name, module, f"{HOST}:{port}", var_dir / "log" / f"{name}.log", env)

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    supervisor = Supervisor(lambda old: launch(old.name), sys.stdout)
    started: list[Child] = []
    try:
        for name in plan:
            child = launch(name)
            started.append(child)
            problem = wait_healthy(child, stop)
            if stop.is_set():
                print("\n已取消启动，正在停止已启动的进程 …", flush=True)
                return 0
            if problem is not None:
                print(f"启动失败：{problem}。最后的日志（{child.log_path}）：", file=sys.stderr)
                print(log_tail(child.log_path), file=sys.stderr)
                return 1
            supervisor.watch(child)
            print(f"  {name} 已就绪（{child.address}）", flush=True)
        _print_welcome(gateway, var_dir, config, sys.stdout)
        supervisor.run(stop)
        print("\n正在停止全部进程 …", flush=True)
        return 0
    finally:
        # The gateway first, then the services: the reverse of the start. A restarted child
        # replaces the one first started; one waiting for its restart is not running.
        current = {c.name: c for c in started} | {c.name: c for c in supervisor.running()}
        stop_all([current[name] for name in reversed(plan) if name in current])
        if started:
            print("全部进程已停止。", flush=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
