"""`python -m bench` (what `make bench` runs): every figure of issue 10 in one run, and issue 15's
catalogue import.

Starts and stops everything it needs (fresh SQLite files and PostgreSQL databases, every
process on free ports), prints a table and writes bench/results/latest.json plus a
timestamped copy. Run it from the repository root, in the project's venv.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench import (
    ab,
    catalogue_import,
    postgres,
    profiling,
    reads_at_scale,
    report,
    run,
    statement_counts,
    sweep,
    use_case_turns,
    use_cases,
    writer_turns,
)
from bench.loadgen import PhaseResult


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short phases: a smoke run, not figures")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL stack")
    parser.add_argument("--var", type=Path, default=Path("var/bench"), help="run directory (wiped)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results/ alone")
    parser.add_argument(
        "--profile", action="store_true", help="only the SQLite lifecycles, under py-spy (bench/profiling.py)"
    )
    parser.add_argument(
        "--sweep-only",
        action="store_true",
        help="only the supervision sweep at 10 thousand and 1 million open cases, merged into latest.json",
    )
    parser.add_argument(
        "--reads-at-scale",
        action="store_true",
        help="only the reads that should not grow with the data, at 1k and 100k rows "
        "(bench/reads_at_scale.py); merged into latest.json",
    )
    parser.add_argument(
        "--lifecycles-only",
        action="store_true",
        help="only the SQLite lifecycles: a quick look, not recorded",
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="only the SQLite lifecycles, each process counting its SQL statements; merged into latest.json",
    )
    parser.add_argument(
        "--writer-turns",
        action="store_true",
        help="only the SQLite lifecycles, each service timing its turns at the SQLite write lock "
        "(bench/writer_turns.py); merged into latest.json",
    )
    parser.add_argument(
        "--against",
        metavar="REV",
        help="only the SQLite lifecycles, of REV and of this tree in turns (bench/ab.py); with "
        "--use-cases, each use case of both in turns (bench/use_case_turns.py)",
    )
    parser.add_argument("--pairs", type=int, default=6, help="with --against: how many turns each")
    parser.add_argument(
        "--use-cases",
        action="store_true",
        help="only CPU per call of approval's CompleteStep, acceptance's SubmitApplication and approval "
        "opening a review, in one process, without gRPC (bench/use_cases.py)",
    )
    args = parser.parse_args()
    plan = run.Plan().quick() if args.quick else run.Plan()
    if args.against and args.use_cases:
        return use_cases_against(args.against, args.var.resolve(), write=not args.no_write)
    if args.against:
        result = ab.against(args.against, args.pairs, args.var.resolve())
        if not args.no_write:
            print(f"written: {ab.write(result)}")
        return 0
    if args.profile:
        return profiled(plan, args.var.resolve())
    if args.use_cases:
        return use_cases_only(args.var.resolve(), write=not args.no_write)
    if args.lifecycles_only:
        return lifecycles_only(plan, args.var.resolve())
    if args.sweep_only:
        return sweep_only(args.var.resolve(), write=not args.no_write)
    if args.reads_at_scale:
        return reads_at_scale_only(args.var.resolve(), write=not args.no_write)
    if args.statements:
        return statements_only(plan, args.var.resolve(), write=not args.no_write)
    if args.writer_turns:
        return writer_turns_only(plan, args.var.resolve(), write=not args.no_write)
    use_postgres = not args.no_postgres
    if use_postgres and not postgres.available():
        print("PostgreSQL does not answer on 127.0.0.1:5432 (use --no-postgres)", file=sys.stderr)
        return 2

    began, load_before = time.monotonic(), report.load_average()
    var = args.var.resolve()
    phases: dict[str, PhaseResult] = {}
    extra: dict[str, Any] = {}

    def step(what: str) -> None:
        print(f"[{time.monotonic() - began:5.0f}s] {what}", flush=True)

    step("echo: direct and through a gateway")
    phases.update({f"echo.{k}": v for k, v in run.echo_run(var / "echo", plan).items()})
    step("SQLite stack: reads, submits, lifecycles")
    sqlite_phases, extra["sqlite"] = run.on_stack(var / "sqlite", plan, "SQLite", bulkhead=True)
    phases.update({f"sqlite.{k}": v for k, v in sqlite_phases.items()})
    step("SpiffWorkflow peer")
    peer = run.peer_run(var / "peer", plan)
    if use_postgres:
        step("PostgreSQL stack: reads, submits, lifecycles")
        postgres_phases, extra["postgres"] = run.postgres_run(var / "postgres", plan)
        phases.update({f"postgres.{k}": v for k, v in postgres_phases.items()})
    step("supervision sweep: 10 thousand and 1 million open cases")
    swept = sweep.run(var / "sweep")
    step("catalogue import: a 300-matter spreadsheet (issue 15)")
    catalogue = catalogue_import.run(use_postgres=use_postgres, write=False)
    step("done")

    # The figures issue 10 names are top-level keys, beside what was measured and how.
    figures = report.headline(phases, peer, extra)
    figures.update({key: value for key, value in swept.items() if key != "sweep"})
    figures.update(
        {f"catalogue_import_300_s_{row['database']}": row["import_s"] for row in catalogue["results"]}
    )
    document: dict[str, Any] = {
        **figures,
        "figures": sorted(figures),
        "commit": report.git_commit(),
        "quick": args.quick,
        "wall_s": round(time.monotonic() - began, 1),
        "machine": report.machine(load_before),
        "versions": report.versions(postgres.server_version() if use_postgres else "not measured"),
        "plan": plan.as_dict(),
        "peer": peer,
        "phases": {key: phase.as_dict() for key, phase in phases.items()},
        "stack": extra,
        "sweep": swept["sweep"],
        "catalogue_import": catalogue,
    }
    document["cores"] = document["machine"]["cores"]
    print()
    print(report.table(document))
    # The whole document beside the run's logs too, for a look at a --no-write run.
    (var / "results.json").write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    if not args.no_write:
        latest, kept = report.write(document)
        print(f"\nwritten: {latest} and {kept}")
    return 0


def sweep_only(var: Path, *, write: bool) -> int:
    """The sweep figures alone, merged into latest.json (the other figures kept) and kept as
    bench/results/sweep-<time>.json."""
    swept = sweep.run(var / "sweep")
    print(json.dumps(swept, indent=2))
    if write:
        _merge("sweep", {key: value for key, value in swept.items() if key != "sweep"}, swept["sweep"], swept)
    return 0


def reads_at_scale_only(var: Path, *, write: bool) -> int:
    """The reads at 1k and 100k rows, merged into latest.json and kept as
    bench/results/reads_at_scale-<time>.json."""
    found = reads_at_scale.run(var / "reads-at-scale")
    print(json.dumps(found, indent=2))
    if write:
        detail = found.pop("reads_at_scale")
        _merge("reads_at_scale", found, detail)
    return 0


def statements_only(plan: run.Plan, var: Path, *, write: bool) -> int:
    """SQL statements per lifecycle per service, merged into latest.json and kept as
    bench/results/statements-<time>.json."""
    lifecycles = 50 if plan.lifecycle_duration_s < run.Plan().lifecycle_duration_s else 200
    counts = run.statements_run(var / "statements", plan, lifecycles)
    found = statement_counts.per_lifecycle(counts, lifecycles)
    print(statement_counts.table(found))
    if write:
        figure = "statements_per_lifecycle_sqlite"
        _merge("statements", {figure: found[figure]}, found)
    return 0


def writer_turns_only(plan: run.Plan, var: Path, *, write: bool) -> int:
    """Each service's turns at the SQLite write lock over the lifecycle phase, merged into
    latest.json and kept as bench/results/writer_turns-<time>.json."""
    found = run.writer_turns_run(var / "writer-turns", plan)
    print(writer_turns.table(found))
    if write:
        keys = ("writer_turn_held_share", "lifecycles_allowed_by_writer_turn_sqlite")
        _merge("writer_turns", {key: found[key] for key in keys if key in found}, found)
    return 0


def use_cases_only(var: Path, *, write: bool) -> int:
    """CPU per use case in one process, kept as bench/results/use-cases-<time>.json."""
    found = use_cases.run(var / "use-cases")
    for one in found:
        print(f"{one['use_case']}: {one['cpu_ms_per_call']:.2f} ms CPU per call ({one['calls']} calls)")
    if write:
        _keep_use_cases({"use_cases": found})
    return 0


def use_cases_against(rev: str, var: Path, *, write: bool) -> int:
    """Each use case of REV and of this tree in turns, kept as bench/results/use-cases-<time>.json."""
    found = use_case_turns.against(rev, var)
    if write:
        _keep_use_cases(found)
    return 0


def _keep_use_cases(found: dict[str, Any]) -> None:
    kept = report.RESULTS / f"use-cases-{report.stamp()}.json"
    kept.write_text(json.dumps({**found, "commit": report.git_commit()}, indent=2) + "\n", encoding="utf-8")
    print(f"written: {kept}")


def _merge(
    name: str, figures: dict[str, Any], detail: dict[str, Any], copy: dict[str, Any] | None = None
) -> None:
    """A partial run's figures into latest.json (the others kept), and a copy of its own (`copy`,
    or the detail)."""
    latest = report.RESULTS / "latest.json"
    document = json.loads(latest.read_text(encoding="utf-8")) if latest.exists() else {"figures": []}
    document.update(figures, **{name: detail, f"{name}_commit": report.git_commit()})
    document["figures"] = sorted(set(document.get("figures", [])) | set(figures))
    latest.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    kept = report.RESULTS / f"{name}-{report.stamp()}.json"
    kept_text = json.dumps({**(copy or detail), "commit": report.git_commit()}, indent=2)
    kept.write_text(kept_text + "\n", encoding="utf-8")
    print(f"written: {latest} and {kept}")


def lifecycles_only(plan: run.Plan, var: Path) -> int:
    """The SQLite lifecycle phase alone, printed: to see a change's effect in a minute."""
    phase, calls = run.profile_run(var / "lifecycles", plan, None)
    cpu_ms = 1000 * report.stack_cores(phase) / max(phase.qps, 1e-9)
    print(ab.summary_line(phase.qps, cpu_ms, calls, phase.cpu_cores))
    return 0


