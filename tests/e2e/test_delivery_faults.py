"""Events between services under faults, end to end (ARCHITECTURE.md, "Events between services":
nothing lost, nothing doubled). Every service runs as its own process; the test drives cases by
calling acceptance and approval directly, with identities signed by the stack's internal key.

- SQLite: 500 county cases flow acceptance → approval → acceptance while approval, then
  acceptance, are killed with SIGKILL mid-flow and started again. Afterwards every accepted case
  has exactly one review, every decision came back exactly once, and supervision holds each
  event exactly once.
- SQLite: approval is down (its address answers UNAVAILABLE) while acceptance accepts cases: the
  relay keeps the events, supervision's lane is not held up, and once approval is back every
  event arrives exactly once.
- PostgreSQL: a second acceptance relay races the process's own over the same outbox (FOR UPDATE
  SKIP LOCKED). Both deliver through counting proxies in front of approval and supervision, which
  see every event acknowledged exactly once: no event is sent twice on the wire.

Slow: these push 840 cases through five processes (two stacks); about 1.5–2 minutes on a 2-core
machine. Waits are bounded polls; nothing asserts on timing. Run alone with
`pytest tests/e2e/test_delivery_faults.py -s` to see the outages and each relay's share printed.
"""

from __future__ import annotations

import queue
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc
import psycopg
import pytest
from tongban.acceptance.v1 import acceptance_pb2 as S
from tongban.acceptance.v1 import acceptance_pb2_grpc
from tongban.approval.v1 import approval_pb2 as A
from tongban.approval.v1 import approval_pb2_grpc
from tongban.events.v1 import intake_pb2, intake_pb2_grpc

from services.acceptance import models as acceptance_models
from services.common.db import Database, tables_in
from services.common.identity import IDENTITY_HEADER, Caller, sign_identity
from services.common.relay import Relay
from tests.e2e.conftest import Stack, running_stack
from tests.support import fresh_postgres_databases

pytestmark = pytest.mark.e2e

T = TypeVar("T")

# 户口迁移(准迁证)办理: 县乡同办 (GA), promised 5 days, accepted at the county centre or a township.
# Accepted at the county centre the township's initial review is skipped: 部门审核, then 审批决定.
# (出生登记 320826-GA-QT-002 is accepted at township sub-centres only, so the county clerk cannot.)
MATTER = "320826-GA-QT-001"
MATERIALS = ["M01", "M02", "M03", "M04"]
CLERK = Caller("clerk-county", "320826000", frozenset({"clerk"}))
WINDOW = "320826000-W01"
REVIEWER = Caller("reviewer-ga", "320826000", frozenset({"reviewer"}), "GA")
APPLICANT = S.Applicant(
    kind=S.APPLICANT_KIND_PERSON, name="王秀英", id_number="32082619850312002X", phone="13912345678"
)

ACCEPTED = S.CASE_STATE_ACCEPTED
DECIDED = S.CASE_STATE_DECIDED
ACCEPTED_EVENT = "tongban.acceptance.v1.CaseAccepted"
DECIDED_EVENT = "tongban.approval.v1.ReviewDecided"
# Calls that failed because a process is down (or was killed mid-call): retried with the same
# request_id, which the services make safe (ARCHITECTURE.md, "Contracts").
RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
# Restart a killed client connection quickly rather than after gRPC's default back-off.
CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 1000),
)
# Upper bounds for waits; a healthy run needs a fraction of them.
CALL_PATIENCE = 120.0
SETTLE_PATIENCE = 120.0


class Stopped(Exception):
    """Another worker of the flow failed; this one gives up waiting."""


# --- waiting ---------------------------------------------------------------------------------


