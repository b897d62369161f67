"""One full county–township lifecycle (县乡同办), driven the way the windows drive it, through
the gateway, each person with their own token:

1. the township clerk submits a complete application (accepted at once, receipt printed);
2. the clerk opens the review once approval has opened it (acceptance → approval event);
3. the clerk answers the township's initial review (乡镇初审);
4. ZR, ZJ and NJ reviewers each approve their parallel step (并联审核), one after another;
5. the ZR reviewer decides (准予许可);
6. the clerk opens the case once the decision is back at the window (approval → acceptance event);
7. the clerk issues the result (出件).

Steps 2 and 6 wait for events between services: the driver polls the way a clerk's screen
refreshes, at once, then after 50 ms, doubling the pause up to 1 s; polls are counted. (Polling
harder, up to every 200 ms, fed on itself on SQLite: each missed poll is a NOT_FOUND that costs
the gateway and approval a formatted traceback, which slowed the events it waited for.) The satisfaction
rating (好差评) would come after 7; it does not exist yet. Reviewers act without a separate
ClaimStep: acting on an unassigned step claims it (approval records the claim).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import grpc
from tongban.acceptance.v1 import acceptance_pb2 as S
from tongban.acceptance.v1 import acceptance_pb2_grpc
from tongban.approval.v1 import approval_pb2 as A
from tongban.approval.v1 import approval_pb2_grpc

from bench import people
from bench.loadgen import Call
from bench.stack import User
from bench.workloads import DEADLINE_S, Metadata, Unexpected

T = TypeVar("T")
FIRST_POLL_S = 0.05
LONGEST_POLL_S = 1.0
WAIT_FOR_EVENT_S = 60.0


@dataclass
class Counts:
    """Calls made by the lifecycles that finished (for calls per lifecycle)."""

    completed: int = 0
    writes: int = 0
    reads: int = 0
    polls_missed: int = 0

    def add(self, other: Counts) -> None:
        self.completed += other.completed
        self.writes += other.writes
        self.reads += other.reads
        self.polls_missed += other.polls_missed


class Driver:
    """Runs lifecycles over the given connections; `counts` sums the finished ones (a lifecycle
    abandoned when the measured window closes is not counted)."""

    def __init__(self, channels: Sequence[grpc.aio.Channel], bearer: dict[str, Metadata]) -> None:
        self._channels = list(channels)
        self._bearer = bearer
        self.counts = Counts()

    def call(self) -> Call:
        async def lifecycle(number: int) -> None:
            one = _Lifecycle(self._channels[number % len(self._channels)], self._bearer)
            await one.run(people.TOWNSHIP_CLERKS[number % len(people.TOWNSHIP_CLERKS)])
            self.counts.add(one.counts)

        return lifecycle


class _Lifecycle:
    """One case from submission to issue, on one client connection."""

    def __init__(self, channel: grpc.aio.Channel, bearer: dict[str, Metadata]) -> None:
        self._cases = acceptance_pb2_grpc.AcceptanceServiceStub(channel)
        self._reviews = approval_pb2_grpc.ReviewServiceStub(channel)
        self._bearer = bearer
        self.counts = Counts()

    async def run(self, clerk: User) -> None:
        as_clerk = self._bearer[clerk.user_id]
        submitted = await self._cases.SubmitApplication(
            people.application(clerk, people.PLANNING, people.PLANNING_MATERIALS),
            metadata=as_clerk,
            timeout=DEADLINE_S,
        )
        self.counts.writes += 1
        if submitted.case.state != S.CASE_STATE_ACCEPTED:
            raise Unexpected(f"submitted: {S.CaseState.Name(submitted.case.state)}")
        case_no = submitted.case.case_no

        async def opened() -> A.Review | None:
            reply: A.GetReviewResponse = await self._reviews.GetReview(
                A.GetReviewRequest(case_no=case_no), metadata=as_clerk, timeout=DEADLINE_S
            )
            return reply.review

        review = await self._poll(opened)
        review = await self._complete(case_no, _active(review)[0], clerk)
        for branch in _active(review):
            review = await self._complete(case_no, branch, people.REVIEWERS[branch.department_code])
        await self._reviews.DecideCase(
            A.DecideCaseRequest(
                request_id=people.request_id("decide"), case_no=case_no, outcome=A.DECISION_OUTCOME_GRANTED
            ),
            metadata=self._bearer[people.REVIEWERS["ZR"].user_id],
            timeout=DEADLINE_S,
        )
        self.counts.writes += 1

        async def decided() -> S.Case | None:
            reply: S.GetCaseResponse = await self._cases.GetCase(
                S.GetCaseRequest(case_no=case_no), metadata=as_clerk, timeout=DEADLINE_S
            )
            return reply.case if reply.case.state == S.CASE_STATE_DECIDED else None

        await self._poll(decided)
        issued = await self._cases.IssueResult(
            S.IssueResultRequest(
                request_id=people.request_id("issue"),
                case_no=case_no,
                result_summary="核发乡村建设规划许可证",
                recipient_name=people.APPLICANT.name,
            ),
            metadata=as_clerk,
            timeout=DEADLINE_S,
        )
        self.counts.writes += 1
        if issued.case.state != S.CASE_STATE_RESULT_ISSUED:
            raise Unexpected(f"issued: {S.CaseState.Name(issued.case.state)}")
        self.counts.completed += 1

    async def _complete(self, case_no: str, step: A.Step, user: User) -> A.Review:
        request = A.CompleteStepRequest(
            request_id=people.request_id("step"), case_no=case_no, verdict=A.VERDICT_APPROVE
        )
        setattr(request, _REQUEST_STEP_FIELD, getattr(step, _STEP_REFERENCE_FIELD))
        reply: A.CompleteStepResponse = await self._reviews.CompleteStep(
            request, metadata=self._bearer[user.user_id], timeout=DEADLINE_S
        )
        self.counts.writes += 1
        return reply.review

    async def _poll(self, read: Callable[[], Awaitable[T | None]]) -> T:
        """Read until the event has arrived (NOT_FOUND or None means: not yet)."""
        deadline = time.monotonic() + WAIT_FOR_EVENT_S
        pause = FIRST_POLL_S
        while True:
            self.counts.reads += 1
            try:
                found = await read()
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                found = None
            if found is not None:
                return found
            self.counts.polls_missed += 1
            if time.monotonic() > deadline:
                raise Unexpected(f"event did not arrive within {WAIT_FOR_EVENT_S:.0f}s")
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_POLL_S)


# How CompleteStep names its step: field 3 of the request, holding field 1 of the Step. The
# contract renamed both (step_id → number / step_number, int64 → int32: the same varint on the
# wire); reading the names from the descriptors lets the bench drive either version.
_REQUEST_STEP_FIELD = A.CompleteStepRequest.DESCRIPTOR.fields_by_number[3].name
_STEP_REFERENCE_FIELD = A.Step.DESCRIPTOR.fields_by_number[1].name


def _active(review: A.Review) -> list[A.Step]:
    return [step for step in review.steps if step.state == A.STEP_STATE_ACTIVE]
