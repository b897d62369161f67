"""Counts the SQL statements (and commits) this process runs, by kind, for
`python -m bench --statements` (bench/statement_counts.py), which puts this folder on the
PYTHONPATH of the stack's processes: the product is measured as it is, with a listener on every
SQLAlchemy engine. Does nothing unless TONGBAN_BENCH_STATEMENTS names a folder.

Every 0.1 s the counts so far go to `<folder>/<service>-<pid>.json`; the bench reads them at
the start and the end of its measured window and divides the difference by the lifecycles
finished in it. Counts are by statement and table ("INSERT activities", "SELECT steps"), never
with values.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

_FOLDER = os.environ.get("TONGBAN_BENCH_STATEMENTS")
_TABLE = {
    "SELECT": re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE),
    "INSERT": re.compile(r"\bINTO\s+\"?(\w+)", re.IGNORECASE),
    "UPDATE": re.compile(r"^\s*UPDATE\s+\"?(\w+)", re.IGNORECASE),
    "DELETE": re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE),
}


def kind(statement: str) -> str:
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
    pattern = _TABLE.get(verb)
    found = pattern.search(statement) if pattern else None
    return f"{verb} {found.group(1)}" if found else verb


def _service() -> str:
    # `python -m services.approval` runs services/approval/__main__.py; the gateway, gateway/__main__.py.
    return Path(sys.argv[0]).parent.name or "python"


def _install(folder: Path) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        found = kind(statement)
        if found != "BEGIN":  # counted by the engine's "begin" (SQLite's goes on the driver's connection)
            with lock:
                counts[found] += 1

    def began(_conn: Any) -> None:
        with lock:
            counts["BEGIN"] += 1

    def committed(_conn: Any) -> None:
        with lock:
            counts["COMMIT"] += 1

    event.listen(Engine, "before_cursor_execute", count)
    event.listen(Engine, "begin", began)
    event.listen(Engine, "commit", committed)

    def keep_writing() -> None:
        # sys.argv is set after this module runs: name the file once runpy has set it.
        for _ in range(100):
            if sys.argv and sys.argv[0].endswith(".py"):
                break
            threading.Event().wait(0.05)
        path = folder / f"{_service()}-{os.getpid()}.json"
        while True:
            with lock:
                text = json.dumps(dict(counts))
            partial = path.with_suffix(".tmp")
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
            threading.Event().wait(0.1)

    threading.Thread(target=keep_writing, name="bench-statements", daemon=True).start()


if _FOLDER:
    Path(_FOLDER).mkdir(parents=True, exist_ok=True)
    _install(Path(_FOLDER))