def wait_for(
    probe: Callable[[], T | None],
    what: str,
    timeout: float = SETTLE_PATIENCE,
    stop: threading.Event | None = None,
) -> T:
    """Poll until `probe` returns something (not None), bounded; `what` names it when it never does."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if stop is not None and stop.is_set():
            raise Stopped(what)
        try:
            found = probe()
        except grpc.RpcError as error:
            if error.code() not in (grpc.StatusCode.NOT_FOUND, *RETRYABLE):
                raise
            found, last = None, error.code()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last})")


def until(condition: Callable[[], bool]) -> Callable[[], bool | None]:
    """A probe for wait_for from a condition."""
    return lambda: True if condition() else None


def retrying(call: Callable[[], T], what: str, stop: threading.Event, retried: Callable[[], None]) -> T:
    """Make a keyed call, again with the same request while the service is unreachable."""
    deadline = time.monotonic() + CALL_PATIENCE
    first = True
    while True:
        if stop.is_set():
            raise Stopped(what)
        try:
            return call()
        except grpc.RpcError as error:
            if error.code() not in RETRYABLE or time.monotonic() > deadline:
                raise AssertionError(f"{what}: {error.code()} {error.details()}") from error
        if first:
            retried()
            first = False
        time.sleep(0.1)


# --- the services, called directly --------------------------------------------------------------


class Services:
    """Stubs straight to acceptance and approval, with identities signed by the stack's key."""

    def __init__(self, stack: Stack, run: str) -> None:
        self.key = (stack.var_dir / "keys" / "internal.key").read_bytes().strip()
        self.run = run
        # Set when a worker of a flow fails: the others stop waiting.
        self.stop = threading.Event()
        # Calls (by method) that failed with UNAVAILABLE or DEADLINE_EXCEEDED and were retried.
        self.retried: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._channels = [
            grpc.insecure_channel(stack.address(name), options=CHANNEL_OPTIONS)
            for name in ("acceptance", "approval")
        ]
        self.cases = acceptance_pb2_grpc.AcceptanceServiceStub(self._channels[0])
        self.reviews = approval_pb2_grpc.ReviewServiceStub(self._channels[1])

    def close(self) -> None:
        for channel in self._channels:
            channel.close()

    def _retried(self, method: str) -> Callable[[], None]:
        def count() -> None:
            with self._lock:
                self.retried[method] += 1

        return count

    def metadata(self, caller: Caller) -> tuple[tuple[str, str], ...]:
        return ((IDENTITY_HEADER, sign_identity(caller, self.key)),)

    def submit(self, index: int) -> str:
        """Accept one application at the county window; returns its case number."""
        request = S.SubmitApplicationRequest(
            request_id=f"{self.run}-submit-{index}",
            matter_code=MATTER,
            window_code=WINDOW,
            applicant=APPLICANT,
            materials=[S.ProvidedMaterial(material_code=code) for code in MATERIALS],
        )
        reply = retrying(
            lambda: self.cases.SubmitApplication(request, metadata=self.metadata(CLERK), timeout=10),
            f"SubmitApplication #{index}",
            self.stop,
            self._retried("SubmitApplication"),
        )
        assert reply.case.state == ACCEPTED, f"#{index}: {S.CaseState.Name(reply.case.state)}"
        return str(reply.case.case_no)

    def review(self, case_no: str) -> A.Review:
        reply: A.GetReviewResponse = self.reviews.GetReview(
            A.GetReviewRequest(case_no=case_no), metadata=self.metadata(REVIEWER), timeout=10
        )
        return reply.review

    def decide(self, case_no: str) -> None:
        """Wait for the review to open, answer 部门审核 and grant, as GA's reviewer."""
        opened = wait_for(
            lambda: self.review(case_no), f"the review of {case_no} in approval", CALL_PATIENCE, self.stop
        )
        [step] = [s for s in opened.steps if s.state == A.STEP_STATE_ACTIVE]
        assert step.name == "部门审核", f"{case_no}: active step {step.name}"
        complete = A.CompleteStepRequest(
            request_id=f"{self.run}-complete-{case_no}",
            case_no=case_no,
            step_number=step.number,
            verdict=A.VERDICT_APPROVE,
        )
        retrying(
            lambda: self.reviews.CompleteStep(complete, metadata=self.metadata(REVIEWER), timeout=10),
            f"CompleteStep {case_no}",
            self.stop,
            self._retried("CompleteStep"),
        )
        decide = A.DecideCaseRequest(
            request_id=f"{self.run}-decide-{case_no}", case_no=case_no, outcome=A.DECISION_OUTCOME_GRANTED
        )
        reply = retrying(
            lambda: self.reviews.DecideCase(decide, metadata=self.metadata(REVIEWER), timeout=10),
            f"DecideCase {case_no}",
            self.stop,
            self._retried("DecideCase"),
        )
        assert reply.review.state == A.REVIEW_STATE_DECIDED, f"{case_no}: {reply.review.state}"


