"""Steps changed by a direct UPDATE (services.common.rows.update_rows), on SQLite and PostgreSQL:
what the use case wrote is what a later read sees, and a rolled-back savepoint takes it back in
memory as well as in the database."""

from __future__ import annotations

from tongban.approval.v1 import approval_pb2 as A

from services.approval import repository
from services.approval.models import StepRow
from services.common.rows import update_rows
from tests.contract.review_support import ApprovalUnderTest, accepted_event, approval

__all__ = ["approval"]

PLANNING = "320826-ZR-XK-001"
CASE = "320826101-20260928-0001"


def _first_step(steps: list[StepRow]) -> StepRow:
    return next(step for step in steps if step.number == 1)


def test_a_step_written_at_once_is_saved_and_left_clean(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(PLANNING, CASE))

    with approval.db.transaction() as session:
        step = _first_step(repository.steps_of(session, CASE))
        update_rows(session, [step], assignee="clerk-gaogou", opinion="材料齐全")
        assert step.assignee == "clerk-gaogou"
        assert step not in session.dirty  # the flush has nothing left to write for it

    with approval.db.reading() as session:
        saved = _first_step(repository.steps_of(session, CASE))
    assert (saved.assignee, saved.opinion, saved.state) == ("clerk-gaogou", "材料齐全", A.STEP_STATE_ACTIVE)


def test_a_rolled_back_savepoint_takes_back_a_step_written_at_once(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(PLANNING, CASE))

    with approval.db.transaction() as session:
        steps = repository.steps_of(session, CASE)
        step = _first_step(steps)
        savepoint = session.begin_nested()
        update_rows(session, [step], state=A.STEP_STATE_DONE, assignee="clerk-gaogou")
        savepoint.rollback()  # as the inbox does with an event it refuses
        # The same object, read again within the transaction: the values before the savepoint.
        assert (step.state, step.assignee) == (A.STEP_STATE_ACTIVE, "")
        again = _first_step(repository.steps_of(session, CASE))
        assert again is step

    with approval.db.reading() as session:
        saved = _first_step(repository.steps_of(session, CASE))
    assert (saved.state, saved.assignee) == (A.STEP_STATE_ACTIVE, "")


def test_a_review_opens_with_its_first_step_started(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(PLANNING, CASE))

    with approval.db.reading() as session:
        steps = repository.steps_of(session, CASE)
    started = [step.number for step in steps if step.state == A.STEP_STATE_ACTIVE]
    # The steps are planned, the first started, then written in one INSERT (flow.PlannedStep).
    assert started == [1]
    assert _first_step(steps).started_on is not None


def test_a_review_opened_again_after_its_savepoint_rolled_back_is_written_once(
    approval: ApprovalUnderTest,
) -> None:
    # One event at a time, the inbox applies each under a savepoint and rolls back one it refuses;
    # a later event of the batch may open the same case. The review is written at once
    # (services.common.rows.insert_now), so the rollback must forget it as the ORM forgets a row
    # it inserted, or the second opening could not keep its own review in the session.
    event = accepted_event(PLANNING, CASE)
    with approval.db.transaction() as session:
        savepoint = session.begin_nested()
        approval.lifecycle(session, event)
        first = repository.review(session, CASE)  # held, as a session's cache may hold a row
        savepoint.rollback()
        assert first is not None and first not in session
        assert repository.review(session, CASE) is None
        savepoint = session.begin_nested()
        approval.lifecycle(session, event)
        savepoint.commit()

    with approval.db.reading() as session:
        steps = repository.steps_of(session, CASE)
        review = repository.review(session, CASE)
    assert review is not None and review.state == A.REVIEW_STATE_IN_REVIEW
    # The planning permit's flow: the initial review, three departments in parallel, the decision; once.
    assert sorted(step.number for step in steps) == [1, 2, 3, 4, 5]