def profiled(plan: run.Plan, var: Path) -> int:
    out_dir = report.RESULTS / f"profile-{report.stamp()}"
    phase, calls = run.profile_run(var / "profile", plan, out_dir)
    folded = sorted(out_dir.glob("*.folded.gz"))
    sections = [profiling.summarize(path) for path in folded]
    shares = {path.name.partition(".")[0]: profiling.topic_shares(path) for path in folded}
    bound = profiling.bound_without(
        profiling.ORM, shares, phase.cpu_cores, phase.qps, len(os.sched_getaffinity(0))
    )
    header = (
        f"# Profile of the SQLite lifecycle phase\n\n"
        f"commit {report.git_commit()}; {phase.qps:.1f} lifecycles/s under py-spy "
        f"({plan.lifecycles_in_flight} in flight, {plan.lifecycle_duration_s:.0f} s sampled at "
        f"{profiling.RATE_HZ} Hz); calls per lifecycle {calls}; cores {phase.cpu_cores}.\n"
        "Self: samples whose innermost frame is in the library. Inclusive: samples with the library "
        "anywhere on the stack.\n"
    )
    (out_dir / "summary.md").write_text(
        "\n".join([header, profiling.bound_table(bound), *sections]), encoding="utf-8"
    )
    print((out_dir / "summary.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