@dataclass
class Flow:
    """Submitters accept cases; deciders take each accepted case through approval meanwhile."""

    services: Services
    total: int
    decide: bool = True
    submitters: int = 3
    deciders: int = 3
    submitted: list[str] = field(default_factory=list)
    decided: list[str] = field(default_factory=list)
    _next: Iterator[int] = field(default_factory=lambda: iter(range(10**9)))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    accepted: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def _submit_all(self) -> None:
        while True:
            with self._lock:
                index = next(self._next)
            if index >= self.total:
                return
            case_no = self.services.submit(index)
            with self._lock:
                self.submitted.append(case_no)
            self.accepted.put(case_no)

    def _decide_all(self) -> None:
        while (case_no := self.accepted.get()) is not None:
            self.services.decide(case_no)
            with self._lock:
                self.decided.append(case_no)

    def run(self, controller: Callable[[Flow], None] = lambda _flow: None) -> None:
        """Run the flow; `controller` is called every 50 ms meanwhile (it kills and restarts)."""
        stop = self.services.stop
        pool = futures.ThreadPoolExecutor(self.submitters + self.deciders)
        submitting = [pool.submit(self._guard, self._submit_all) for _ in range(self.submitters)]
        deciding = [
            pool.submit(self._guard, self._decide_all) for _ in range(self.deciders if self.decide else 0)
        ]
        try:
            while not stop.is_set() and not all(f.done() for f in submitting):
                controller(self)
                time.sleep(0.05)
            for _ in deciding:
                self.accepted.put(None)
            while not stop.is_set() and not all(f.done() for f in deciding):
                controller(self)
                time.sleep(0.05)
        except BaseException:
            stop.set()
            raise
        finally:
            if stop.is_set():
                for _ in deciding:
                    self.accepted.put(None)
            pool.shutdown(wait=True)
        problems = [f.exception() for f in [*submitting, *deciding] if f.exception() is not None]
        for problem in sorted(problems, key=lambda p: isinstance(p, Stopped)):
            raise problem  # type: ignore[misc]

    def _guard(self, work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException:
            self.services.stop.set()
            raise

    def counts(self) -> tuple[int, int]:
        with self._lock:
            return len(self.submitted), len(self.decided)


# --- faults --------------------------------------------------------------------------------------


@dataclass
class Outage:
    """Kill `service` (SIGKILL) once `begin(flow)` holds; start it again once at least
    `min_seconds` have passed since the kill and `end(flow)` holds (or `max_seconds` passed,
    for an `end` that may depend on the dead service)."""

    stack: Stack
    service: str
    begin: Callable[[Flow], bool]
    end: Callable[[Flow], bool]
    min_seconds: float = 2.0
    max_seconds: float = 15.0
    killed_at: float | None = None
    restarted: bool = False
    counts_at_kill: tuple[int, int] = (0, 0)
    counts_at_restart: tuple[int, int] = (0, 0)

    def step(self, flow: Flow) -> None:
        if self.killed_at is None:
            if self.begin(flow):
                self.stack.kill(self.service)
                self.killed_at = time.monotonic()
                self.counts_at_kill = flow.counts()
        elif not self.restarted and (down := time.monotonic() - self.killed_at) >= self.min_seconds:
            if not (self.end(flow) or down >= self.max_seconds):
                return
            self.counts_at_restart = flow.counts()
            self.stack.start(self.service)
            self.restarted = True

    def summary(self) -> str:
        (submitted, decided), (submitted_after, decided_after) = self.counts_at_kill, self.counts_at_restart
        return (
            f"{self.service} down from {submitted} submitted/{decided} decided "
            f"to {submitted_after}/{decided_after}"
        )

    def finish(self) -> None:
        """A flow that ended while the service was down: start it again now."""
        if self.killed_at is not None and not self.restarted:
            self.stack.start(self.service)
            self.restarted = True


def controlled(*outages: Outage) -> Callable[[Flow], None]:
    def control(flow: Flow) -> None:
        for outage in outages:
            outage.step(flow)

    return control


# --- reading the databases (read-only; each service owns its own) -------------------------------


class Tables:
    """Read-only queries against one service's database, SQLite or PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite:///"):
            path = Path(self.url.removeprefix("sqlite:///"))
            lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
            try:
                return lite.execute(sql).fetchall()
            finally:
                lite.close()
        with psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://")) as connection:
            return connection.execute(sql).fetchall()

    def undelivered(self) -> int:
        return int(self.rows("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")[0][0])


@dataclass
class Databases:
    acceptance: Tables
    approval: Tables
    supervision: Tables

    @classmethod
    def of(cls, stack: Stack, url_template: str = "") -> Databases:
        def url(service: str) -> str:
            if url_template:
                return url_template.replace("{service}", service)
            return f"sqlite:///{stack.var_dir / f'{service}.db'}"

        return cls(Tables(url("acceptance")), Tables(url("approval")), Tables(url("supervision")))

    def case_numbers(self) -> set[str]:
        return {case_no for (case_no,) in self.acceptance.rows("SELECT case_no FROM cases")}

    def supervision_received(self, event_type: str) -> list[str]:
        """The aggregates (case numbers) of the events of that type supervision received."""
        rows = self.supervision.rows(
            f"SELECT aggregate_id FROM received_events WHERE event_type = '{event_type}'"
        )
        return [str(aggregate) for (aggregate,) in rows]

    def settled(self, cases: set[str], *, decided: bool) -> bool:
        """Every case reviewed (and decided back at the window), and nothing left to deliver."""
        if self.acceptance.undelivered() or self.approval.undelivered():
            return False
        reviews = {c for (c,) in self.approval.rows("SELECT case_no FROM reviews")}
        if not cases <= reviews:
            return False
        if decided:
            states = dict(self.acceptance.rows("SELECT case_no, state FROM cases"))
            return all(states.get(case_no) == DECIDED for case_no in cases)
        return True


def exactly_once(found: Iterable[str], expected: set[str], what: str) -> None:
    """`found` lists the case numbers (or ids) seen; each expected one must be there once, no other."""
    counts = Counter(found)
    missing = sorted(expected - set(counts))
    extra = sorted(set(counts) - expected)
    doubled = {key: n for key, n in sorted(counts.items()) if n > 1}
    assert not (missing or extra or doubled), (
        f"{what}: expected each of {len(expected)} exactly once; "
        f"missing {len(missing)} {missing[:20]}, unexpected {len(extra)} {extra[:20]}, "
        f"more than once {len(doubled)} {dict(list(doubled.items())[:20])}"
    )


def in_(cases: set[str], rows: Iterable[tuple[Any, ...]]) -> list[str]:
    """The first column of `rows` (a case number), for the rows about `cases` only."""
    return [str(row[0]) for row in rows if row[0] in cases]


def assert_reviewed_exactly_once(db: Databases, cases: set[str]) -> None:
    """acceptance → approval: one review per accepted case, opened by one applied event."""
    exactly_once(in_(cases, db.approval.rows("SELECT case_no FROM reviews")), cases, "reviews in approval")
    exactly_once(
        in_(cases, db.approval.rows(f"SELECT aggregate_id FROM inbox WHERE event_type = '{ACCEPTED_EVENT}'")),
        cases,
        "case.accepted in approval's inbox",
    )
    outcomes = db.approval.rows(
        f"SELECT aggregate_id, outcome FROM inbox WHERE event_type = '{ACCEPTED_EVENT}'"
    )
    assert {o for c, o in outcomes if c in cases} == {"applied"}, "case.accepted not all applied in approval"
    exactly_once(
        in_(cases, db.approval.rows("SELECT case_no FROM activities WHERE action = 'opened'")),
        cases,
        "'opened' in approval's activity record",
    )
    exactly_once(
        in_(
            cases,
            db.approval.rows(
                "SELECT aggregate_id FROM outbox "
                "WHERE event_type = 'tongban.approval.v1.ReviewOpened' AND destination = 'supervision'"
            ),
        ),
        cases,
        "review.opened events written by approval",
    )
    sent = db.acceptance.rows(
        "SELECT aggregate_id, delivered_at FROM outbox "
        "WHERE event_type = 'tongban.acceptance.v1.CaseAccepted' AND destination = 'approval'"
    )
    exactly_once(in_(cases, sent), cases, "case.accepted outbox rows to approval")
    assert not [c for c, at in sent if c in cases and at is None], "case.accepted rows left undelivered"


def assert_decided_exactly_once(db: Databases, cases: set[str]) -> None:
    """approval → acceptance: each decision made once and recorded once at the window."""
    decided_in_approval = db.approval.rows(
        f"SELECT case_no FROM reviews WHERE state = {A.REVIEW_STATE_DECIDED}"
    )
    exactly_once(in_(cases, decided_in_approval), cases, "decided reviews in approval")
    decided_at_window = db.acceptance.rows(f"SELECT case_no FROM cases WHERE state = {DECIDED}")
    exactly_once(in_(cases, decided_at_window), cases, "DECIDED cases at acceptance")
    exactly_once(
        in_(cases, db.approval.rows("SELECT case_no FROM activities WHERE action = 'decided'")),
        cases,
        "'decided' in approval's activity record",
    )
    sent = db.approval.rows(
        "SELECT aggregate_id, delivered_at FROM outbox "
        "WHERE event_type = 'tongban.approval.v1.ReviewDecided' AND destination = 'acceptance'"
    )
    exactly_once(in_(cases, sent), cases, "review.decided outbox rows to acceptance")
    assert not [c for c, at in sent if c in cases and at is None], "review.decided rows left undelivered"
    received = db.acceptance.rows(
        "SELECT aggregate_id, outcome FROM inbox WHERE event_type = 'tongban.approval.v1.ReviewDecided'"
    )
    exactly_once(in_(cases, received), cases, "review.decided in acceptance's inbox")
    assert {o for c, o in received if c in cases} == {"applied"}, "review.decided not all applied"


def assert_supervision_saw_each_event_once(db: Databases, cases: set[str], *, decided: bool) -> None:
    """Supervision holds every event the two services wrote about the cases, each once."""
    received = db.supervision.rows("SELECT event_id, event_type, aggregate_id FROM received_events")
    exactly_once(
        [c for _id, kind, c in received if kind == ACCEPTED_EVENT and c in cases],
        cases,
        "case.accepted in supervision",
    )
    if decided:
        exactly_once(
            [c for _id, kind, c in received if kind == DECIDED_EVENT and c in cases],
            cases,
            "review.decided in supervision",
        )
    written = {
        event_id
        for source in (db.acceptance, db.approval)
        for event_id, aggregate in source.rows(
            "SELECT event_id, aggregate_id FROM outbox WHERE destination = 'supervision'"
        )
        if aggregate in cases
    }
    exactly_once([i for i, _kind, c in received if c in cases], written, "events (by id) in supervision")
    exactly_once(
        [i for (i, c) in db.supervision.rows("SELECT event_id, aggregate_id FROM inbox") if c in cases],
        written,
        "supervision's inbox (by event id)",
    )


def assert_new_cases_are(db: Databases, before: set[str], submitted: Sequence[str]) -> set[str]:
    """Each submission (retried or not) made exactly one case, and no case came from elsewhere."""
    cases = set(submitted)
    assert len(cases) == len(submitted), (
        f"a case number was returned twice: {Counter(submitted).most_common(3)}"
    )
    exactly_once(sorted(db.case_numbers() - before), cases, "cases created at acceptance")
    return cases


# --- SQLite: kill -9 mid-flow -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("faults-sqlite")) as started:
        yield started


@pytest.mark.long
def test_500_cases_survive_kill_9_of_approval_then_acceptance(sqlite_stack: Stack) -> None:
    total = 500
    db = Databases.of(sqlite_stack)
    before = db.case_numbers()
    services = Services(sqlite_stack, f"kill9-{time.time_ns()}")
    # Approval dies after 150 submissions and stays down for at least 100 more (acceptance keeps
    # accepting; its relay backs off; the reviewer's calls fail and are retried). Acceptance dies
    # once 40 decisions were made (approval's decisions wait in its outbox; submissions still
    # under way fail and are retried with the same request_id).
    approval_down = Outage(
        sqlite_stack,
        "approval",
        begin=lambda flow: flow.counts()[0] >= 150,
        end=lambda flow: flow.counts()[0] >= approval_down.counts_at_kill[0] + 100,
        max_seconds=CALL_PATIENCE,
    )
    acceptance_down = Outage(
        sqlite_stack,
        "acceptance",
        begin=lambda flow: approval_down.restarted and flow.counts()[1] >= 40,
        # Back once 20 more decisions went into approval's outbox (reviews already open allow it).
        end=lambda flow: flow.counts()[1] >= acceptance_down.counts_at_kill[1] + 20,
    )
    flow = Flow(services, total)
    try:
        flow.run(controlled(approval_down, acceptance_down))
    finally:
        approval_down.finish()
        acceptance_down.finish()
        services.close()
    assert approval_down.restarted and acceptance_down.restarted, "both outages happened"
    # Acceptance accepted while approval was down; decisions were made while acceptance was down.
    assert approval_down.counts_at_restart[0] - approval_down.counts_at_kill[0] >= 100
    print(
        f"\n{approval_down.summary()}; {acceptance_down.summary()}; retried {dict(services.retried)}",
        file=sys.stderr,
    )

    cases = assert_new_cases_are(db, before, flow.submitted)
    wait_for(
        until(lambda: db.settled(cases, decided=True)),
        f"{total} decisions to settle at acceptance and both outboxes to drain",
    )
    assert_reviewed_exactly_once(db, cases)
    assert_decided_exactly_once(db, cases)
    assert_supervision_saw_each_event_once(db, cases, decided=True)


def test_events_wait_while_approval_answers_unavailable_then_arrive_once(sqlite_stack: Stack) -> None:
    total = 40
    db = Databases.of(sqlite_stack)
    before = db.case_numbers()
    services = Services(sqlite_stack, f"down-{time.time_ns()}")
    log = sqlite_stack.var_dir / "log" / "acceptance.log"

    def unavailable_reports() -> int:
        lines = log.read_text(errors="replace").splitlines()
        return sum("relay acceptance -> approval:" in line and "(UNAVAILABLE)" in line for line in lines)

    reports_before = unavailable_reports()
    try:
        sqlite_stack.kill("approval")
        try:
            flow = Flow(services, total, decide=False)
            flow.run()
            cases = assert_new_cases_are(db, before, flow.submitted)
            # Approval's lane fails with UNAVAILABLE and backs off, keeping the events...
            wait_for(
                until(lambda: unavailable_reports() > reports_before),
                "acceptance's relay to report approval UNAVAILABLE",
            )
            waiting = db.acceptance.rows(
                "SELECT aggregate_id FROM outbox WHERE destination = 'approval' AND delivered_at IS NULL"
            )
            exactly_once(in_(cases, waiting), cases, "case.accepted rows waiting while approval is down")
            # ...while supervision's lane is not held up.
            wait_for(
                until(lambda: cases <= set(db.supervision_received(ACCEPTED_EVENT))),
                "supervision to receive every case.accepted while approval is down",
            )
        finally:
            sqlite_stack.start("approval")

        decider = Flow(services, 0)
        for case_no in flow.submitted:
            decider.accepted.put(case_no)
        decider.run()
    finally:
        services.close()
    wait_for(
        until(lambda: db.settled(cases, decided=True)),
        f"{total} cases to be reviewed and decided after approval came back",
    )
    assert_reviewed_exactly_once(db, cases)
    assert_decided_exactly_once(db, cases)
    assert_supervision_saw_each_event_once(db, cases, decided=True)


# --- PostgreSQL: two relays over one outbox ---------------------------------------------------------

SECOND_RELAY = "second-relay"


@dataclass
class Counting(intake_pb2_grpc.EventIntakeServiceServicer):
    """Forwards DeliverEvents to the real receiver and counts, per event id, the acknowledged
    deliveries; and which relay (by user agent) sent them."""

    upstream: str
    acked: Counter[str] = field(default_factory=Counter)
    by_relay: Counter[str] = field(default_factory=Counter)
    failed_calls: int = 0
    duplicates_reported: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._channel = grpc.insecure_channel(self.upstream, options=CHANNEL_OPTIONS)
        self._stub = intake_pb2_grpc.EventIntakeServiceStub(self._channel)

    def DeliverEvents(
        self, request: intake_pb2.DeliverEventsRequest, context: grpc.ServicerContext
    ) -> intake_pb2.DeliverEventsResponse:
        metadata = dict(context.invocation_metadata())
        relay = SECOND_RELAY if SECOND_RELAY in str(metadata.get("user-agent", "")) else "process"
        remaining = context.time_remaining()
        try:
            reply: intake_pb2.DeliverEventsResponse = self._stub.DeliverEvents(
                request,
                metadata=[(IDENTITY_HEADER, str(metadata.get(IDENTITY_HEADER, "")))],
                timeout=remaining if remaining is not None else 10,
            )
        except grpc.RpcError as error:
            with self._lock:
                self.failed_calls += 1
            context.abort(error.code(), error.details() or "upstream failed")
        with self._lock:
            self.acked.update(event.event_id for event in request.events)
            self.by_relay[relay] += len(request.events)
            self.duplicates_reported += reply.duplicate_count
        return reply

    def close(self) -> None:
        self._channel.close()


@contextmanager
def counting_proxy(upstream: str) -> Iterator[tuple[str, Counting]]:
    counting = Counting(upstream)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    intake_pb2_grpc.add_EventIntakeServiceServicer_to_server(counting, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}", counting
    finally:
        server.stop(0).wait()
        counting.close()


def _channel_to(address: str, user_agent: str) -> Callable[[], grpc.Channel]:
    options = (*CHANNEL_OPTIONS, ("grpc.primary_user_agent", user_agent))
    return lambda: grpc.insecure_channel(address, options=options)


@pytest.mark.postgres
@pytest.mark.long
def test_two_acceptance_relays_on_postgresql_deliver_each_event_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    total = 300
    services_pg = ["acceptance", "approval", "staff", "supervision"]
    with (
        fresh_postgres_databases(services_pg) as url,
        running_stack(tmp_path_factory.mktemp("faults-pg"), database_url=url) as stack,
        counting_proxy(stack.address("approval")) as (approval_proxy, at_approval),
        counting_proxy(stack.address("supervision")) as (supervision_proxy, at_supervision),
    ):
        db = Databases.of(stack, url)
        # The acceptance process delivers through the proxies too, in small batches so the two
        # relays' claims interleave often.
        stack.kill("acceptance")
        original = dict(stack.child_env)
        stack.child_env.update(
            TONGBAN_APPROVAL_ADDR=approval_proxy,
            TONGBAN_SUPERVISION_ADDR=supervision_proxy,
            TONGBAN_RELAY_BATCH_SIZE="10",
            TONGBAN_RELAY_POLL_SECONDS="0.1",
        )
        try:
            stack.start("acceptance")
        finally:
            stack.child_env.clear()
            stack.child_env.update(original)
        before = db.case_numbers()
        outbox = Database(url.replace("{service}", "acceptance"), tables_in(acceptance_models))
        second = Relay(
            outbox,
            {
                "approval": _channel_to(approval_proxy, SECOND_RELAY),
                "supervision": _channel_to(supervision_proxy, SECOND_RELAY),
            },
            internal_key=(stack.var_dir / "keys" / "internal.key").read_bytes().strip(),
            source="acceptance",
            batch_size=10,
            poll_interval=0.1,
            min_backoff=0.2,
            max_backoff=2.0,
        )
        second.start()
        services = Services(stack, f"pg-{time.time_ns()}")
        try:
            flow = Flow(services, total, decide=False, submitters=4)
            flow.run()
            cases = assert_new_cases_are(db, before, flow.submitted)
            wait_for(
                until(lambda: db.settled(cases, decided=False)),
                f"{total} reviews in approval and acceptance's outbox to drain",
            )
        finally:
            second.stop(timeout=10)
            outbox.dispose()
            services.close()

        assert_reviewed_exactly_once(db, cases)
        assert_supervision_saw_each_event_once(db, cases, decided=False)
        # On the wire: every event acknowledged once by each receiver, whichever relay sent it.
        to_approval = {
            event_id
            for event_id, destination in db.acceptance.rows("SELECT event_id, destination FROM outbox")
            if destination == "approval"
        }
        to_supervision = {
            event_id
            for event_id, destination in db.acceptance.rows("SELECT event_id, destination FROM outbox")
            if destination == "supervision"
        }
        exactly_once(at_approval.acked.elements(), to_approval, "events acknowledged by approval")
        exactly_once(at_supervision.acked.elements(), to_supervision, "events acknowledged by supervision")
        if at_approval.failed_calls == at_supervision.failed_calls == 0:
            assert at_approval.duplicates_reported == at_supervision.duplicates_reported == 0
        # The race was real: both relays delivered part of the stream.
        for proxy, name in ((at_approval, "approval"), (at_supervision, "supervision")):
            assert proxy.by_relay["process"] and proxy.by_relay[SECOND_RELAY], (
                f"both relays should have delivered to {name}: {dict(proxy.by_relay)}"
            )
        print(
            f"\ndeliveries by relay: approval {dict(at_approval.by_relay)}, "
            f"supervision {dict(at_supervision.by_relay)}; failed calls "
            f"{at_approval.failed_calls}/{at_supervision.failed_calls}",
            file=sys.stderr,
        )
