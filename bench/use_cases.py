"""CPU per use case in one process: `python -m bench --use-cases`.

A lifecycle's CPU through the stack moves with the host and with every process sharing the two
cores; one use case called in a loop, in one process, without gRPC, moves far less. This runs the
two costliest use cases of a lifecycle, each on a fresh SQLite file in WAL mode with synchronous
FULL, and reports `time.process_time()` per call, warm-up left out:

- approval's `CompleteStep` (four per case): it opens reviews as acceptance's CaseAccepted event
  would (the planning permit's flow: the township's initial review, then ZR, ZJ and NJ in
  parallel) and answers every step;
- acceptance's `SubmitApplication` (one per case, the dearest call of a lifecycle): a township
  clerk submits complete planning-permit applications to the demo catalogue.

- approval opening a review from acceptance's CaseAccepted event (once per case), as its inbox
  applies a delivered event: the review, its planned steps, the first step started.

Use it to see what a change to a write path buys before running `--against`. `--use-cases
--against REV` (bench/use_case_turns.py) runs this file in REV's tree too, so what it calls must
exist there.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from tongban.acceptance.v1 import acceptance_pb2 as S
from tongban.approval.v1 import approval_pb2 as A
from tongban.events.v1 import event_pb2

from bench import people
from services.acceptance import app as acceptance_app
from services.acceptance.commands import CaseCommands
from services.acceptance.events import CountyResults
from services.acceptance.seed import load_catalog
from services.approval import app as approval_app
from services.approval.commands import steps
from services.approval.events import CaseLifecycle
from services.common import migrations
from services.common.access import policy_for
from services.common.calendar import WorkingCalendar
from services.common.calls import CallContext
from services.common.clock import FixedClock
from services.common.consumers import Consumer
from services.common.db import Database
from services.common.identity import Caller
from services.common.settings import Settings
from services.common.usecases import UseCases
from tests.contract.review_support import START, accepted_event
from tests.organisation_support import copy_demo_organisation

WARM_UP = 20


class Driver(Protocol):
    """Drives one use case for a case at a time; `calls` counts the calls made so far."""

    calls: int

    def drive(self, number: int) -> None: ...


def _fresh(var: Path, service: str, database: Callable[[Settings], Database]) -> tuple[Database, UseCases]:
    var.mkdir(parents=True, exist_ok=True)
    for old in var.glob(f"{service}.db*"):
        old.unlink()
    db = database(Settings(database_url=f"sqlite:///{var / f'{service}.db'}"))
    migrations.upgrade(db, service)
    return db, UseCases(db, FixedClock(START), WorkingCalendar.load())


def _warmed(db: Database, driver: Driver) -> tuple[Database, Driver]:
    for number in range(WARM_UP):
        driver.drive(number)
    return db, driver


def prepare_reviews(var: Path, cases: int) -> tuple[Database, Driver]:
    """A fresh approval database under `var` with `cases` reviews opened, the first WARM_UP of
    them answered; the database and who answers the rest."""
    db, uc = _fresh(var, "approval", approval_app.database)
    lifecycle = CaseLifecycle(uc).consumer()
    copy_demo_organisation(db, "approval", lifecycle)
    for number in range(cases):
        with db.transaction() as session:
            lifecycle(session, accepted_event(people.PLANNING, _case_no(number)))
    return _warmed(db, _Answering(uc))


def prepare_submissions(var: Path, _cases: int) -> tuple[Database, Driver]:
    """A fresh acceptance database under `var` with the demo catalogue and organisation, WARM_UP
    applications submitted; the database and who submits the rest."""
    db, uc = _fresh(var, "acceptance", acceptance_app.database)
    load_catalog(db)
    copy_demo_organisation(db, "acceptance", CountyResults(uc.calendar).consumer())
    return _warmed(db, _Submitting(uc))


def prepare_openings(var: Path, cases: int) -> tuple[Database, Driver]:
    """A fresh approval database under `var` with the demo organisation, WARM_UP reviews opened;
    the database and who opens the rest."""
    db, uc = _fresh(var, "approval", approval_app.database)
    lifecycle = CaseLifecycle(uc).consumer()
    copy_demo_organisation(db, "approval", lifecycle)
    # The events are made here, not timed: acceptance makes them, approval only applies them.
    events = [accepted_event(people.PLANNING, _case_no(number)) for number in range(max(cases, WARM_UP))]
    return _warmed(db, _Opening(db, lifecycle, events))


# Name -> (what the results call it, how its database is prepared).
USE_CASES: dict[str, tuple[str, Callable[[Path, int], tuple[Database, Driver]]]] = {
    "CompleteStep": ("approval CompleteStep", prepare_reviews),
    "SubmitApplication": ("acceptance SubmitApplication", prepare_submissions),
    "ReviewOpened": ("approval opens a review (CaseAccepted applied)", prepare_openings),
}


def run(var: Path, cases: int = 300) -> list[dict[str, Any]]:
    """Each use case for `cases` cases after the warm-up; CPU per call."""
    found = []
    for name, (label, prepare) in USE_CASES.items():
        db, driver = prepare(var / name, cases)
        warmed_up = driver.calls
        try:
            began = time.process_time()
            for number in range(WARM_UP, cases):
                driver.drive(number)
            cpu_s = time.process_time() - began
        finally:
            db.dispose()
        calls = driver.calls - warmed_up
        found.append(
            {
                "use_case": label,
                "calls": calls,
                "cpu_ms_per_call": round(1000 * cpu_s / max(calls, 1), 3),
                "database": "sqlite (WAL, synchronous FULL)",
            }
        )
    return found


def _case_no(number: int) -> str:
    return f"BENCH{number:06d}"


def _call(caller: Caller, method: str) -> CallContext:
    policy = policy_for(method)
    assert policy is not None, f"{method} declares its access rule"
    return CallContext(caller, policy)


class _Answering:
    """Answers a case's steps as its windows would: the township clerk, then each department."""

    def __init__(self, uc: UseCases) -> None:
        self._uc = uc
        self._ids = itertools.count()
        self.calls = 0
        clerk = people.TOWNSHIP_CLERKS[0]
        self._clerk = _call(Caller(clerk.user_id, clerk.site_code, frozenset({"clerk"})), _COMPLETE_STEP)

    def drive(self, number: int) -> None:
        review = self._answer(self._clerk, number, step_number=1)
        for step in review.steps:
            if step.state == A.STEP_STATE_ACTIVE:
                reviewer = people.REVIEWERS[step.department_code]
                caller = Caller(
                    reviewer.user_id, reviewer.site_code, frozenset({"reviewer"}), step.department_code
                )
                self._answer(_call(caller, _COMPLETE_STEP), number, step_number=step.number)

    def _answer(self, call: CallContext, number: int, *, step_number: int) -> A.Review:
        request = A.CompleteStepRequest(
            request_id=f"bench-{next(self._ids)}",
            case_no=_case_no(number),
            step_number=step_number,
            verdict=A.VERDICT_APPROVE,
        )
        self.calls += 1
        return steps.complete(self._uc, call, request).review


