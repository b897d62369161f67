"""`python -m bench.peers.spiff`: the county–township lifecycle in SpiffWorkflow, one process.

The peer `make bench` compares the distributed stack with: the same process as BPMN
(county_loop.bpmn beside this file: acceptance, township initial review, ZR/ZJ/NJ in parallel,
county decision, township issue), run by an embedded engine, persisted to SQLite (WAL,
synchronous=FULL, as the services run) in its own transaction after every step.

Each step completes the next ready user task of one case, runs the engine to the next wait,
serializes the whole workflow (SpiffWorkflow's JSON serializer) and writes it, with the case
row, in one committed transaction. The first step also takes the case number from the site's
daily counter, as acceptance does. `in_flight` cases are open at once; one thread (by default)
steps a random one of them at a time, so they finish spread out, not in bursts.
By default a case's workflow stays in memory between steps (an engine embedded in a
long-running app); `--reload` reads and deserializes it from SQLite before every step instead
(an engine behind stateless request handlers).

What it does not do, and the stack does: network calls, tokens, access rules, idempotency keys,
input validation, documents (receipt, decision), review views, the working-day clock, events to
other services, tracing. The figure is a bound on the engine's own cost, not a like-for-like
service.

Prints one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState

MODEL = Path(__file__).with_name("county_loop.bpmn")
PROCESS_ID = "county_loop"
SITES = ("320826101", "320826102", "320826103")
DAY = "20260302"
# What each user task records when a person completes it: every reviewer approves.
ANSWERS: dict[str, dict[str, str]] = {
    "accept": {"matter": "320826-ZR-XK-001", "accepted_by": "clerk"},
    "township_review": {"initial": "approve"},
    "review_zr": {"zr": "approve"},
    "review_zj": {"zj": "approve"},
    "review_nj": {"nj": "approve"},
    "county_decision": {"decision": "granted"},
    "township_issue": {"issued": "核发乡村建设规划许可证"},
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (scope TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    case_no TEXT PRIMARY KEY,
    site_code TEXT NOT NULL,
    state TEXT NOT NULL,
    steps INTEGER NOT NULL,
    workflow TEXT NOT NULL
);
"""
# One thread steps all cases in flight. Measured here: 2 or 4 threads (the GIL released while
# one waits for SQLite's fsync) were no faster, often slower, than 1: the work is CPU-bound.
THREADS = 1


class Store:
    """The peer's database: one connection shared under a lock (SQLite has one writer), each
    step its own committed transaction."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._connection.executescript(SCHEMA)
        self._lock = threading.Lock()
        # Steps committed and workflow bytes written, counted under the lock.
        self.commits = 0
        self.bytes_written = 0

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")
            self.commits += 1

    def open_case(self, site: str, state: str, workflow: str) -> str:
        """Number the case from its site's daily counter and store it, in one transaction."""
        with self._transaction() as db:
            row = db.execute(
                "INSERT INTO counters (scope, value) VALUES (?, 1) "
                "ON CONFLICT (scope) DO UPDATE SET value = value + 1 RETURNING value",
                (f"case:{site}:{DAY}",),
            ).fetchone()
            case_no = f"{site}-{DAY}-{int(row[0]):04d}"
            db.execute(
                "INSERT INTO cases (case_no, site_code, state, steps, workflow) VALUES (?, ?, ?, 1, ?)",
                (case_no, site, state, workflow),
            )
            self.bytes_written += len(workflow)
        return case_no

    def save(self, case_no: str, state: str, workflow: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE cases SET state = ?, steps = steps + 1, workflow = ? WHERE case_no = ?",
                (state, workflow, case_no),
            )
            self.bytes_written += len(workflow)

    def load(self, case_no: str) -> str:
        with self._lock:
            row = self._connection.execute(
                "SELECT workflow FROM cases WHERE case_no = ?", (case_no,)
            ).fetchone()
        return str(row[0])

    def close(self) -> None:
        self._connection.close()


@dataclass
class Case:
    site: str
    started: float
    workflow: Any = None  # a BpmnWorkflow; None while it lives only in the database (--reload)
    case_no: str = ""


