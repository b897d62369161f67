"""`python -m bench --against REV`: this work tree's lifecycles against another commit's, in turns.

The machine's own speed moves by a fifth within minutes (bench/README.md, "Why a run's CPU per
lifecycle moves"), so one run of each version says little about a change. This runs the SQLite
lifecycle phase (`--lifecycles-only`) of a checkout of REV (a git worktree in the run directory,
removed afterwards) and of this work tree in turn, `pairs` times, so both meet the same moods of
the machine, and reports every run and the means: lifecycles a second, CPU per lifecycle, and
each process's CPU per lifecycle. The checkout uses this tree's virtualenv and generated code.
"""

from __future__ import annotations

import ast
import json
import re
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import report

# `summary_line`, as `--lifecycles-only` has printed it in every commit that has the option.
_LINE = re.compile(
    r"(?P<rate>[\d.]+) lifecycles/s, (?P<cpu>[\d.]+) ms CPU each; "
    r"calls per lifecycle (?P<calls>\{.*?\}); cores (?P<cores>\{.*\})"
)
# Not the bench's own processes: what the rest of the machine and the generator used.
_NOT_THE_STACK = ("loadgen", "machine", "others")


def summary_line(rate: float, cpu_ms: float, calls: dict[str, float], cores: dict[str, float]) -> str:
    """What `--lifecycles-only` prints: the line `lifecycles()` reads back."""
    return f"{rate:.2f} lifecycles/s, {cpu_ms:.1f} ms CPU each; calls per lifecycle {calls}; cores {cores}"


def lifecycles(tree: Path, var: Path) -> dict[str, Any]:
    """One `--lifecycles-only` run of the code in `tree`: its rate, CPU and cores per process."""
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--lifecycles-only", "--var", str(var)],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = read_line(done.stdout)
    if figures is None:
        raise SystemExit(f"no lifecycle figures in the output of {tree}:\n{done.stdout}{done.stderr}")
    return figures


def read_line(output: str) -> dict[str, Any] | None:
    """The figures of a `summary_line` in `output`, per lifecycle; None without one."""
    found = _LINE.search(output)
    if found is None:
        return None
    rate = float(found["rate"])
    cores: dict[str, float] = ast.literal_eval(found["cores"])
    return {
        "lifecycles_per_s": rate,
        "cpu_ms_per_lifecycle": float(found["cpu"]),
        "process_cpu_ms": {
            name: round(1000 * used / rate, 1) for name, used in cores.items() if name not in _NOT_THE_STACK
        },
        "others_cores": cores.get("others", 0.0),
    }


def _means(runs: list[dict[str, Any]]) -> dict[str, Any]:
    names = sorted({name for run in runs for name in run["process_cpu_ms"]})
    return {
        "lifecycles_per_s": round(statistics.mean(r["lifecycles_per_s"] for r in runs), 2),
        "cpu_ms_per_lifecycle": round(statistics.mean(r["cpu_ms_per_lifecycle"] for r in runs), 1),
        "process_cpu_ms": {
            name: round(statistics.mean(r["process_cpu_ms"].get(name, 0.0) for r in runs), 1)
            for name in names
        },
    }


@contextmanager
def checkout(rev: str, where: Path) -> Iterator[tuple[str, Path]]:
    """REV's full commit id and a git worktree of it at `where`, removed afterwards."""
    sha = subprocess.run(["git", "rev-parse", rev], capture_output=True, text=True, check=True).stdout.strip()
    tree = where.with_name(f"{where.name}-{sha[:12]}")
    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], capture_output=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], capture_output=True, check=True)
    try:
        yield sha, tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], capture_output=True)


def against(rev: str, pairs: int, var: Path) -> dict[str, Any]:
    """Run REV's and this tree's lifecycles in turns; the runs and their means, printed and returned."""
    here = Path.cwd()
    runs: dict[str, list[dict[str, Any]]] = {"against": [], "this": []}
    with checkout(rev, var / "ab") as (sha, tree):
        for pair in range(1, pairs + 1):
            for side, code in (("against", tree), ("this", here)):
                figures = lifecycles(code, var / "ab-run")
                runs[side].append(figures)
                print(
                    f"pair {pair} {side:7}  {figures['lifecycles_per_s']:6.2f} lifecycles/s  "
                    f"{figures['cpu_ms_per_lifecycle']:6.1f} ms CPU each  {figures['process_cpu_ms']}",
                    flush=True,
                )
    before, after = _means(runs["against"]), _means(runs["this"])
    print(f"\nmeans over {pairs} pairs: {sha[:12]} {before}\n  this tree {after}")
    rate = after["lifecycles_per_s"] / before["lifecycles_per_s"]
    cpu = after["cpu_ms_per_lifecycle"] / before["cpu_ms_per_lifecycle"]
    print(f"this / {sha[:12]}: lifecycles a second ×{rate:.3f}, CPU per lifecycle ×{cpu:.3f}")
    return {
        "against": sha,
        "commit": report.git_commit(),
        "pairs": pairs,
        "means": {"against": before, "this": after},
        "runs": runs,
    }


def write(result: dict[str, Any]) -> Path:
    kept = report.RESULTS / f"ab-{report.stamp()}.json"
    kept.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return kept
