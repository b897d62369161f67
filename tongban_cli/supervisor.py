"""Keeps the processes of a local run running: a child that dies is started again after a
back-off that doubles (1 s, 2 s, 4 s … up to 30 s) while it keeps dying, and starts again from
1 s once a run has lasted a minute. Each death and restart is told on the console in Chinese,
with the tail of the child's log."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from tongban_cli.children import Child, exit_text, log_tail, serving


@dataclass(frozen=True)
class Backoff:
    first: float = 1.0
    longest: float = 30.0
    # A child that ran this long before dying was healthy: its next restart waits `first` again.
    stable_after: float = 60.0

    def delay(self, failures: int) -> float:
        """Seconds to wait before restart number `failures` (1, 2, …) of a run of deaths."""
        return float(min(self.longest, self.first * 2 ** max(0, failures - 1)))


@dataclass
class _Watched:
    child: Child
    started_at: float
    running: bool = True
    failures: int = 0
    restart_at: float = 0.0
    recovering: bool = False


class Supervisor:
    """Watches children already started and healthy; `tick` looks once, `run` until stopped."""

    def __init__(
        self,
        relaunch: Callable[[Child], Child],
        out: TextIO,
        *,
        backoff: Backoff | None = None,
        healthy: Callable[[Child], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._relaunch = relaunch
        self._out = out
        self._backoff = backoff or Backoff()
        self._healthy = healthy or (lambda child: serving(child.address))
        self._clock = clock
        self._watched: list[_Watched] = []

    def watch(self, child: Child) -> None:
        self._watched.append(_Watched(child, started_at=self._clock()))

    def running(self) -> list[Child]:
        """The children now running, in the order they were watched."""
        return [w.child for w in self._watched if w.running]

    def run(self, stop: threading.Event, interval: float = 0.5) -> None:
        while not stop.wait(interval):
            self.tick()

    def tick(self) -> None:
        now = self._clock()
        for watched in self._watched:
            if watched.running:
                code = watched.child.process.poll()
                if code is not None:
                    self._died(watched, code, now)
                elif watched.recovering and self._healthy(watched.child):
                    watched.recovering = False
                    self._say(f"{watched.child.name} 已恢复（{watched.child.address}）。")
            elif now >= watched.restart_at:
                self._restart(watched, now)

    def _died(self, watched: _Watched, code: int, now: float) -> None:
        child = watched.child
        uptime = now - watched.started_at
        if uptime >= self._backoff.stable_after:
            watched.failures = 0
        watched.failures += 1
        delay = self._backoff.delay(watched.failures)
        watched.running = False
        watched.recovering = False
        watched.restart_at = now + delay
        self._say(
            f"{child.name} 意外退出（{exit_text(code)}，运行了 {uptime:.0f} 秒），"
            f"{delay:g} 秒后第 {watched.failures} 次重启。最后的日志（{child.log_path}）：\n"
            f"{log_tail(child.log_path)}"
        )

    def _restart(self, watched: _Watched, now: float) -> None:
        name = watched.child.name
        with watched.child.log_path.open("a", encoding="utf-8") as log:
            log.write(
                f"----- tongban up：{datetime.now():%Y-%m-%d %H:%M:%S} 第 {watched.failures} 次重启 -----\n"
            )
        watched.child = self._relaunch(watched.child)
        watched.started_at = now
        watched.running = True
        watched.recovering = True
        self._say(f"正在重启 {name}（第 {watched.failures} 次）…")

    def _say(self, text: str) -> None:
        print(text, file=self._out, flush=True)
