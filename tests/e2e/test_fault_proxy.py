"""A faulty network between the gateway and acceptance (tests/faults/proxy.py), under load
(issue 10, "Faults under load"). Clerks submit cases through the gateway with a 2-second deadline
and retry with the same request_id; readers call the other three backends meanwhile. The link
to acceptance goes through these phases:

1. latency 0.2 s each way: calls are slower and succeed;
2. latency 1.2 s each way, more than the deadline: every call ends DEADLINE_EXCEEDED although
   acceptance commits it; its retries must replay, not submit again;
3. resets: every connection is cut with RST, new ones too;
4. blackhole: connections are accepted and nothing answers. Calls end with DEADLINE_EXCEEDED at
   their deadline; a call with no deadline gets the gateway's own (2 s here) instead of hanging;
5. back to normal.

Afterwards each acknowledged case exists once with the number its client was told, nothing else
was created, the outboxes drained, and not one read of the other backends failed.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent import futures

import grpc
import pytest
from tongban.acceptance.v1 import acceptance_pb2 as S
from tongban.acceptance.v1 import acceptance_pb2_grpc

from tests.e2e.conftest import Stack, running_stack
from tests.faults.checks import Books, Logs, assert_events_exactly_once, assert_nothing_lost_or_doubled
from tests.faults.load import APPLICANT, CLERK, INSPECTOR, MATERIALS, MATTER, OK, WINDOW, Load, bearer
from tests.faults.proxy import FaultProxy, Mode

pytestmark = [pytest.mark.e2e, pytest.mark.serial, pytest.mark.long]

CASES = 400
DEADLINE = 2.0
GATEWAY_DEADLINE = 2.0
# How many attempts each faulty phase lasts for (or cases, for the phases calls get through).
ATTEMPTS_PER_FAULT = 20
CASES_PER_PHASE = 40
DEADLINE_EXCEEDED = grpc.StatusCode.DEADLINE_EXCEEDED
UNAVAILABLE = grpc.StatusCode.UNAVAILABLE


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, FaultProxy]]:
    """The stack, its gateway reaching acceptance through the fault proxy (nothing else does)."""
    with running_stack(tmp_path_factory.mktemp("faults-proxy")) as stack:
        proxy = FaultProxy(stack.address("acceptance")).start()
        stack.kill("gateway")
        original = dict(stack.child_env)
        stack.child_env.update(
            TONGBAN_ACCEPTANCE_ADDR=proxy.address, TONGBAN_DEFAULT_DEADLINE_SECONDS=str(GATEWAY_DEADLINE)
        )
        try:
            stack.start("gateway")
        finally:
            stack.child_env.clear()
            stack.child_env.update(original)
        try:
            yield stack, proxy
        finally:
            proxy.close()


def codes_since(load: Load, moment: float) -> Counter[grpc.StatusCode]:
    return Counter(
        a.code for a in list(load.attempts) if a.began >= moment and a.method == "SubmitApplication"
    )


def submit_without_deadline(stack: Stack, token: str) -> grpc.StatusCode:
    """One submission with no deadline of its own: the gateway must give it one."""
    request = S.SubmitApplicationRequest(
        request_id=f"nodeadline-{time.time_ns()}",
        matter_code=MATTER,
        window_code=WINDOW,
        applicant=APPLICANT,
        materials=[S.ProvidedMaterial(material_code=code) for code in MATERIALS],
    )
    with grpc.insecure_channel(stack.gateway) as channel:
        stub = acceptance_pb2_grpc.AcceptanceServiceStub(channel)
        try:
            stub.SubmitApplication(request, metadata=bearer(token))
        except grpc.RpcError as error:
            return error.code()
    return OK


def test_retries_through_a_faulty_link_make_no_duplicates_and_deadlines_hold(
    proxied: tuple[Stack, FaultProxy],
) -> None:
    stack, proxy = proxied
    books = Books(stack)
    logs = Logs(stack)
    before = books.case_numbers()
    tokens = {CLERK: stack.token(CLERK), INSPECTOR: stack.token(INSPECTOR)}
    load = Load(stack.gateway, tokens, f"proxy-{time.time_ns()}", CASES, readers=3, deadline=DEADLINE)
    phases: list[str] = []

    def phase(mode: Mode, latency: float = 0.0) -> float:
        proxy.set_mode(mode, latency=latency)
        phases.append(f"{mode.value}{f' {latency}s' if latency else ''}")
        return time.monotonic()

    def until_cases(count: int) -> None:
        load.wait_acknowledged(load.acknowledged() + count, f"{count} more cases")

    def until_failed(since: float, code: grpc.StatusCode) -> None:
        load.wait_for(lambda: codes_since(load, since)[code] >= ATTEMPTS_PER_FAULT, f"{code.name} attempts")

    load.start()
    with futures.ThreadPoolExecutor(1) as aside:
        try:
            until_cases(CASES_PER_PHASE)
            phase(Mode.LATENCY, 0.2)
            until_cases(CASES_PER_PHASE)
            too_slow = phase(Mode.LATENCY, 1.2)
            until_failed(too_slow, DEADLINE_EXCEEDED)
            # Committed by acceptance while every client saw DEADLINE_EXCEEDED: their retries replay.
            unanswered = set(books.submissions(load.run)) - set(load.acked)
            phase(Mode.PASS)
            until_cases(CASES_PER_PHASE)
            resets = phase(Mode.RESET)
            until_failed(resets, UNAVAILABLE)
            phase(Mode.PASS)
            until_cases(CASES_PER_PHASE)
            blackhole = phase(Mode.BLACKHOLE)
            no_deadline = aside.submit(submit_without_deadline, stack, tokens[CLERK])
            until_failed(blackhole, DEADLINE_EXCEEDED)
            # Bounded by the test, not by the call: it must end on the gateway's deadline.
            unbounded_code = no_deadline.result(timeout=60)
            phase(Mode.PASS)
            load.finish()
        finally:
            proxy.set_mode(Mode.PASS)
    assert unanswered, "no submission was committed behind a client's deadline: the slow phase proved nothing"
    assert unbounded_code == DEADLINE_EXCEEDED, f"a call without a deadline ended {unbounded_code}"
    # Faults on acceptance's link never reached the other backends.
    reads = Counter(a.code for a in load.attempts if a.method != "SubmitApplication")
    assert set(reads) == {OK}, f"reads of the other backends failed: {reads}"
    # Calls ended by their own deadline; how far past it each was cut off, as measured.
    overrun = [a.ended - a.began - DEADLINE for a in load.attempts if a.code == DEADLINE_EXCEEDED]
    cases = assert_nothing_lost_or_doubled(books, load, before)
    settled = books.wait_settled(cases)
    assert_events_exactly_once(books, cases)
    logs.assert_no_unexpected_errors()
    retried = Counter(a.key for a in load.attempts if a.method == "SubmitApplication" and a.code != OK)
    print(
        f"\n{CASES} cases through {' → '.join(phases)}; settled in {settled:.1f}s; "
        f"{len(unanswered)} committed behind an expired deadline, then replayed; "
        f"attempts {dict(load.codes())}; {len(retried)} requests retried (up to {max(retried.values())}x); "
        f"DEADLINE_EXCEEDED ended at most {max(overrun) * 1000:.0f} ms past the deadline; "
        f"proxy: {proxy.counts}",
        file=sys.stderr,
    )
