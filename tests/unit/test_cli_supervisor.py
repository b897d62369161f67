"""`tongban up` as a supervisor: a child that dies is restarted with a doubling back-off, told
on the console with its log; stopping stops everything, also while a restart is pending."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tongban_cli import stack
from tongban_cli.children import Child, stop_all
from tongban_cli.supervisor import Backoff, Supervisor

CRASH = "print('数据库连接失败'); raise SystemExit(3)"
SLEEP = "import time; time.sleep(60)"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _child(name: str, code: str, log: Path) -> Child:
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT)
    return Child(name, "127.0.0.1:9", process, log)


def _dead(child: Child) -> Child:
    child.process.wait(timeout=20)
    return child


def test_backoff_doubles_up_to_the_longest() -> None:
    backoff = Backoff(first=1, longest=30)
    assert [backoff.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_dying_child_is_restarted_with_a_doubling_backoff(tmp_path: Path) -> None:
    clock, out = Clock(), io.StringIO()
    launched: list[Child] = []

    def relaunch(old: Child) -> Child:
        launched.append(_dead(_child(old.name, CRASH, old.log_path)))
        return launched[-1]

    supervisor = Supervisor(relaunch, out, clock=clock, healthy=lambda _c: True)
    supervisor.watch(_dead(_child("approval", CRASH, tmp_path / "approval.log")))
    for number, delay in enumerate((1, 2, 4, 8), start=1):
        # Binary fractions of a second: the sums stay exact.
        clock.now += 0.25
        supervisor.tick()  # notices the death
        assert supervisor.running() == []
        assert f"，{delay} 秒后第 {number} 次重启。" in out.getvalue()
        clock.now += delay - 0.5
        supervisor.tick()  # not yet
        assert len(launched) == number - 1
        clock.now += 0.5
        supervisor.tick()  # restarts it
        assert len(launched) == number
    assert len(launched) == 4
    text = out.getvalue()
    assert "approval 意外退出（退出码 3，运行了 0 秒），1 秒后第 1 次重启。" in text
    assert "正在重启 approval（第 3 次）…" in text
    assert "    数据库连接失败" in text  # the log's tail
    # Each restart is marked in the child's log, so its tail reads in order.
    assert (tmp_path / "approval.log").read_text(encoding="utf-8").count("次重启 -----") == 4


def test_a_run_that_lasted_resets_the_backoff(tmp_path: Path) -> None:
    clock, out = Clock(), io.StringIO()
    supervisor = Supervisor(
        lambda old: _dead(_child(old.name, CRASH, old.log_path)), out, clock=clock, healthy=lambda _c: True
    )
    supervisor.watch(_dead(_child("staff", CRASH, tmp_path / "staff.log")))
    clock.now = 0.5
    supervisor.tick()
    clock.now = 1.5
    supervisor.tick()  # restart 1, started at 1.5
    clock.now = 3.0
    supervisor.tick()  # dies again soon: 2 s
    assert "2 秒后第 2 次重启" in out.getvalue()
    clock.now = 5.0
    supervisor.tick()  # restart 2, started at 5
    clock.now = 5.0 + 61
    supervisor.tick()  # ran for a minute before dying: back to 1 s
    assert "运行了 61 秒），1 秒后第 1 次重启" in out.getvalue()


def test_recovery_is_told_once_the_child_answers_again(tmp_path: Path) -> None:
    clock, out = Clock(), io.StringIO()
    answers = iter([False, True])
    replacement: list[Child] = []

    def relaunch(old: Child) -> Child:
        replacement.append(_child(old.name, SLEEP, old.log_path))
        return replacement[-1]

    supervisor = Supervisor(relaunch, out, clock=clock, healthy=lambda _c: next(answers))
    supervisor.watch(_dead(_child("gateway", CRASH, tmp_path / "gateway.log")))
    try:
        for now in (0.1, 1.1, 1.6, 2.1):
            clock.now = now
            supervisor.tick()
        assert "gateway 已恢复（127.0.0.1:9）。" in out.getvalue()
        assert supervisor.running() == replacement
    finally:
        stop_all(replacement, timeout=5)


def test_stopping_ends_every_child_and_no_pending_restart_happens(tmp_path: Path) -> None:
    out = io.StringIO()
    relaunched: list[Child] = []

    def relaunch(old: Child) -> Child:
        relaunched.append(_child(old.name, SLEEP, old.log_path))
        return relaunched[-1]

    # A real clock, short intervals: what `tongban up` does between Ctrl-C and the stop.
    supervisor = Supervisor(relaunch, out, backoff=Backoff(first=30), healthy=lambda _c: True)
    steady = _child("acceptance", SLEEP, tmp_path / "acceptance.log")
    supervisor.watch(steady)
    supervisor.watch(_child("supervision", CRASH, tmp_path / "supervision.log"))
    stop = threading.Event()
    watcher = threading.Thread(target=supervisor.run, args=(stop, 0.05))
    watcher.start()
    deadline = time.monotonic() + 20
    while "supervision 意外退出" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()  # Ctrl-C while supervision waits 30 s for its restart
    watcher.join(timeout=5)
    stop_all(supervisor.running(), timeout=5)
    assert not watcher.is_alive()
    assert steady.process.returncode == -15
    assert relaunched == []


def test_up_restarts_a_dying_service_and_stops_all_on_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tongban up` itself, with fake children and no ports: staff dies once after start."""
    launched: list[Child] = []

    def fake_start(name: str, _module: str, address: str, log_path: Path, _env: dict[str, str]) -> Child:
        first_staff = name == "staff" and not any(c.name == "staff" for c in launched)
        child = _child(
            name, "import time; time.sleep(0.3); raise SystemExit(5)" if first_staff else SLEEP, log_path
        )
        launched.append(child)
        return child

    monkeypatch.setattr(stack, "ports_in_use", lambda _ports: [])
    monkeypatch.setattr(stack, "setup", lambda var_dir: (var_dir / "log").mkdir(parents=True))
    monkeypatch.setattr(stack, "start", fake_start)
    monkeypatch.setattr(stack, "wait_healthy", lambda _child, _stop: None)

    def interrupt_after_the_restart() -> None:
        deadline = time.monotonic() + 30
        while sum(c.name == "staff" for c in launched) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        signal.raise_signal(signal.SIGINT)  # Ctrl-C

    threading.Thread(target=interrupt_after_the_restart, daemon=True).start()
    assert stack.up(tmp_path / "var") == 0
    out = capsys.readouterr().out
    assert "staff 意外退出（退出码 5" in out and "1 秒后第 1 次重启" in out
    assert "正在重启 staff（第 1 次）…" in out
    assert "全部进程已停止。" in out
    assert [c.name for c in launched].count("staff") == 2
    assert all(c.process.poll() is not None for c in launched)