class _Submitting:
    """Submits one complete planning-permit application per case, as a township clerk."""

    def __init__(self, uc: UseCases) -> None:
        self._commands = CaseCommands(uc)
        self._clerk = people.TOWNSHIP_CLERKS[0]
        self._call = _call(Caller(self._clerk.user_id, self._clerk.site_code, frozenset({"clerk"})), _SUBMIT)
        self.calls = 0

    def drive(self, number: int) -> None:
        self.calls += 1
        submitted = self._commands.submit(
            self._call, people.application(self._clerk, people.PLANNING, people.PLANNING_MATERIALS)
        )
        if submitted.case.state != S.CASE_STATE_ACCEPTED:
            raise RuntimeError(f"submitted: {S.CaseState.Name(submitted.case.state)}")


class _Opening:
    """Applies one case's CaseAccepted event per case, in a transaction of its own."""

    def __init__(self, db: Database, lifecycle: Consumer, events: list[event_pb2.Event]) -> None:
        self._db = db
        self._lifecycle = lifecycle
        self._events = events
        self.calls = 0

    def drive(self, number: int) -> None:
        self.calls += 1
        with self._db.transaction() as session:
            self._lifecycle(session, self._events[number])


_COMPLETE_STEP = "/tongban.approval.v1.ReviewService/CompleteStep"
_SUBMIT = "/tongban.acceptance.v1.AcceptanceService/SubmitApplication"
