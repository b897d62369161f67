"""`tongban up` process handling: a child that dies at start, stopping with SIGTERM then SIGKILL."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from tongban_cli.children import Child, exit_text, log_tail, stop_all, wait_healthy


def _child(name: str, code: str, log: Path) -> Child:
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT)
    # Port 9 (discard) on localhost: nothing answers the health check there.
    return Child(name, "127.0.0.1:9", process, log)


def test_a_child_that_exits_at_start_is_reported(tmp_path: Path) -> None:
    child = _child("staff", "print('数据库无法打开'); raise SystemExit(3)", tmp_path / "staff.log")
    problem = wait_healthy(child, threading.Event(), timeout=20)
    assert problem == "staff 启动后退出（退出码 3）"
    assert "数据库无法打开" in log_tail(child.log_path)


def test_stop_sends_sigterm_then_sigkill(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    polite = _child("polite", "import time; time.sleep(60)", tmp_path / "polite.log")
    stubborn = _child(
        "stubborn",
        "import signal, time, pathlib; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        f"pathlib.Path({str(ready)!r}).touch(); time.sleep(60)",
        tmp_path / "stubborn.log",
    )
    deadline = time.monotonic() + 20
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    stop_all([polite, stubborn], timeout=1.0)
    assert time.monotonic() - started < 10
    assert polite.process.returncode == -15  # SIGTERM
    assert stubborn.process.returncode == -9  # SIGKILL


def test_log_tail_of_a_missing_log(tmp_path: Path) -> None:
    assert "没有日志" in log_tail(tmp_path / "none.log")


def test_exit_text() -> None:
    assert exit_text(3) == "退出码 3"
    assert exit_text(-9) == "被信号 SIGKILL 结束"
