"""The results of a run: the headline figures under the keys issue 10 names, the details of
every phase, the machine and the versions; written as JSON and printed as a table."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bench.loadgen import PhaseResult

RESULTS = Path(__file__).with_name("results")


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return round(top / bottom, 3) if top is not None and bottom else None


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def git_commit() -> str:
    """The commit measured, marked "-dirty" when the work tree had uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False).stdout.strip()

    commit = git("rev-parse", "HEAD") or "unknown"
    # Results files are written by the run itself; they do not make the measured code dirty.
    changed = [line for line in git("status", "--porcelain").splitlines() if "bench/results/" not in line]
    return f"{commit}-dirty" if changed else commit


def versions(postgres_server: str) -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "grpcio": _package("grpcio"),
        "protobuf": _package("protobuf"),
        "SQLAlchemy": _package("SQLAlchemy"),
        "psycopg": _package("psycopg"),
        "SpiffWorkflow": _package("SpiffWorkflow"),
        "postgresql_server": postgres_server,
        "sqlite": sqlite3.sqlite_version,
    }


def headline(
    phases: dict[str, PhaseResult], peer: dict[str, Any], stack: dict[str, Any] | None = None
) -> dict[str, float | None]:
    """The figures issue 10 asks for, from the phases (keys "<db>.<phase>", db sqlite|postgres),
    and with the calls per lifecycle (`stack`, run.on_stack's extra) the lifecycle's ceiling."""

    def qps(key: str) -> float | None:
        """None for a phase that did not run (e.g. --no-postgres), so it shows as missing, not 0."""
        return phases[key].qps if key in phases else None

    echo_gateway = qps("echo.echo_gateway")
    sqlite_life, postgres_life = qps("sqlite.lifecycles"), qps("postgres.lifecycles")
    peer_life = float(peer["lifecycles_per_s"]) if "lifecycles_per_s" in peer else None
    figures: dict[str, float | None] = {
        "echo_direct_qps": _round(qps("echo.echo_direct")),
        "echo_gateway_qps": _round(echo_gateway),
        "gateway_echo_ratio": _ratio(echo_gateway, qps("echo.echo_direct")),
        "echo_bare_proxy_qps": _round(qps("echo.echo_bare_proxy")),
        "bare_proxy_echo_ratio": _ratio(qps("echo.echo_bare_proxy"), qps("echo.echo_direct")),
        "echo_bare_aio_proxy_qps": _round(qps("echo.echo_bare_aio_proxy")),
        "bare_aio_proxy_echo_ratio": _ratio(qps("echo.echo_bare_aio_proxy"), qps("echo.echo_direct")),
        "read_direct_qps": _round(qps("sqlite.read_direct")),
        "read_gateway_qps": _round(qps("sqlite.read_gateway")),
        "read_gateway_vs_direct": _ratio(qps("sqlite.read_gateway"), qps("sqlite.read_direct")),
        "read_postgres_gateway_vs_direct": _ratio(qps("postgres.read_gateway"), qps("postgres.read_direct")),
        "submit_sqlite_qps": _round(qps("sqlite.submit_saturation")),
        "submit_postgres_qps": _round(qps("postgres.submit_saturation")),
        "submit_sqlite_vs_gateway_echo": _ratio(qps("sqlite.submit_saturation"), echo_gateway),
        "submit_postgres_vs_gateway_echo": _ratio(qps("postgres.submit_saturation"), echo_gateway),
        "lifecycles_per_s_sqlite": _round(sqlite_life, 2),
        "lifecycles_per_s_postgres": _round(postgres_life, 2),
        "peer_lifecycles_per_s": _round(peer_life, 2),
        "lifecycles_vs_peer": _ratio(sqlite_life, peer_life),
    }
    for db in ("sqlite", "postgres"):
        half, saturated = phases.get(f"{db}.submit_half_load"), phases.get(f"{db}.submit_saturation")
        if half is not None:
            figures[f"submit_{db}_p50_ms_at_half_load"] = round(half.p50_ms, 1)
            figures[f"submit_{db}_p99_ms_at_half_load"] = round(half.p99_ms, 1)
        if saturated is not None:
            figures[f"submit_{db}_p50_ms_at_saturation"] = round(saturated.p50_ms, 1)
            figures[f"submit_{db}_p99_ms_at_saturation"] = round(saturated.p99_ms, 1)
        figures.update(_scaling(phases, db))
        life = phases.get(f"{db}.lifecycles")
        if life is not None and life.qps:
            figures[f"lifecycle_cpu_ms_{db}"] = round(stack_cores(life) * 1000 / life.qps, 1)
    figures["peer_cpu_ms_per_lifecycle"] = _round(peer.get("cpu_ms_per_lifecycle"))
    # CPU per lifecycle, peer / stack: less sensitive to a busy machine than the rates (the
    # scheduler shares the cores per thread, so a one-thread peer loses more to others).
    figures["lifecycles_vs_peer_by_cpu"] = _ratio(
        figures["peer_cpu_ms_per_lifecycle"], figures.get("lifecycle_cpu_ms_sqlite")
    )
    figures.update(_bulkhead(phases))
    figures.update(_ceiling(figures, (stack or {}).get("sqlite", {}).get("lifecycle_calls")))
    return figures