class Peer:
    def __init__(self, store: Store, *, reload: bool) -> None:
        parser = BpmnParser()
        parser.add_bpmn_file(str(MODEL))
        self._spec = parser.get_spec(PROCESS_ID)
        self._serializer = BpmnWorkflowSerializer()
        self._store = store
        self._reload = reload
        self._numbers = itertools.count()

    def new_case(self) -> Case:
        workflow = BpmnWorkflow(self._spec)
        workflow.do_engine_steps()
        return Case(SITES[next(self._numbers) % len(SITES)], time.perf_counter(), workflow)

    def step(self, case: Case) -> bool:
        """Complete the case's next ready user task and persist it; True when the case is finished."""
        workflow = case.workflow
        if workflow is None:
            workflow = self._serializer.deserialize_json(self._store.load(case.case_no))
        task = workflow.get_next_task(state=TaskState.READY, manual=True)
        name = task.task_spec.name
        task.data.update(ANSWERS[name])
        task.run()
        workflow.do_engine_steps()
        finished = bool(workflow.is_completed())
        state = "result_issued" if finished else name
        serialized = self._serializer.serialize_json(workflow)
        if not case.case_no:
            case.case_no = self._store.open_case(case.site, state, serialized)
        else:
            self._store.save(case.case_no, state, serialized)
        case.workflow = None if self._reload else workflow
        return finished


class _Window:
    """The measured window: lifecycles finished inside it, and the counters at its start."""

    def __init__(self, warmup_s: float, duration_s: float) -> None:
        self.start = time.perf_counter() + warmup_s
        self.end = self.start + duration_s
        self.latencies: list[float] = []

    def open(self) -> bool:
        return time.perf_counter() < self.end


def _drive(peer: Peer, cases: list[Case], window: _Window, seed: int) -> None:
    """Step a random one of this thread's open cases until the window closes (random, not round
    robin: in turn the cases would all finish together, in bursts of `in_flight`)."""
    chooser = random.Random(seed)
    while window.open():
        slot = chooser.randrange(len(cases))
        case = cases[slot]
        if peer.step(case):
            finished = time.perf_counter()
            if finished >= window.start:
                window.latencies.append(finished - case.started)
            cases[slot] = peer.new_case()


def run(
    db: Path, *, in_flight: int, threads: int, warmup_s: float, duration_s: float, reload: bool
) -> dict[str, Any]:
    store = Store(db)
    peer = Peer(store, reload=reload)
    shares = [[peer.new_case() for _ in range(in_flight // threads)] for _ in range(threads)]
    window = _Window(warmup_s, duration_s)
    workers = [
        threading.Thread(target=_drive, args=(peer, share, window, n), name=f"peer-{n}")
        for n, share in enumerate(shares)
    ]
    for worker in workers:
        worker.start()
    time.sleep(max(0.0, window.start - time.perf_counter()))
    cpu, steps, written = time.process_time(), store.commits, store.bytes_written
    time.sleep(max(0.0, window.end - time.perf_counter()))
    cpu, steps, written = time.process_time() - cpu, store.commits - steps, store.bytes_written - written
    for worker in workers:
        worker.join()
    store.close()
    done = sorted(window.latencies)
    return {
        "engine": f"SpiffWorkflow {version('SpiffWorkflow')}",
        "mode": "reload each step" if reload else "in memory, persisted each step",
        "in_flight": in_flight,
        "threads": threads,
        "duration_s": duration_s,
        "lifecycles": len(done),
        "lifecycles_per_s": len(done) / duration_s,
        "steps_per_s": steps / duration_s,
        "p50_ms": done[len(done) // 2] * 1000 if done else 0.0,
        "cpu_cores": cpu / duration_s,
        "cpu_ms_per_lifecycle": cpu * 1000 / len(done) if done else 0.0,
        "bytes_per_step": written / steps if steps else 0,
        "sqlite": sqlite3.sqlite_version,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.peers.spiff")
    parser.add_argument("--db", type=Path, required=True, help="SQLite file (made fresh)")
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=THREADS, help="threads stepping the cases")
    parser.add_argument("--reload", action="store_true", help="deserialize from SQLite before every step")
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    figures = run(
        args.db,
        in_flight=args.in_flight,
        threads=args.threads,
        warmup_s=args.warmup,
        duration_s=args.duration,
        reload=args.reload,
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
