"""Each service's turns at the SQLite write lock during the lifecycle phase:
`python -m bench --writer-turns`.

SQLite takes one writer at a time, and each service's writers queue for it in the process
(`Database._writer_turn`). Whatever holds the turn is a serial section: if approval's turn is held
nearly all the measured window, approval's writes set the rate, however idle the cores are. Each
process of the stack times its turns (bench/instruments/sitecustomize.py, on the PYTHONPATH of
this run only); the sums taken as the window opens and as it closes give, per service:

- turns per lifecycle, and the share of the window the turn was held;
- per turn: the wait for it, the time held, and of that time, the holder's time on a core and
  its time waiting in the run queue for one (the rest: waiting for the GIL or the disk);
- the rate the turn allows: this run's rate over the held share, the rate at which the turn would
  be held all the time, each turn taking as long as it took here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The instrument's variable, and the sums it writes (its TURN_SUMS: it loads before the bench does).
VARIABLE = "TONGBAN_BENCH_WRITER_TURNS"
SUMS = ("turns", "wait_s", "held_s", "on_core_s", "run_queue_s")

# Per service, the sums as process_sums.per_service reads them (a sum not written yet is 0).
Sums = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Window:
    """The sums as the measured window opened and closed, the seconds between the two readings,
    and the lifecycles a second the window measured."""

    before: Sums
    after: Sums
    wall_s: float
    lifecycles_per_s: float


def figures(window: Window) -> dict[str, Any]:
    """Per service, what its writer turn did in the window; and the lowest rate a turn allows."""
    services: dict[str, dict[str, float]] = {}
    for service, after in sorted(window.after.items()):
        before = window.before.get(service, {})
        spent = {key: after.get(key, 0.0) - before.get(key, 0.0) for key in SUMS}
        turns = spent["turns"]
        if turns <= 0:
            continue
        held_share = spent["held_s"] / window.wall_s
        services[service] = {
            "turns_per_lifecycle": round(turns / (window.lifecycles_per_s * window.wall_s), 2),
            "held_share": round(held_share, 3),
            "wait_ms": round(1000 * spent["wait_s"] / turns, 2),
            "held_ms": round(1000 * spent["held_s"] / turns, 2),
            "on_core_ms": round(1000 * spent["on_core_s"] / turns, 2),
            "run_queue_ms": round(1000 * spent["run_queue_s"] / turns, 2),
            "allows_per_s": round(window.lifecycles_per_s / held_share, 1),
        }
    busiest = min(services, key=lambda s: services[s]["allows_per_s"], default=None)
    found: dict[str, Any] = {
        "lifecycles_per_s": round(window.lifecycles_per_s, 2),
        "window_s": round(window.wall_s, 1),
        "services": services,
    }
    if busiest is not None:
        found["writer_turn_busiest"] = busiest
        found["writer_turn_held_share"] = services[busiest]["held_share"]
        found["lifecycles_allowed_by_writer_turn_sqlite"] = services[busiest]["allows_per_s"]
    return found


def table(found: Mapping[str, Any]) -> str:
    lines = [
        f"SQLite writer turns, {found['lifecycles_per_s']} lifecycles/s over {found['window_s']} s",
        f"  {'service':<12} {'turns/lc':>8} {'held':>6} {'wait ms':>8} {'held ms':>8} "
        f"{'on core':>8} {'queued':>8} {'allows/s':>9}",
    ]
    for service, s in found["services"].items():
        times = " ".join(f"{s[key]:>8.2f}" for key in ("wait_ms", "held_ms", "on_core_ms", "run_queue_ms"))
        lines.append(
            f"  {service:<12} {s['turns_per_lifecycle']:>8.2f} {s['held_share']:>6.0%} {times} "
            f"{s['allows_per_s']:>9.1f}"
        )
    return "\n".join(lines)
