"""`python -m bench --use-cases --against REV`: each use case of bench/use_cases.py, of REV and of
this tree, in one process each, in turns.

`--use-cases` alone moves with the host's speed (2.6 and 3.9 ms a call, forty minutes apart, for
one commit). Here a checkout of REV (a git worktree in the run directory) and this tree each
prepare the same cases in a process of their own (this file, run as a script inside each tree),
then drive blocks of a few cases in turn, each side timing its own blocks with
`time.process_time()`. Both meet the same moods of the machine, so their ratio holds where the
rates do not: the same commit against itself gives 1.00 ± 0.015. Both sides run this tree's
bench/use_cases.py (copied into REV's checkout), so REV's services must offer what it calls.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CASES = 600
BLOCK = 5
# The bench's own modules are imported inside the functions: run as a script in another tree,
# this file must find that tree's `bench` package (put on sys.path by _serve), not this one's.


def against(rev: str, var: Path, cases: int = CASES) -> dict[str, Any]:
    """CPU per call of each use case, REV's and this tree's, driven in turns; printed and returned."""
    from bench import ab
    from bench.use_cases import USE_CASES

    found: dict[str, Any] = {}
    with ab.checkout(rev, var / "turns") as (sha, tree):
        shutil.copy(Path.cwd() / _DRIVERS, tree / _DRIVERS)
        for name, (label, _prepare) in USE_CASES.items():
            per_call, calls = _in_turns(name, {"against": tree, "this": Path.cwd()}, var, cases)
            ratio = per_call["this"] / per_call["against"]
            print(
                f"{label}, ms CPU per call: {sha[:12]} {per_call['against']}, "
                f"this tree {per_call['this']} (×{ratio:.3f}; {calls} calls each, in turns)"
            )
            found[label] = {
                "cpu_ms_per_call": per_call,
                "this_vs_against": round(ratio, 3),
                "calls_each": calls,
            }
    return {"against": sha, "use_cases": found, "database": "sqlite (WAL, synchronous FULL)"}


_DRIVERS = Path("bench/use_cases.py")


def _in_turns(name: str, sides: dict[str, Path], var: Path, cases: int) -> tuple[dict[str, float], int]:
    """Each side's CPU ms per call, and how many calls each made."""
    from bench.use_cases import WARM_UP

    workers: dict[str, subprocess.Popen[str]] = {}
    cpu = {side: 0.0 for side in sides}
    calls = {side: 0 for side in sides}
    try:
        for side, tree in sides.items():
            workers[side] = subprocess.Popen(
                [sys.executable, __file__, name, str(cases), str(var / f"turns-{side}-{name}")],
                cwd=tree,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        for side, worker in workers.items():
            if _line(worker) != "ready":
                raise SystemExit(f"the {side} side did not prepare its {name} cases")
        for turn, first in enumerate(range(WARM_UP, cases, BLOCK)):
            # Which side goes first alternates, so neither always follows the other.
            for side in ("against", "this") if turn % 2 == 0 else ("this", "against"):
                worker = workers[side]
                assert worker.stdin is not None
                worker.stdin.write(f"{first} {min(first + BLOCK, cases)}\n")
                worker.stdin.flush()
                seconds, answered = _line(worker).split()
                cpu[side] += float(seconds)
                calls[side] += int(answered)
    finally:
        for worker in workers.values():
            if worker.stdin is not None:
                worker.stdin.close()
            worker.wait(timeout=60)
    return {side: round(1000 * cpu[side] / max(calls[side], 1), 3) for side in sides}, calls["this"]


def _line(worker: subprocess.Popen[str]) -> str:
    assert worker.stdout is not None
    return worker.stdout.readline().strip()


def _serve(name: str, cases: int, var: Path) -> None:
    """One side: the tree in the working directory prepares its cases, then drives the blocks it
    is sent (`first end` per line), answering with the CPU seconds they took and how many calls."""
    # That tree's code, not the one this file came from.
    sys.path.insert(0, os.getcwd())
    from bench.use_cases import USE_CASES

    db, driver = USE_CASES[name][1](var, cases)
    print("ready", flush=True)
    for line in sys.stdin:
        first, end = (int(part) for part in line.split())
        before, began = driver.calls, time.process_time()
        for number in range(first, end):
            driver.drive(number)
        print(time.process_time() - began, driver.calls - before, flush=True)
    db.dispose()


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
