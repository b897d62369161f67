"""SQL statements per lifecycle, per service: `python -m bench --statements`.

CPU per lifecycle moves with whatever else the 2 cores run; the statements a lifecycle costs do
not. Each process of the stack counts its statements by kind (bench/instruments/sitecustomize.py,
on the PYTHONPATH of this run only); the counts made during the measured window, divided by the
lifecycles finished in it, are each service's statements per lifecycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench import process_sums

# The gateway and the processes of `tongban setup` count too; a service's file is named after it.
SERVICES = ("acceptance", "approval", "staff", "supervision", "gateway")

Counts = dict[str, dict[str, int]]


def counting(env: Mapping[str, str], folder: Path) -> dict[str, str]:
    """`env` for processes that count their statements into `folder`."""
    return process_sums.instrumented(env, "TONGBAN_BENCH_STATEMENTS", folder)


def read(folder: Path) -> Counts:
    """The counts so far, per service (every process of a service added up)."""
    return {
        service: {k: int(n) for k, n in counts.items()}
        for service, counts in process_sums.per_service(folder).items()
    }


def difference(after: Counts, before: Counts) -> Counts:
    return {
        service: {k: n - before.get(service, {}).get(k, 0) for k, n in counts.items()}
        for service, counts in after.items()
    }


def per_lifecycle(counts: Counts, lifecycles: int) -> dict[str, Any]:
    """Statements per lifecycle per service, in all and by kind (the largest first)."""
    done = max(lifecycles, 1)
    services: dict[str, Any] = {}
    for service in sorted(counts):
        kinds = {
            k: round(n / done, 2) for k, n in sorted(counts[service].items(), key=lambda kv: -kv[1]) if n
        }
        if kinds:
            services[service] = {"total": round(sum(kinds.values()), 1), "by_kind": kinds}
    return {
        "statements_per_lifecycle_sqlite": round(sum(s["total"] for s in services.values()), 1),
        "services": services,
        "lifecycles": lifecycles,
    }


def table(figures: Mapping[str, Any], top: int = 6) -> str:
    lines = [f"SQL statements per lifecycle (SQLite), {figures['lifecycles']} lifecycles measured"]
    for service, found in figures["services"].items():
        kinds = ", ".join(f"{k} {n:g}" for k, n in list(found["by_kind"].items())[:top])
        lines.append(f"  {service:<12} {found['total']:>6.1f}   {kinds}")
    lines.append(f"  {'in all':<12} {figures['statements_per_lifecycle_sqlite']:>6.1f}")
    return "\n".join(lines)
