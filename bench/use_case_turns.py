"""`python -m bench --use-cases --against REV`: approval's CompleteStep of REV and of this tree, in
one process each, in turns.

`--use-cases` alone moves with the host's speed (2.6 and 3.9 ms a call, forty minutes apart, for
one commit). Here a checkout of REV (a git worktree in the run directory) and this tree each
prepare the same reviews in a process of their own (this file, run as a script inside each
tree), then answer blocks of a few cases in turn, each side timing its own blocks with
`time.process_time()`. Both meet the same moods of the machine, so their ratio holds where the
rates do not: the same commit against itself gives 1.00 ± 0.015. REV needs `prepare` in
bench/use_cases.py (30 November on).
"""

from __future__ import annotations

import os
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
    """CPU per CompleteStep of REV and of this tree, answered in turns; printed and returned."""
    from bench import ab

    with ab.checkout(rev, var / "turns") as (sha, tree):
        per_call, calls = _in_turns({"against": tree, "this": Path.cwd()}, var, cases)
    ratio = per_call["this"] / per_call["against"]
    print(
        f"approval CompleteStep, ms CPU per call: {sha[:12]} {per_call['against']}, "
        f"this tree {per_call['this']} (×{ratio:.3f}; {calls} calls each, in turns)"
    )
    return {
        "use_case": "approval CompleteStep",
        "against": sha,
        "cpu_ms_per_call": per_call,
        "this_vs_against": round(ratio, 3),
        "calls_each": calls,
        "database": "sqlite (WAL, synchronous FULL)",
    }


def _in_turns(sides: dict[str, Path], var: Path, cases: int) -> tuple[dict[str, float], int]:
    """Each side's CPU ms per call, and how many calls each made."""
    from bench.use_cases import WARM_UP

    workers: dict[str, subprocess.Popen[str]] = {}
    cpu = {side: 0.0 for side in sides}
    calls = {side: 0 for side in sides}
    try:
        for side, tree in sides.items():
            workers[side] = subprocess.Popen(
                [sys.executable, __file__, str(cases), str(var / f"turns-{side}")],
                cwd=tree,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        for side, worker in workers.items():
            if _line(worker) != "ready":
                raise SystemExit(f"the {side} side did not prepare its reviews")
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


def _serve(cases: int, var: Path) -> None:
    """One side: the tree in the working directory prepares its reviews, then answers the blocks
    it is sent (`first end` per line) with the CPU seconds they took and how many calls."""
    # That tree's code, not the one this file came from.
    sys.path.insert(0, os.getcwd())
    from bench import use_cases

    db, answer = use_cases.prepare(var, cases)
    print("ready", flush=True)
    for line in sys.stdin:
        first, end = (int(part) for part in line.split())
        before, began = answer.calls, time.process_time()
        for number in range(first, end):
            answer.every_step(number)
        print(time.process_time() - began, answer.calls - before, flush=True)
    db.dispose()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), Path(sys.argv[2]))