def _ceiling(figures: dict[str, float | None], calls: dict[str, float] | None) -> dict[str, float | None]:
    """The lifecycles a second the machine would run if every service answered at once: a
    lifecycle's calls through the gateway, each costing what an echo through the gateway costs
    (the client's, the gateway's and a bare server's CPU, on the same saturated machine). What
    the services do is what keeps the lifecycle below it; the peer is measured against it too."""
    echo = figures.get("echo_gateway_qps")
    if not calls or not echo:
        return {}
    per_lifecycle = calls["writes_per_lifecycle"] + calls["reads_per_lifecycle"]
    ceiling = echo / per_lifecycle
    return {
        "lifecycle_gateway_calls_sqlite": round(per_lifecycle, 2),
        "lifecycles_ceiling_per_s_sqlite": round(ceiling, 1),
        "lifecycles_vs_ceiling": _ratio(figures.get("lifecycles_per_s_sqlite"), ceiling),
        "peer_vs_ceiling": _ratio(figures.get("peer_lifecycles_per_s"), ceiling),
    }


def _scaling(phases: dict[str, PhaseResult], db: str) -> dict[str, float | None]:
    """Submissions a second at 8, 16 (saturation) and 32 in flight, and 32 / 8: throughput that
    falls as callers rise shows them queueing on a lock rather than sharing the cores."""
    rates = {
        int(key.rsplit("_", 1)[1]): phase.qps
        for key, phase in phases.items()
        if key.startswith(f"{db}.submit_at_")
    }
    if f"{db}.submit_saturation" in phases:
        rates[phases[f"{db}.submit_saturation"].concurrency] = phases[f"{db}.submit_saturation"].qps
    figures: dict[str, float | None] = {
        f"submit_{db}_qps_at_{callers}": round(rate, 1) for callers, rate in sorted(rates.items())
    }
    if rates:
        figures[f"submit_{db}_scaling_8_to_32"] = _ratio(rates.get(32), rates.get(8))
    return figures


def _bulkhead(phases: dict[str, PhaseResult]) -> dict[str, float | None]:
    """Catalogue reads through the gateway while approval hangs, against the same reads before."""
    hung, normal = phases.get("sqlite.read_gateway_approval_hung"), phases.get("sqlite.read_gateway")
    if hung is None or normal is None:
        return {}
    return {
        "bulkhead_read_qps": round(hung.qps, 1),
        "bulkhead_read_p99_ms": round(hung.p99_ms, 1),
        "bulkhead_read_p99_vs_normal": _ratio(hung.p99_ms, normal.p99_ms),
    }


