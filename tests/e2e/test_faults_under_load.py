"""Faults under load, end to end on SQLite (issue 10, "Faults under load"): clerks submit cases
through the gateway, retrying with the same request_id (tests/faults/load.py), while

- each process in turn (acceptance, approval, staff, supervision, the gateway) is killed with
  SIGKILL and started again: afterwards no acknowledged case is lost, none is doubled (the case
  numbers the clients were told are exactly the new cases, each stored under its request_id),
  every outbox has drained, and approval and supervision saw each case once;
- each process in turn gets SIGTERM: it drains its calls and exits 0, calls in flight at the
  signal succeed, a write committed by a stopping process was acknowledged to its client, and no
  call fails with anything but UNAVAILABLE (refused before it started) or, at the gateway's own
  shutdown only, CANCELLED: gRPC's server cancels the calls that reached it but no handler yet
  (a backend's such calls the gateway retries). Clients retry both with the same request_id.

Bounded in count (CASES) and time (bounded polls); loopback only; nothing asserts on timing.
Run alone with `pytest tests/e2e/test_faults_under_load.py -s` to see the figures.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
import pytest

from tests.e2e.conftest import Stack, running_stack
from tests.faults.checks import Books, Logs, assert_events_exactly_once, assert_nothing_lost_or_doubled
from tests.faults.load import CLERK, INSPECTOR, OK, Load

pytestmark = [pytest.mark.e2e, pytest.mark.serial, pytest.mark.long]

UNAVAILABLE, CANCELLED = grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED

# Cases in the kill -9 run. 2,000 as the issue asks: on this 2-core machine, shared with others, they
# took 46 to 110 s (18 to 43 a second, five restarts included), the test 1.5 to 2 minutes with the
# stack's start; lower it here if that is too long.
CASES = 2000
ORDER = ("acceptance", "approval", "staff", "supervision", "gateway")
# Down at least this long; a process whose absence does not stop submissions stays down until
# this many more cases were acknowledged without it (its events wait in the outboxes).
DOWN_SECONDS = 1.0
ACKED_WHILE_DOWN = 100
# Submissions go through acceptance and the gateway: with either down, none is acknowledged.
ON_THE_PATH = frozenset({"acceptance", "gateway"})


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("faults-load")) as started:
        yield started


def tokens(stack: Stack) -> dict[str, str]:
    return {CLERK: stack.token(CLERK), INSPECTOR: stack.token(INSPECTOR)}


def process(stack: Stack, name: str) -> subprocess.Popen[bytes]:
    return next(c for c in stack.children if c.name == name).process


@dataclass
class Kill:
    name: str
    acked_at_kill: int = 0
    acked_at_start: int = 0
    down_seconds: float = 0.0


def test_kill_9_each_process_in_turn_under_load(stack: Stack) -> None:
    books = Books(stack)
    logs = Logs(stack)
    before = books.case_numbers()
    load = Load(stack.gateway, tokens(stack), f"kill9-{time.time_ns()}", CASES).start()
    began = time.monotonic()
    kills: list[Kill] = []
    try:
        for turn, name in enumerate(ORDER, start=1):
            # Spread the kills over the run: the n-th once n/6 of the cases were acknowledged.
            load.wait_acknowledged(CASES * turn // (len(ORDER) + 1), f"progress before killing {name}")
            kill = Kill(name, acked_at_kill=load.acknowledged())
            stack.kill(name)
            killed = time.monotonic()
            if name not in ON_THE_PATH:
                load.wait_acknowledged(kill.acked_at_kill + ACKED_WHILE_DOWN, f"cases without {name}")
            time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - killed)))
            kill.acked_at_start = load.acknowledged()
            stack.start(name)
            kill.down_seconds = time.monotonic() - killed
            kills.append(kill)
        load.finish()
    finally:
        for name in ORDER:
            if process(stack, name).poll() is not None:
                stack.start(name)
    submitted = time.monotonic() - began
    cases = assert_nothing_lost_or_doubled(books, load, before)
    settled = books.wait_settled(cases)
    assert_events_exactly_once(books, cases)
    logs.assert_no_unexpected_errors()
    retried = sum(1 for a in load.attempts if a.code is not OK)
    print(
        f"\n{CASES} cases acknowledged in {submitted:.1f}s, settled {settled:.1f}s later; "
        f"{retried} attempts retried {dict(load.codes())}; kills: "
        + "; ".join(
            f"{k.name} at {k.acked_at_kill} acked, down {k.down_seconds:.1f}s "
            f"({k.acked_at_start - k.acked_at_kill} acked meanwhile)"
            for k in kills
        ),
        file=sys.stderr,
    )


# --- SIGTERM -----------------------------------------------------------------------------------

# Which attempts reach each process (the gateway carries them all).
REACHES = {
    "acceptance": {"SubmitApplication"},
    "approval": {"approval"},
    "staff": {"staff"},
    "supervision": {"supervision"},
    "gateway": {"SubmitApplication", "approval", "staff", "supervision"},
}


@dataclass
class Drain:
    name: str
    signalled: float
    exited: float
    exit_code: int
    in_flight_ok: int


def sigterm(stack: Stack, load: Load, books: Books, name: str) -> Drain:
    """SIGTERM `name` under load; wait for it to exit; check what it committed was acknowledged."""
    child = process(stack, name)
    log_start = stack.var_dir.joinpath("log", f"{name}.log").stat().st_size
    # Signal while calls to it are under way (reads take a few milliseconds: every reader reads
    # this backend meanwhile, and the poll is close).
    load.focus = name if name in ("approval", "staff", "supervision") else None
    deadline = time.monotonic() + 30
    while load.in_flight(REACHES[name]) < 2 and time.monotonic() < deadline:
        time.sleep(0.0005)
    signalled = time.monotonic()
    child.send_signal(signal.SIGTERM)
    load.wait_for(lambda: child.poll() is not None, f"{name} to exit after SIGTERM", timeout=60)
    exited = time.monotonic()
    committed = set(books.submissions(load.run))
    # Every attempt begun before the exit has ended (the clients hear back at once: nothing listens).
    load.wait_for(lambda: not load.running_since_before(exited), "the attempts begun before the exit to end")
    if name in ("acceptance", "gateway"):
        unacknowledged = committed - set(load.acked)
        assert not unacknowledged, f"{name} committed without answering: {sorted(unacknowledged)[:10]}"
    log = stack.var_dir.joinpath("log", f"{name}.log").read_bytes()[log_start:].decode(errors="replace")
    assert "Traceback" not in log, f"{name} logged a traceback while stopping:\n{log[-3000:]}"
    in_flight_ok = sum(
        1
        for a in list(load.attempts)
        if a.method in REACHES[name] and a.began < signalled < a.ended and a.code is OK
    )
    load.focus = None
    drain = Drain(name, signalled, exited, child.returncode, in_flight_ok)
    stack.start(name)
    return drain


def test_sigterm_drains_in_flight_calls_on_every_process(stack: Stack) -> None:
    books = Books(stack)
    logs = Logs(stack)
    before = books.case_numbers()
    run = f"term-{time.time_ns()}"
    load = Load(stack.gateway, tokens(stack), run, 10**6, readers=6, retry_cancelled=True).start()
    drains: list[Drain] = []
    try:
        for name in ORDER:
            # Reads take milliseconds: on a busy machine the calls under way at the signal may not
            # have reached the process yet (refused, UNAVAILABLE). Stop it again, up to 5 times,
            # until calls were in flight in it at the signal.
            for _ in range(5):
                load.wait_acknowledged(load.acknowledged() + 30, f"load before stopping {name}")
                drains.append(sigterm(stack, load, books, name))
                if drains[-1].in_flight_ok:
                    break
        # Finish: the submissions begun so far, then the checks.
        load.total = load.acknowledged() + 30
        load.finish()
    finally:
        for name in ORDER:
            if process(stack, name).poll() is not None:
                stack.start(name)
    codes = {a.code for a in load.attempts}
    assert codes <= {OK, UNAVAILABLE, CANCELLED}, f"calls failed otherwise: {load.codes()}"
    # CANCELLED comes only from the gateway's own shutdown, to calls that reached it but no
    # handler yet (gRPC's server); a backend's is retried by the gateway (gateway/proxy.py).
    # (Its windows: from each signal to the exit, plus a second for the client to note the answer.)
    windows = [(d.signalled, d.exited + 1.0) for d in drains if d.name == "gateway"]
    stray = [
        a
        for a in load.attempts
        if a.code == CANCELLED and not any(begin <= a.ended <= end for begin, end in windows)
    ]
    assert not stray, f"calls cancelled outside the gateway's shutdown: {stray[:5]}"
    for drain in drains:
        assert drain.exit_code == 0, f"{drain.name} exited {drain.exit_code} after SIGTERM"
    # Submissions (through acceptance and the gateway) are always under way at the signal; the
    # backends only read here may see none in five tries on a busy machine: printed, not asserted.
    for name in ("acceptance", "gateway"):
        assert any(d.in_flight_ok for d in drains if d.name == name), f"no call was in {name} at SIGTERM"
    load.total = len(load.acked)
    cases = assert_nothing_lost_or_doubled(books, load, before)
    books.wait_settled(cases)
    assert_events_exactly_once(books, cases)
    logs.assert_no_unexpected_errors()
    print(
        f"\n{len(cases)} cases; attempts {dict(load.codes())}; "
        + "; ".join(
            f"{d.name}: {d.in_flight_ok} in flight answered, exit {d.exited - d.signalled:.2f}s after SIGTERM"
            for d in drains
        ),
        file=sys.stderr,
    )
