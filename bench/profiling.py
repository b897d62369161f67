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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.processes import Child

REPOSITORY = str(Path(__file__).resolve().parents[1])
RATE_HZ = 100
TOP = 12
_SITE = re.compile(r"site-packages/([A-Za-z0-9_]+)")
# Costs issue 10 names. A sample counts for the innermost of these on its stack (the tracing
# interceptor wraps every call, so "anywhere on the stack" would give it nearly everything);
# the shares add up to 100 % with "everything else".
ORM = "ORM (SQLAlchemy, SQLModel)"
TOPICS = {
    ORM: re.compile(r"site-packages/(sqlalchemy|sqlmodel)/"),
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


def _stacks(folded: Path) -> Iterator[tuple[list[str], int]]:
    """Each sampled stack of a gzipped folded-stacks file (outermost frame first), with its count."""
    for line in gzip.decompress(folded.read_bytes()).decode("utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if stack and count_text.isdigit():
            yield stack.split(";"), int(count_text)


def topic_shares(folded: Path) -> dict[str, float]:
    """Each of TOPICS' (and OTHER's) share of a process's samples, by the innermost on the stack."""
    topics: Counter[str] = Counter()
    for frames, count in _stacks(folded):
        topics[_innermost_topic(frames)] += count
    total = sum(topics.values())
    return {topic: topics[topic] / total for topic in [*TOPICS, OTHER]} if total else {}


def summarize(folded: Path) -> str:
    """Markdown: samples by library of the innermost frame (self time) and the hottest functions,
    from a gzipped folded-stacks file."""
    by_library: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    process = folded.name.partition(".")[0]
    for frames, count in _stacks(folded):
        total += count
        by_library[_library(frames[-1])] += count
        by_function[frames[-1]] += count
        for library in {_library(frame) for frame in frames}:
            inclusive[library] += count
    if not total:
        return f"### {process}\n\nno samples\n"
    lines = [f"### {process} ({total} samples)", "", "| library | self | inclusive |", "|---|---|---|"]
    for library, count in by_library.most_common(TOP):
        lines.append(
            f"| {library} | {100 * count / total:.0f} % | {100 * inclusive[library] / total:.0f} % |"
        )
    shares = topic_shares(folded)
    lines += ["", "| cost (innermost on the stack) | share |", "|---|---|"]
    lines += [f"| {topic} | {100 * share:.0f} % |" for topic, share in shares.items()]
    lines += ["", "| hottest functions (self) | share |", "|---|---|"]
    for function, count in by_function.most_common(TOP):
        lines.append(f"| `{_short(function)}` | {100 * count / total:.1f} % |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Bound:
    """What a lifecycle would cost if one of TOPICS cost nothing, and the rate that allows."""

    topic: str
    # CPU per lifecycle of each process of the run (the stack and the load generator), as run
    # and without the topic's share.
    cpu_ms: dict[str, float]
    without_ms: dict[str, float]
    cores: int

    @property
    def lifecycles_per_s_at_most(self) -> float:
        """Every core busy with nothing but the rest: what the run's processes could not exceed."""
        return 1000 * self.cores / sum(self.without_ms.values())


def bound_without(
    topic: str,
    shares: Mapping[str, Mapping[str, float]],
    process_cores: Mapping[str, float],
    lifecycles_per_s: float,
    cores: int,
) -> Bound:
    """The run's CPU per lifecycle by process, less `topic`'s share of each profiled process.

    py-spy samples the thread holding the GIL, so a share is of a process's Python time; taking
    it from the process's whole CPU (gRPC's and SQLite's threads included) overstates the saving,
    which makes the rate an upper bound. A process not profiled (the load generator) keeps all
    its CPU; py-spy's own ("others") and the machine's total are not processes of the run.
    """
    cpu_ms = {
        name: 1000 * used / lifecycles_per_s
        for name, used in process_cores.items()
        if name not in ("machine", "others")
    }
    without_ms = {name: ms * (1 - shares.get(name, {}).get(topic, 0.0)) for name, ms in cpu_ms.items()}
    return Bound(topic, cpu_ms, without_ms, cores)


def bound_table(bound: Bound) -> str:
    """Markdown: the bound, process by process."""
    lines = [
        f"## If {bound.topic} cost nothing",
        "",
        "Each process's CPU per lifecycle in this run, less the share of its samples whose innermost",
        "costly frame is in it (an upper bound on the saving: see `bound_without` in bench/profiling.py).",
        "",
        "| process | ms per lifecycle | without it |",
        "|---|---|---|",
    ]
    for name, ms in sorted(bound.cpu_ms.items(), key=lambda item: -item[1]):
        lines.append(f"| {name} | {ms:.1f} | {bound.without_ms[name]:.1f} |")
    total, without = sum(bound.cpu_ms.values()), sum(bound.without_ms.values())
    lines += [
        f"| all | {total:.1f} | {without:.1f} |",
        "",
        f"That is at most ×{total / without:.2f} this run's lifecycles a second (a ratio: it moves "
        "far less with the machine's speed of the hour than the rates do); and on "
        f"{bound.cores} cores, every one of them busy, at most **{bound.lifecycles_per_s_at_most:.0f} "
        f"lifecycles a second** (the same arithmetic on this run's CPU as it is: "
        f"{1000 * bound.cores / total:.0f}).",
    ]
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
