"""What the bench's instruments (bench/instruments/sitecustomize.py) write from inside the stack's
processes: each process's sums so far, in `<folder>/<service>-<pid>.json`, every 0.1 s."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

INSTRUMENTS = Path(__file__).resolve().parent / "instruments"


def instrumented(env: Mapping[str, str], variable: str, folder: Path) -> dict[str, str]:
    """`env` for processes that load the instruments, with the one named by `variable` on."""
    return dict(env, PYTHONPATH=str(INSTRUMENTS), **{variable: str(folder)})


def per_service(folder: Path) -> dict[str, Counter[str]]:
    """The sums so far, per service (every process of a service added up)."""
    found: dict[str, Counter[str]] = {}
    for path in sorted(folder.glob("*.json")):
        service = path.stem.rpartition("-")[0]
        try:
            sums = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # being replaced this instant: the next reading has it
        found.setdefault(service, Counter()).update(sums)
    return found
