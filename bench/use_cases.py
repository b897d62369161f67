"""CPU per use case in one process: `python -m bench --use-cases`.

A lifecycle's CPU through the stack moves with the host and with every process sharing the two
cores; one use case called in a loop, in one process, without gRPC, moves far less. This runs
approval's `CompleteStep`, the hottest use case of a lifecycle (four of them per case): it opens
reviews as acceptance's CaseAccepted event would (the planning permit's flow: the township's
initial review, then ZR, ZJ and NJ in parallel) on a fresh SQLite file in WAL mode with
synchronous FULL, answers every step, and reports `time.process_time()` per call, warm-up left
out. Use it to see what a change to the write path buys before running `--against`.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

from tongban.approval.v1 import approval_pb2 as A

from bench import people
from services.approval import app
from services.approval.commands import steps
from services.approval.events import CaseLifecycle
from services.common import migrations
from services.common.access import policy_for
from services.common.calendar import WorkingCalendar
from services.common.calls import CallContext
from services.common.clock import FixedClock
from services.common.db import Database
from services.common.identity import Caller
from services.common.settings import Settings
from services.common.usecases import UseCases
from tests.contract.review_support import START, accepted_event
from tests.organisation_support import copy_demo_organisation

WARM_UP = 20
_COMPLETE_STEP = policy_for("/tongban.approval.v1.ReviewService/CompleteStep")


def prepare(var: Path, cases: int) -> tuple[Database, _Answering]:
    """A fresh approval database under `var` with `cases` reviews opened, the first WARM_UP of
    them answered; the database and who answers the rest."""
    var.mkdir(parents=True, exist_ok=True)
    for old in var.glob("approval.db*"):
        old.unlink()
    db = app.database(Settings(database_url=f"sqlite:///{var / 'approval.db'}"))
    migrations.upgrade(db, "approval")
    uc = UseCases(db, FixedClock(START), WorkingCalendar.load())
    lifecycle = CaseLifecycle(uc).consumer()
    copy_demo_organisation(db, "approval", lifecycle)
    for number in range(cases):
        with db.transaction() as session:
            lifecycle(session, accepted_event(people.PLANNING, _case_no(number)))
    answer = _Answering(uc)
    for number in range(WARM_UP):
        answer.every_step(number)
    return db, answer


def run(var: Path, cases: int = 300) -> dict[str, Any]:
    """`cases` reviews opened, then every step of each answered; CPU per CompleteStep."""
    db, answer = prepare(var, cases)
    try:
        began = time.process_time()
        for number in range(WARM_UP, cases):
            answer.every_step(number)
        cpu_s = time.process_time() - began
    finally:
        db.dispose()
    calls = answer.calls - WARM_UP * 4
    return {
        "use_case": "approval CompleteStep",
        "calls": calls,
        "cpu_ms_per_call": round(1000 * cpu_s / max(calls, 1), 3),
        "database": "sqlite (WAL, synchronous FULL)",
    }


def _case_no(number: int) -> str:
    return f"BENCH{number:06d}"


class _Answering:
    """Answers a case's steps as its windows would: the township clerk, then each department."""

    def __init__(self, uc: UseCases) -> None:
        self._uc = uc
        self._ids = itertools.count()
        self.calls = 0
        clerk = people.TOWNSHIP_CLERKS[0]
        self._clerk = _call(Caller(clerk.user_id, clerk.site_code, frozenset({"clerk"})))

    def every_step(self, number: int) -> None:
        review = self._answer(self._clerk, number, step_number=1)
        for step in review.steps:
            if step.state == A.STEP_STATE_ACTIVE:
                reviewer = people.REVIEWERS[step.department_code]
                caller = Caller(
                    reviewer.user_id, reviewer.site_code, frozenset({"reviewer"}), step.department_code
                )
                self._answer(_call(caller), number, step_number=step.number)

    def _answer(self, call: CallContext, number: int, *, step_number: int) -> A.Review:
        request = A.CompleteStepRequest(
            request_id=f"bench-{next(self._ids)}",
            case_no=_case_no(number),
            step_number=step_number,
            verdict=A.VERDICT_APPROVE,
        )
        self.calls += 1
        return steps.complete(self._uc, call, request).review


def _call(caller: Caller) -> CallContext:
    assert _COMPLETE_STEP is not None, "CompleteStep declares its access rule"
    return CallContext(caller, _COMPLETE_STEP)
