"""Times each turn at the SQLite write lock (`Database._writer_turn`, services/common/db.py) in
this process, for `python -m bench --writer-turns` (bench/writer_turns.py), which puts this
folder on the PYTHONPATH of the stack's processes: the product runs as it is, its method wrapped
once the module is loaded. Does nothing unless TONGBAN_BENCH_WRITER_TURNS names a folder.

Per turn: the wait for the lock, the time it was held, and of that time, what the holding thread
spent on a core and waiting in the run queue for one (Linux's /proc/thread-self/schedstat, read
as the turn begins and ends). Every 0.1 s the sums so far go to `<folder>/<service>-<pid>.json`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_FOLDER = os.environ.get("TONGBAN_BENCH_WRITER_TURNS")
_MODULE = "services.common.db"
_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def on_core_and_queued_s() -> tuple[float, float]:
    """This thread's seconds on a core (exact to the call) and waiting in the run queue for one
    (counted each time it is given a core, so exact while it runs), since it began."""
    _on_core, queued, _slices = _SCHEDSTAT.read_text().split()
    return time.thread_time(), int(queued) / 1e9


def timed(turn: Callable[[Any], Any], sums: dict[str, float], lock: threading.Lock) -> Callable[[Any], Any]:
    """`turn` (a context manager method) wrapped to add each turn's times to `sums`."""

    @contextmanager
    def timed_turn(database: Any) -> Iterator[None]:
        asked = time.perf_counter()
        with turn(database):
            began = time.perf_counter()
            core, queued = on_core_and_queued_s()
            try:
                yield
            finally:
                core_after, queued_after = on_core_and_queued_s()
                ended = time.perf_counter()
                with lock:
                    sums["turns"] += 1
                    sums["wait_s"] += began - asked
                    sums["held_s"] += ended - began
                    sums["on_core_s"] += core_after - core
                    sums["run_queue_s"] += queued_after - queued

    return timed_turn


def _service() -> str:
    # `python -m services.approval` runs services/approval/__main__.py.
    return Path(sys.argv[0]).parent.name or "python"


def _install(folder: Path) -> None:
    sums = dict.fromkeys(("turns", "wait_s", "held_s", "on_core_s", "run_queue_s"), 0.0)
    lock = threading.Lock()

    def wrap_and_keep_writing() -> None:
        # Wrapped as soon as the service has loaded the module (the gateway never does).
        for _ in range(600):
            module = sys.modules.get(_MODULE)
            if module is not None and hasattr(module, "Database"):
                break
            threading.Event().wait(0.05)
        else:
            return
        database = module.Database
        database._writer_turn = timed(database._writer_turn, sums, lock)
        path = folder / f"{_service()}-{os.getpid()}.json"
        while True:
            with lock:
                text = json.dumps(sums)
            partial = path.with_suffix(".tmp")
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
            threading.Event().wait(0.1)

    threading.Thread(target=wrap_and_keep_writing, name="bench-writer-turns", daemon=True).start()


if _FOLDER:
    Path(_FOLDER).mkdir(parents=True, exist_ok=True)
    _install(Path(_FOLDER))
