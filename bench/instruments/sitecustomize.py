"""Instruments for the bench, loaded by every process of the stack when `python -m bench` puts
this folder on their PYTHONPATH for one run (bench/process_sums.py): the product runs as it is,
watched from outside. Each instrument does nothing unless its variable names a folder; every
0.1 s it writes its sums so far to `<folder>/<service>-<pid>.json`, and the bench reads them as
its measured window opens and closes.

- TONGBAN_BENCH_STATEMENTS (`--statements`, bench/statement_counts.py): the SQL statements (and
  commits) this process runs, with a listener on every SQLAlchemy engine. Counted by statement
  and table ("INSERT activities", "SELECT steps"), never with values.
- TONGBAN_BENCH_WRITER_TURNS (`--writer-turns`, bench/writer_turns.py): each turn at the SQLite
  write lock (`Database._writer_turn`, services/common/db.py), wrapped once the service has
  loaded it. Per turn: the wait for it, the time it was held, and of that time what the holding
  thread spent on a core and in the run queue waiting for one (Linux's schedstat).
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_TABLE = {
    "SELECT": re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE),
    "INSERT": re.compile(r"\bINTO\s+\"?(\w+)", re.IGNORECASE),
    "UPDATE": re.compile(r"^\s*UPDATE\s+\"?(\w+)", re.IGNORECASE),
    "DELETE": re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE),
}
_DATABASE_MODULE = "services.common.db"
_SCHEDSTAT = Path("/proc/thread-self/schedstat")
TURN_SUMS = ("turns", "wait_s", "held_s", "on_core_s", "run_queue_s")


def kind(statement: str) -> str:
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
    pattern = _TABLE.get(verb)
    found = pattern.search(statement) if pattern else None
    return f"{verb} {found.group(1)}" if found else verb


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
    # `python -m services.approval` runs services/approval/__main__.py; the gateway, gateway/__main__.py.
    return Path(sys.argv[0]).parent.name or "python"


def _write_every_tenth_of_a_second(folder: Path, sums: Mapping[str, float], lock: threading.Lock) -> None:
    threading.Thread(target=_keep_writing, args=(folder, sums, lock), name="bench-sums", daemon=True).start()


def _keep_writing(folder: Path, sums: Mapping[str, float], lock: threading.Lock) -> None:
    # sys.argv is set after this module runs: name the file once runpy has set it.
    for _ in range(100):
        if sys.argv and sys.argv[0].endswith(".py"):
            break
        threading.Event().wait(0.05)
    path = folder / f"{_service()}-{os.getpid()}.json"
    while True:
        with lock:
            text = json.dumps(dict(sums))
        partial = path.with_suffix(".tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
        threading.Event().wait(0.1)


def _count_statements(folder: Path) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    counts: dict[str, float] = {}
    lock = threading.Lock()

    def add(found: str) -> None:
        with lock:
            counts[found] = counts.get(found, 0) + 1

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        found = kind(statement)
        if found != "BEGIN":  # counted by the engine's "begin" (SQLite's goes on the driver's connection)
            add(found)

    event.listen(Engine, "before_cursor_execute", count)
    event.listen(Engine, "begin", lambda _conn: add("BEGIN"))
    event.listen(Engine, "commit", lambda _conn: add("COMMIT"))
    _write_every_tenth_of_a_second(folder, counts, lock)


def _time_writer_turns(folder: Path) -> None:
    threading.Thread(target=_wrap_writer_turns, args=(folder,), name="bench-turns", daemon=True).start()


def _wrap_writer_turns(folder: Path) -> None:
    # Wrapped as soon as the service has loaded the module (the gateway never does).
    for _ in range(600):
        module = sys.modules.get(_DATABASE_MODULE)
        if module is not None and hasattr(module, "Database"):
            break
        threading.Event().wait(0.05)
    else:
        return
    sums = dict.fromkeys(TURN_SUMS, 0.0)
    lock = threading.Lock()
    database = module.Database
    database._writer_turn = timed(database._writer_turn, sums, lock)
    _write_every_tenth_of_a_second(folder, sums, lock)


for _variable, _instrument in (
    ("TONGBAN_BENCH_STATEMENTS", _count_statements),
    ("TONGBAN_BENCH_WRITER_TURNS", _time_writer_turns),
):
    _folder = os.environ.get(_variable)
    if _folder:
        Path(_folder).mkdir(parents=True, exist_ok=True)
        _instrument(Path(_folder))
