"""`python -m bench --profile` (this module): where a lifecycle's time goes, per process.

Runs the SQLite lifecycle phase with py-spy sampling every process of the stack over the
measured window (100 Hz, non-blocking, only the thread holding the GIL: Python's own CPU work;
gRPC's C core, SQLite's fsync and psycopg's socket waits run without the GIL and are not seen).
Keeps the raw folded stacks (`<process>.folded.gz`; gunzip for speedscope, inferno or
flamegraph.pl) and writes `summary.md`: per process, the share of samples by library and the
hottest functions. py-spy runs beside the stack on the same two cores, so the throughput of a
profiled run is lower than a plain run's; use the shares, not the rates.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench.processes import Child

REPOSITORY = str(Path(__file__).resolve().parents[1])
RATE_HZ = 100
TOP = 12
_SITE = re.compile(r"site-packages/([A-Za-z0-9_]+)")
# Costs issue 10 names. A sample counts for the innermost of these on its stack (the tracing
# interceptor wraps every call, so "anywhere on the stack" would give it nearly everything);
# the shares add up to 100 % with "everything else".
TOPICS = {
    "ORM (SQLAlchemy, SQLModel)": re.compile(r"site-packages/(sqlalchemy|sqlmodel)/"),
    "tracing (OpenTelemetry)": re.compile(r"site-packages/opentelemetry/"),
    "tokens and identity (PyJWT)": re.compile(r"site-packages/jwt/"),
    "traceback formatting": re.compile(r"/(traceback|linecache)\.py"),
    "protobuf": re.compile(r"site-packages/google/protobuf/"),
    "the bench's clock file": re.compile(r"services/common/clock\.py"),
}
OTHER = "everything else (gRPC, our code, the standard library)"
_OURS = re.compile(r"/(services|gateway|plugins|tongban_cli|gen/tongban)/")


def py_spy() -> str:
    return str(Path(sys.executable).parent / "py-spy")


def start(children: Sequence[Child], duration_s: float, out_dir: Path) -> list[subprocess.Popen[bytes]]:
    """One py-spy per process, each recording for `duration_s` (they stop on their own)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(
            [
                py_spy(),
                "record",
                "--pid",
                str(child.process.pid),
                "--duration",
                str(int(duration_s)),
                "--rate",
                str(RATE_HZ),
                "--format",
                "raw",
                "--nonblocking",
                # Only the thread holding the GIL: Python's CPU work, not threads waiting.
                "--gil",
                "--full-filenames",
                "--output",
                str(out_dir / f"{child.name}.folded"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for child in children
    ]


def finish(recorders: Sequence[subprocess.Popen[bytes]], out_dir: Path, timeout_s: float = 60.0) -> None:
    """Wait for every recorder, then gzip what they wrote (folded stacks are large, and repetitive)."""
    for recorder in recorders:
        recorder.wait(timeout_s)
    for folded in out_dir.glob("*.folded"):
        with folded.open("rb") as raw, gzip.open(f"{folded}.gz", "wb") as packed:
            shutil.copyfileobj(raw, packed)
        folded.unlink()


def _library(frame: str) -> str:
    """What a frame "function (path:line)" belongs to: a package, our code, or the stdlib."""
    site = _SITE.search(frame)
    if site:
        return site.group(1)
    ours = _OURS.search(frame)
    if ours:
        return ours.group(1).replace("gen/", "generated ")
    return "stdlib/other"


def summarize(folded: Path) -> str:
    """Markdown: samples by library of the innermost frame (self time) and the hottest functions,
    from a gzipped folded-stacks file."""
    by_library: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    total = 0
    process = folded.name.partition(".")[0]
    for line in gzip.decompress(folded.read_bytes()).decode("utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        by_library[_library(frames[-1])] += count
        by_function[frames[-1]] += count
        for library in {_library(frame) for frame in frames}:
            inclusive[library] += count
        topics[_innermost_topic(frames)] += count
    if not total:
        return f"### {process}\n\nno samples\n"
    lines = [f"### {process} ({total} samples)", "", "| library | self | inclusive |", "|---|---|---|"]
    for library, count in by_library.most_common(TOP):
        lines.append(
            f"| {library} | {100 * count / total:.0f} % | {100 * inclusive[library] / total:.0f} % |"
        )
    lines += ["", "| cost (innermost on the stack) | share |", "|---|---|"]
    lines += [f"| {topic} | {100 * topics[topic] / total:.0f} % |" for topic in [*TOPICS, OTHER]]
    lines += ["", "| hottest functions (self) | share |", "|---|---|"]
    for function, count in by_function.most_common(TOP):
        lines.append(f"| `{_short(function)}` | {100 * count / total:.1f} % |")
    return "\n".join(lines) + "\n"


def _innermost_topic(frames: Sequence[str]) -> str:
    for frame in reversed(frames):
        for topic, pattern in TOPICS.items():
            if pattern.search(frame):
                return topic
    return OTHER


def _short(frame: str) -> str:
    """`function (path:line)` with the path made relative: to site-packages, to the repository
    or to the standard library."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for root in ("site-packages/", f"{REPOSITORY}/", "/lib/python3."):
        if root in where:
            where = where.split(root, 1)[1]
            if root.startswith("/lib/"):
                where = where.partition("/")[2]
            break
    return f"{name} ({where})"
