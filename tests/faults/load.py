"""Load for the fault tests: clerks submitting cases through the gateway, and readers of every
backend, while a test kills, stops, delays or cuts something.

Each case has its own request_id; a submission that fails with a status a client may retry
(the process is down, the deadline passed, the backend's share is full) is sent again with
the same request_id until acknowledged, as ARCHITECTURE.md ("Contracts") makes safe. Any other
status stops the load and fails the test. Every attempt is recorded (method, key, start, end,
status), so a test can say which calls were in flight when something happened.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field

import grpc
from tongban.acceptance.v1 import acceptance_pb2 as S
from tongban.acceptance.v1 import acceptance_pb2_grpc
from tongban.approval.v1 import approval_pb2, approval_pb2_grpc
from tongban.staff.v1 import calendar_pb2, calendar_pb2_grpc
from tongban.supervision.v1 import supervision_pb2, supervision_pb2_grpc

OK = grpc.StatusCode.OK
RETRYABLE = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED}
)
# 户口迁移(准迁证)办理, accepted at the county centre by its clerk (as tests/e2e/test_delivery_faults.py).
MATTER = "320826-GA-QT-001"
MATERIALS = ["M01", "M02", "M03", "M04"]
WINDOW = "320826000-W01"
CLERK = "clerk-county"
INSPECTOR = "inspector-county"
APPLICANT = S.Applicant(
    kind=S.APPLICANT_KIND_PERSON, name="王秀英", id_number="32082619850312002X", phone="13912345678"
)
# A restarted gateway is found again within a second, not after gRPC's default back-off.
CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 1000),
)


@dataclass(frozen=True)
class Attempt:
    method: str
    key: str
    began: float
    ended: float
    code: grpc.StatusCode


class LoadFailed(Exception):
    """A call ended with a status no client retries, or a submission ran out of patience."""


def bearer(token: str) -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {token}"),)


@dataclass
class Load:
    """`total` submissions by `submitters` clerks, and `readers` reading every backend meanwhile."""

    gateway: str
    tokens: dict[str, str]
    run: str
    total: int
    submitters: int = 6
    readers: int = 0
    deadline: float = 5.0
    patience: float = 120.0
    # CANCELLED by the server is retried too: gRPC's graceful server shutdown cancels the calls
    # that reached the server but no handler yet (the test then says where they may come from).
    retry_cancelled: bool = False
    # The one backend the readers read, when set ("approval", "staff", "supervision").
    focus: str | None = None
    acked: dict[str, str] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)
    failure: BaseException | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next: Iterator[int] = field(default_factory=lambda: iter(range(10**9)))
    _pool: futures.ThreadPoolExecutor | None = None
    _submitting: list[futures.Future[None]] = field(default_factory=list)
    _reading: list[futures.Future[None]] = field(default_factory=list)
    # When each client thread's current attempt began (attempts are recorded when they end).
    _active: dict[int, tuple[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._channel = grpc.insecure_channel(self.gateway, options=CHANNEL_OPTIONS)
        self._cases = acceptance_pb2_grpc.AcceptanceServiceStub(self._channel)
        self._reads: list[tuple[str, Callable[[], object]]] = self._read_calls()

    # --- running ----------------------------------------------------------------------------

    def start(self) -> Load:
        self._pool = futures.ThreadPoolExecutor(self.submitters + self.readers)
        self._submitting = [self._pool.submit(self._guard, self._submit_all) for _ in range(self.submitters)]
        self._reading = [
            self._pool.submit(self._guard, self._read_all, index) for index in range(self.readers)
        ]
        return self

    def done(self) -> bool:
        return self.failure is not None or all(f.done() for f in self._submitting)

    def acknowledged(self) -> int:
        with self._lock:
            return len(self.acked)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
        """Bounded poll while the load runs; raises the load's own failure first."""
        deadline = time.monotonic() + timeout
        while not condition():
            self.raise_failure()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
            time.sleep(0.05)

    def wait_acknowledged(self, count: int, what: str) -> None:
        """Bounded poll until `count` cases were acknowledged (or every submission was)."""
        self.wait_for(lambda: self.done() or self.acknowledged() >= count, what)

    def finish(self, timeout: float = 300.0) -> None:
        """Wait for every submission, then stop the readers; raise what went wrong."""
        try:
            self.wait_for(self.done, f"{self.total} submissions acknowledged", timeout)
        finally:
            self._stop.set()
            if self._pool is not None:
                self._pool.shutdown(wait=True)
            self._channel.close()
        self.raise_failure()
        assert len(self.acked) == self.total, f"{len(self.acked)} of {self.total} acknowledged"

    def running_since_before(self, moment: float) -> bool:
        """Some attempt begun before `moment` has not ended yet."""
        with self._lock:
            return any(began < moment for _method, began in self._active.values())

    def in_flight(self, methods: set[str]) -> int:
        """How many attempts of `methods` are under way."""
        with self._lock:
            return sum(method in methods for method, _began in self._active.values())

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure

    def _guard(self, work: Callable[..., None], *args: object) -> None:
        try:
            work(*args)
        except BaseException as failure:
            with self._lock:
                self.failure = self.failure or failure
            self._stop.set()

    # --- calls ------------------------------------------------------------------------------

    def _call(self, method: str, key: str, call: Callable[[], object]) -> grpc.StatusCode:
        began = time.monotonic()
        code = OK
        with self._lock:
            self._active[threading.get_ident()] = (method, began)
        try:
            call()
        except grpc.RpcError as error:
            code = error.code()
            if code not in RETRYABLE and not (self.retry_cancelled and code == grpc.StatusCode.CANCELLED):
                raise LoadFailed(f"{method} {key}: {code.name} {error.details()}") from None
        finally:
            with self._lock:
                del self._active[threading.get_ident()]
                self.attempts.append(Attempt(method, key, began, time.monotonic(), code))
        return code

    def _submit_all(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                index = next(self._next)
            if index >= self.total:
                return
            self._submit(f"{self.run}-{index}")

    def _submit(self, request_id: str) -> None:
        request = S.SubmitApplicationRequest(
            request_id=request_id,
            matter_code=MATTER,
            window_code=WINDOW,
            applicant=APPLICANT,
            materials=[S.ProvidedMaterial(material_code=code) for code in MATERIALS],
        )
        replies: list[S.SubmitApplicationResponse] = []

        def submit() -> None:
            replies.append(
                self._cases.SubmitApplication(
                    request, metadata=bearer(self.tokens[CLERK]), timeout=self.deadline
                )
            )

        give_up = time.monotonic() + self.patience
        while self._call("SubmitApplication", request_id, submit) is not OK:
            if self._stop.is_set():
                return
            if time.monotonic() > give_up:
                raise LoadFailed(f"{request_id} not acknowledged within {self.patience:.0f}s")
            time.sleep(0.1)
        [reply] = replies
        assert reply.case.state == S.CASE_STATE_ACCEPTED, f"{request_id}: {reply.case.state}"
        with self._lock:
            self.acked[request_id] = reply.case.case_no

    def _read_calls(self) -> list[tuple[str, Callable[[], object]]]:
        """One cheap read per backend, through the gateway."""
        inbox = approval_pb2_grpc.ReviewServiceStub(self._channel)
        calendar = calendar_pb2_grpc.CalendarServiceStub(self._channel)
        rules = supervision_pb2_grpc.SupervisionServiceStub(self._channel)
        clerk = bearer(self.tokens[CLERK])
        inspector = bearer(self.tokens.get(INSPECTOR, ""))
        d = self.deadline
        return [
            ("approval", lambda: inbox.ListInbox(approval_pb2.ListInboxRequest(), metadata=clerk, timeout=d)),
            (
                "staff",
                lambda: calendar.GetCalendarYear(
                    calendar_pb2.GetCalendarYearRequest(year=2026), metadata=clerk, timeout=d
                ),
            ),
            (
                "supervision",
                lambda: rules.ListRules(supervision_pb2.ListRulesRequest(), metadata=inspector, timeout=d),
            ),
        ]

    def _read_all(self, index: int) -> None:
        turn = index
        while not self._stop.is_set():
            method, call = self._reads[turn % len(self._reads)]
            turn += 1
            if self.focus is not None and method != self.focus:
                continue
            self._call(method, "read", call)
            time.sleep(0.01)

    # --- what happened ----------------------------------------------------------------------

    def codes(self) -> Counter[str]:
        with self._lock:
            return Counter(f"{a.method} {a.code.name}" for a in self.attempts)

    def case_numbers(self) -> list[str]:
        with self._lock:
            return list(self.acked.values())
