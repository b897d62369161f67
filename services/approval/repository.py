"""Queries over approval's tables, and the rows they add. No commits here: the use case owns the
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import BindParameter, bindparam, event
from sqlmodel import Session, col, select
from tongban.approval.v1 import approval_pb2

from services.approval.models import ActivityRow, PauseRow, ReviewDocumentRow, ReviewRow, StepRow
from services.common.rows import append_row, plain_columns, read_plain, update_rows

A = approval_pb2
OPEN_STATES = (A.REVIEW_STATE_IN_REVIEW, A.REVIEW_STATE_SENT_BACK)


# The statements every use case runs are built once, the case number a bound parameter: building
# one and working out its cache key cost SQLAlchemy as much as running it (bench/README.md,
# "Statements built once").
_CASE_NO: BindParameter[str] = bindparam("case_no")
_REVIEW = select(ReviewRow).where(col(ReviewRow.case_no) == _CASE_NO)
_REVIEW_LOCKED = _REVIEW.with_for_update()
_STEPS = (
    select(StepRow)
    .where(col(StepRow.case_no) == _CASE_NO)
    .order_by(col(StepRow.position), col(StepRow.step_id))
)


def review(session: Session, case_no: str, *, for_update: bool = False) -> ReviewRow | None:
    return session.exec(_REVIEW_LOCKED if for_update else _REVIEW, params={"case_no": case_no}).first()


def steps_of(session: Session, case_no: str) -> list[StepRow]:
    return list(session.exec(_STEPS, params={"case_no": case_no}).all())


# A use case reads a case's pauses several times (each clock it shows); they are read once per
# transaction and kept in the session, with the pauses it adds (add_pause) appended.
_PAUSES = "approval.pauses"


def pauses_of(session: Session, review: ReviewRow) -> list[PauseRow]:
    if not review.has_pauses:
        return []
    known: dict[str, list[PauseRow]] = session.info.setdefault(_PAUSES, {})
    if review.case_no not in known:
        known[review.case_no] = list(session.exec(_PAUSES_OF_CASE, params={"case_no": review.case_no}).all())
    return list(known[review.case_no])


_PAUSES_OF_CASE = select(PauseRow).where(col(PauseRow.case_no) == _CASE_NO).order_by(col(PauseRow.pause_id))


def add_pause(session: Session, review: ReviewRow, row: PauseRow) -> None:
    session.add(row)
    known: dict[str, list[PauseRow]] = session.info.get(_PAUSES, {})
    if review.has_pauses and review.case_no in known:
        known[review.case_no].append(row)
    review.has_pauses = True


@event.listens_for(Session, "after_soft_rollback")
def _forget_pauses(session: Session, _previous: object) -> None:
    # A rolled-back savepoint (an event the inbox refused) may have added one.
    session.info.pop(_PAUSES, None)


def pauses_by_case(session: Session, reviews: Sequence[ReviewRow]) -> dict[str, list[PauseRow]]:
    found: dict[str, list[PauseRow]] = {review.case_no: [] for review in reviews}
    paused = sorted({review.case_no for review in reviews if review.has_pauses})
    if paused:
        query = select(PauseRow).where(col(PauseRow.case_no).in_(paused)).order_by(col(PauseRow.pause_id))
        for row in session.exec(query).all():
            found[row.case_no].append(row)
    return found


class Activity(NamedTuple):
    """An entry of a review's activity log, as its views show it."""

    action: str
    actor: str
    step_id: int
    target: str
    detail: str
    at: datetime


# Every view of a review reads its whole log, and nothing changes an entry once written: read as
# plain rows, without ORM objects, it costs a third as much.
_ACTIVITIES = (
    plain_columns(ActivityRow, Activity._fields)
    .where(col(ActivityRow.case_no) == _CASE_NO)
    .order_by(col(ActivityRow.activity_id))
)


def activities_of(session: Session, case_no: str) -> list[Activity]:
    return read_plain(session, _ACTIVITIES, {"case_no": case_no}, Activity)


class DocumentRef(NamedTuple):
    """A document of the review, as its views name it (its text is read only when asked for)."""

    number: str
    kind: int
    issued_on: date


def documents_of(session: Session, review: ReviewRow) -> list[DocumentRef]:
    if not review.has_documents:
        return []
    return read_plain(session, _DOCUMENTS, {"case_no": review.case_no}, DocumentRef)


# Every view of a decided case reads them (bench/README.md, "Statements built once").
_DOCUMENTS = (
    plain_columns(ReviewDocumentRow, DocumentRef._fields)
    .where(col(ReviewDocumentRow.case_no) == _CASE_NO)
    .order_by(col(ReviewDocumentRow.issued_on), col(ReviewDocumentRow.number))
)


def document(session: Session, number: str) -> ReviewDocumentRow | None:
    return session.get(ReviewDocumentRow, number)


def active_steps(
    session: Session, *, department_code: str, site_code: str, user_id: str
) -> list[tuple[StepRow, ReviewRow]]:
    """Active steps of open reviews at this department's window or this site, or held by this user."""
    at_window = (col(StepRow.department_code) == department_code) if department_code else None
    at_site = (col(StepRow.site_code) == site_code) & (col(StepRow.department_code) == "")
    held = col(StepRow.assignee) == user_id
    where = held | at_site if at_window is None else held | at_site | at_window
    query = (
        select(StepRow, ReviewRow)
        .join(ReviewRow, col(ReviewRow.case_no) == col(StepRow.case_no))
        .where(col(StepRow.state) == A.STEP_STATE_ACTIVE)
        .where(col(ReviewRow.state).in_(OPEN_STATES))
        .where(where)
    )
    return [(step, row) for step, row in session.exec(query).all()]


def start_steps(session: Session, steps: Sequence[StepRow], day: date) -> None:
    """The stored steps start on `day`, written at once (update_rows); a review being opened
    starts its planned steps before they are stored (flow.PlannedStep.start)."""
    update_rows(session, steps, state=A.STEP_STATE_ACTIVE, started_on=day)


def add_activity(
    session: Session,
    review: ReviewRow,
    action: str,
    actor: str,
    at: datetime,
    *,
    step_id: int | None = 0,
    target: str = "",
    detail: str = "",
) -> None:
    """Who did what to the review, and when: the record reviewers and inspectors read."""
    if review in session.new:
        session.flush()  # the review the entry refers to is written first
    append_row(
        session,
        ActivityRow,
        case_no=review.case_no,
        action=action,
        actor=actor,
        step_id=step_id or 0,
        target=target,
        detail=detail,
        at=at,
    )
