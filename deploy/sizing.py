"""Prints deploy/README.md's sizing table from the benchmark figures (bench/results/latest.json).

    python deploy/sizing.py [results.json]

The model, stated so it can be argued with:
- each township accepts CASES_PER_DAY cases a working day, and the busiest hour of the day
  carries PEAK_HOUR_SHARE of them (the windows' morning wave);
- one case costs, across the whole stack, the CPU the bench measured per full lifecycle on
  PostgreSQL (submit, review steps, decision, issue: the gateway, the four services and the
  PostgreSQL server, from `phases["postgres.lifecycles"]`), plus READS_PER_CASE reads (lists,
  shows, inboxes, prints) at the CPU the bench measured per catalogue read via the gateway;
- a replica is sized to run at most TARGET_CORES at the busiest hour, and every component
  keeps at least two replicas, for availability rather than load.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

CASES_PER_DAY = 30
PEAK_HOUR_SHARE = 0.25
READS_PER_CASE = 20
TARGET_CORES = 0.5
TOWNSHIPS = (20, 100, 500, 1500)
COMPONENTS = ("gateway", "acceptance", "approval", "supervision", "postgres")
# Connections one service process may hold: its pool (TONGBAN_MAX_WORKERS + 4 = 20) and 5 more
# (services/common/db.py).
CONNECTIONS_PER_PROCESS = 25


def cpu_ms(phase: dict[str, object], per_second: float) -> dict[str, float]:
    """CPU milliseconds per operation of each component in a bench phase."""
    cores = phase["cpu_cores"]
    assert isinstance(cores, dict)
    return {name: 1000 * float(cores.get(name, 0.0)) / per_second for name in COMPONENTS}


def table(results: dict[str, object]) -> str:
    phases = results["phases"]
    assert isinstance(phases, dict)
    lifecycle = cpu_ms(phases["postgres.lifecycles"], float(phases["postgres.lifecycles"]["qps"]))
    read = cpu_ms(phases["postgres.read_gateway"], float(phases["postgres.read_gateway"]["qps"]))
    per_case = {name: lifecycle[name] + READS_PER_CASE * read[name] for name in COMPONENTS}
    lines = [
        "| townships | cases a working day | busiest hour, cases/s | CPU then, millicores: gateway / "
        "acceptance / approval / supervision / PostgreSQL | replicas: gateway / acceptance / approval / "
        "supervision | PostgreSQL connections (at most) |",
        "|---:|---:|---:|---|---|---:|",
    ]
    for townships in TOWNSHIPS:
        per_day = townships * CASES_PER_DAY
        rate = per_day * PEAK_HOUR_SHARE / 3600
        cores = {name: rate * per_case[name] / 1000 for name in COMPONENTS}
        replicas = {name: max(2, math.ceil(cores[name] / TARGET_CORES)) for name in COMPONENTS[:-1]}
        services = sum(replicas[name] for name in ("acceptance", "approval", "supervision"))
        lines.append(
            f"| {townships} | {per_day:,} | {rate:.2f} | "
            + " / ".join(f"{1000 * cores[name]:.0f}" for name in COMPONENTS)
            + " | "
            + " / ".join(str(replicas[name]) for name in COMPONENTS[:-1])
            + f" | {services * CONNECTIONS_PER_PROCESS} |"
        )
    per_case_total = sum(per_case.values())
    lines.append("")
    commit = str(results.get("commit", ""))[:10]
    lines.append(
        f"From bench commit {commit}: {sum(lifecycle.values()):.0f} ms of CPU per "
        f"lifecycle and {sum(read.values()):.1f} ms per read, so {per_case_total:.0f} ms per case with "
        f"{READS_PER_CASE} reads; the bench's 2-core machine finished "
        f"{float(phases['postgres.lifecycles']['qps']):.1f} lifecycles a second."
    )
    return "\n".join(lines)


def main() -> None:
    default = Path(__file__).parents[1] / "bench" / "results" / "latest.json"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print(table(json.loads(path.read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