def stack_cores(phase: PhaseResult) -> float:
    """The cores the stack's own processes used in a phase (not the generator, not the others)."""
    return sum(v for k, v in phase.cpu_cores.items() if k not in ("loadgen", "machine", "others"))


def stamp() -> str:
    """UTC time of a results file, e.g. 20261129T170000Z."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def write(document: dict[str, Any]) -> tuple[Path, Path]:
    """bench/results/latest.json and a timestamped copy, so every reported run can be committed."""
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    kept = RESULTS / f"run-{stamp()}.json"
    latest = RESULTS / "latest.json"
    for path in (kept, latest):
        partial = path.with_suffix(".json.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    return latest, kept


def _cell(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}{unit}" if value >= 10 or unit else f"{value:.2f}"


def table(document: dict[str, Any]) -> str:
    """The figures side by side, SQLite | PostgreSQL, as the issue's table has them."""
    f = document
    phases = document["phases"]

    def loadgen(key: str) -> str:
        phase = phases.get(key)
        return f"{phase['cpu_cores'].get('loadgen', 0.0):.2f}" if phase else "—"

    def others(key: str) -> str:
        phase = phases.get(key)
        return f"{phase['cpu_cores'].get('others', 0.0):.2f}" if phase else "—"

    peer = document.get("peer", {})

    rows = [
        ("what", "SQLite", "PostgreSQL", "loadgen cores"),
        ("raw gRPC echo direct (qps)", _cell(f["echo_direct_qps"]), "", loadgen("echo.echo_direct")),
        ("echo via gateway (qps)", _cell(f["echo_gateway_qps"]), "", loadgen("echo.echo_gateway")),
        ("  gateway / direct", _cell(f["gateway_echo_ratio"]), "", ""),
        (
            "echo via a bare proxy (qps)",
            _cell(f.get("echo_bare_proxy_qps")),
            "",
            loadgen("echo.echo_bare_proxy"),
        ),
        ("  bare proxy / direct", _cell(f.get("bare_proxy_echo_ratio")), "", ""),
        (
            "echo via a bare grpc.aio proxy (qps)",
            _cell(f.get("echo_bare_aio_proxy_qps")),
            "",
            loadgen("echo.echo_bare_aio_proxy"),
        ),
        ("  bare grpc.aio proxy / direct (the bound)", _cell(f.get("bare_aio_proxy_echo_ratio")), "", ""),
        (
            "catalogue read direct (qps)",
            _cell(phases.get("sqlite.read_direct", {}).get("qps")),
            _cell(phases.get("postgres.read_direct", {}).get("qps")),
            loadgen("sqlite.read_direct"),
        ),
        (
            "catalogue read via gateway (qps)",
            _cell(phases.get("sqlite.read_gateway", {}).get("qps")),
            _cell(phases.get("postgres.read_gateway", {}).get("qps")),
            loadgen("sqlite.read_gateway"),
        ),
        (
            "  gateway / direct",
            _cell(f["read_gateway_vs_direct"]),
            _cell(f["read_postgres_gateway_vs_direct"]),
            "",
        ),
        (
            "SubmitApplication at saturation (/s)",
            _cell(f["submit_sqlite_qps"]),
            _cell(f["submit_postgres_qps"]),
            loadgen("sqlite.submit_saturation"),
        ),
        (
            "  p50 / p99 at saturation (ms)",
            _pair(f, "sqlite", "saturation"),
            _pair(f, "postgres", "saturation"),
            "",
        ),
        (
            "  p50 / p99 at half load (ms)",
            _pair(f, "sqlite", "half_load"),
            _pair(f, "postgres", "half_load"),
            "",
        ),
        (
            "  at 8 / 16 / 32 in flight (/s)",
            _scaled(f, "sqlite"),
            _scaled(f, "postgres"),
            "",
        ),
        (
            "  vs gateway echo",
            _cell(f["submit_sqlite_vs_gateway_echo"]),
            _cell(f["submit_postgres_vs_gateway_echo"]),
            "",
        ),
        (
            "catalogue read p99, approval hung / not (ms)",
            _hung(f, phases),
            "",
            "",
        ),
        (
            "lifecycles, 50 in flight (/s)",
            _cell(f["lifecycles_per_s_sqlite"]),
            _cell(f["lifecycles_per_s_postgres"]),
            loadgen("sqlite.lifecycles"),
        ),
        (
            "  stack CPU per lifecycle (ms)",
            _cell(f.get("lifecycle_cpu_ms_sqlite")),
            _cell(f.get("lifecycle_cpu_ms_postgres")),
            "",
        ),
        ("  other processes' cores (noise)", others("sqlite.lifecycles"), others("postgres.lifecycles"), ""),
        ("SpiffWorkflow peer, 50 in flight (/s)", _cell(f["peer_lifecycles_per_s"]), "", ""),
        ("  peer CPU per lifecycle (ms)", _cell(f["peer_cpu_ms_per_lifecycle"]), "", ""),
        ("  other processes' cores (noise)", f"{peer.get('others_cores', 0.0):.2f}", "", ""),
        ("  lifecycles / peer", _cell(f["lifecycles_vs_peer"]), "", ""),
        ("  peer CPU / stack CPU per lifecycle", _cell(f.get("lifecycles_vs_peer_by_cpu")), "", ""),
        (
            "  ceiling: gateway echo / calls per lifecycle (/s)",
            _cell(f.get("lifecycles_ceiling_per_s_sqlite")),
            "",
            "",
        ),
        (
            "  lifecycles / ceiling; peer / ceiling",
            _pair_of(f, "lifecycles_vs_ceiling", "peer_vs_ceiling"),
            "",
            "",
        ),
        (
            "300-matter xlsx import (s)",
            _cell(f.get("catalogue_import_300_s_sqlite")),
            _cell(f.get("catalogue_import_300_s_postgresql")),
            "",
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    machine = document["machine"]
    noise = [phase["cpu_cores"].get("others", 0.0) for phase in phases.values()]
    lines.append("")
    lines.append(
        f"Other processes (not the bench's) used {sum(noise) / max(len(noise), 1):.2f} of the "
        f"{machine['cores']} cores on average during the measured windows."
    )
    lines.append(
        f"{machine['cores']} cores; load average {machine['load_before']} before, "
        f"{machine['load_after']} after; commit {document['commit'][:12]}; {document['wall_s']:.0f} s"
    )
    return "\n".join(lines)


def _pair_of(figures: dict[str, Any], first: str, second: str) -> str:
    return f"{_cell(figures.get(first))}; {_cell(figures.get(second))}"


def _scaled(figures: dict[str, Any], db: str) -> str:
    rates = [figures.get(f"submit_{db}_qps_at_{callers}") for callers in (8, 16, 32)]
    return " / ".join("—" if rate is None else f"{rate:,.0f}" for rate in rates)


def _hung(figures: dict[str, Any], phases: dict[str, Any]) -> str:
    hung, normal = figures.get("bulkhead_read_p99_ms"), phases.get("sqlite.read_gateway", {}).get("p99_ms")
    return "—" if hung is None or normal is None else f"{hung:,.1f} / {normal:,.1f}"


def _pair(figures: dict[str, Any], db: str, where: str) -> str:
    p50, p99 = figures.get(f"submit_{db}_p50_ms_at_{where}"), figures.get(f"submit_{db}_p99_ms_at_{where}")
    if p50 is None or p99 is None:
        return "—"
    return f"{p50:,.0f} / {p99:,.0f}"


def machine(load_before: str) -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "load_before": load_before,
        "load_after": load_average(),
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
