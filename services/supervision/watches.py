"""Supervision's copy of each case's clock, kept from the case events of acceptance and approval,
and the case as the rules see it (`WatchedCase`) for a given day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from google.protobuf.message import Message
from sqlalchemy import BindParameter, Executable, bindparam, event, text
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select
from tongban.acceptance.v1 import catalog_pb2
from tongban.acceptance.v1 import events_pb2 as acceptance_events
from tongban.approval.v1 import events_pb2 as approval_events

from services.common.calendar import WorkingCalendar
from services.common.case_tracing import review_trace_ids
from services.common.timelimit import Pause, read_clock
from services.supervision.models import AlertRow, CasePauseRow, CaseWatchRow, ComplaintRow, ReviewRow
from services.supervision.rule_types import ComplaintFacts, ReviewFacts, WatchedCase, day_of

A = acceptance_events
P = approval_events
SUPPLEMENT, PROCEDURE = "supplement", "procedure"
# Events after which nothing more is due on the case.
_CLOSING = (A.CaseNotAccepted, A.CaseWithdrawn, A.CaseCompleted, A.CaseResultIssued, P.ReviewDecided)
# Events that show the case went through the window (received or accepted in the system).
_AT_THE_WINDOW = (
    A.CaseReceived,
    A.CaseSupplementRequested,
    A.CaseNotAccepted,
    A.CaseAccepted,
    A.CaseCompleted,
)


def case_ref(payload: Message) -> A.CaseRef | P.ReviewRef | None:
    """The CaseRef or ReviewRef a case event carries, or None for events about no case."""
    for name in ("case", "review"):
        if name in payload.DESCRIPTOR.fields_by_name and payload.HasField(name):
            ref = getattr(payload, name)
            return ref if isinstance(ref, A.CaseRef | P.ReviewRef) else None
    return None


def take_in(session: Session, payload: Message, traceparent: str, today: date) -> CaseWatchRow | None:
    """Bring the case's watch up to date with the event; None for events about no case."""
    ref = case_ref(payload)
    if ref is None:
        # Supervision's own events (a review, a complaint) name a case it already watches.
        own = str(getattr(payload, "case_no", "")) if "case_no" in payload.DESCRIPTOR.fields_by_name else ""
        return _locked_watch(session, own) if own else None
    case_no = str(ref.case_no)
    watch = _locked_watch(session, case_no) or _new_watch(session, case_no, today)
    for name in ("matter_code", "site_code", "department_code", "window_code"):
        if getattr(ref, name, "") and not getattr(watch, name):
            setattr(watch, name, getattr(ref, name))
    if not (watch.trace_id and watch.root_span_id):
        ids = review_trace_ids(case_no, traceparent)
        watch.trace_id, watch.root_span_id = ids.trace_id, ids.root_span_id
    _apply(session, watch, payload)
    return watch


# The handling of every case event runs them: built once with bound parameters
# (bench/README.md, "Statements built once").
_CASE_NO: BindParameter[str] = bindparam("case_no")
_WATCH_LOCKED = select(CaseWatchRow).where(col(CaseWatchRow.case_no) == _CASE_NO).with_for_update()
# The watches this transaction has locked, by case number (in the session's `info`).
_LOCKED_HERE = "supervision.locked_watches"


def _locked_watch(session: Session, case_no: str) -> CaseWatchRow | None:
    """The case's watch, locked until the commit. One this transaction has locked already (the
    batch's read-ahead, `lock_watches`, or an earlier event) is used again without a query, and so
    without the flush of the previous event's changes that a query would make."""
    locked: dict[str, CaseWatchRow] = session.info.setdefault(_LOCKED_HERE, {})
    watch = locked.get(case_no)
    if watch is None:
        watch = session.exec(_WATCH_LOCKED, params={"case_no": case_no}).first()
        if watch is not None:
            locked[case_no] = watch
    return watch


def lock_watches(session: Session, case_nos: Iterable[str]) -> None:
    """Lock the watches of these cases (those there are) in one query, in order of case number, for
    the events of a batch about them: their handling then asks for none of them again."""
    wanted = sorted(set(case_nos) - session.info.get(_LOCKED_HERE, {}).keys())
    if wanted:
        locked: dict[str, CaseWatchRow] = session.info.setdefault(_LOCKED_HERE, {})
        for watch in session.exec(_WATCHES_LOCKED, params={"case_nos": wanted}).all():
            locked[watch.case_no] = watch


_WATCHES_LOCKED = (
    select(CaseWatchRow)
    .where(col(CaseWatchRow.case_no).in_(bindparam("case_nos", expanding=True)))
    .order_by(col(CaseWatchRow.case_no))
    .with_for_update()
)


@event.listens_for(Session, "after_transaction_end")
def _forget_locked_watches(session: Session, transaction: SessionTransaction) -> None:
    # A commit ends the locks; a savepoint's rollback takes back those (and any row) taken within
    # it. A flush's own inner transaction ends nothing.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_LOCKED_HERE, None)


def _new_watch(session: Session, case_no: str, today: date) -> CaseWatchRow:
    """The watch of a case seen for the first time, locked. Acceptance's and approval's events about
    a new case may be applied at once (two transactions on PostgreSQL): the second insert waits for
    the first and yields to it, instead of failing its whole batch on the primary key."""
    created = session.scalars(_NEW_WATCH, {**_WATCH_DEFAULTS, "case_no": case_no, "first_seen_on": today})
    watch = created.first() or session.get_one(
        CaseWatchRow, case_no, with_for_update=True, populate_existing=True
    )
    session.info.setdefault(_LOCKED_HERE, {})[case_no] = watch
    return watch


def _new_watch_statement() -> tuple[Executable, dict[str, Any]]:
    """`INSERT … ON CONFLICT DO NOTHING RETURNING` as text, every column a bound parameter, and the
    columns' defaults. Built with SQLAlchemy's `insert().on_conflict_do_nothing()` the statement is
    never cached and costs a compilation (about 1 ms) per new case; SQLite and PostgreSQL both
    take this text."""
    table = CaseWatchRow.__table__  # type: ignore[attr-defined]
    names = [column.name for column in table.columns]
    statement = text(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
        f" ON CONFLICT (case_no) DO NOTHING RETURNING {', '.join(names)}"
    )
    typed = statement.bindparams(*(bindparam(column.name, type_=column.type) for column in table.columns))
    returning = typed.columns(*table.columns)
    defaults = {
        column.name: column.default.arg if column.default is not None else None for column in table.columns
    }
    return select(CaseWatchRow).from_statement(returning), defaults


_NEW_WATCH, _WATCH_DEFAULTS = _new_watch_statement()


def _apply(session: Session, watch: CaseWatchRow, payload: Message) -> None:
    if isinstance(payload, _AT_THE_WINDOW):
        watch.acceptance_seen = True
    if isinstance(payload, A.CaseReceived):
        watch.received_by = payload.received_by
        watch.received_on = day_of(payload.received_on)
    elif isinstance(payload, A.CaseAccepted):
        watch.accepted_on = day_of(payload.accepted_on)
        promised = payload.handling_type == catalog_pb2.HANDLING_TYPE_PROMISED
        watch.budget_days = payload.promised_limit_days if promised else 0
    elif isinstance(payload, P.ReviewExtended):
        watch.budget_days += payload.extension_days
    elif isinstance(payload, P.ReviewSentBack):
        _pause(session, watch, SUPPLEMENT, day_of(payload.sent_back_on))
    elif isinstance(payload, P.ReviewResumed):
        _resume(session, watch, SUPPLEMENT, day_of(payload.resumed_on))
    elif isinstance(payload, P.ReviewProcedureStarted):
        _pause(session, watch, PROCEDURE, day_of(payload.started_on))
    elif isinstance(payload, P.ReviewProcedureEnded):
        _resume(session, watch, PROCEDURE, day_of(payload.ended_on))
    if isinstance(payload, _CLOSING):
        watch.closed = True
    _complete(watch, payload)


def _complete(watch: CaseWatchRow, payload: Message) -> None:
    """The case's completion (办结), from the first event that tells it."""
    if watch.completed_on is not None:
        return
    if isinstance(payload, A.CaseCompleted):
        watch.instant = True
        watch.completed_on, watch.on_time = day_of(payload.completed_on), payload.on_time
    elif isinstance(payload, P.ReviewDecided):
        watch.completed_on, watch.on_time = day_of(payload.decided_on), payload.on_time
    elif isinstance(payload, A.CaseResultIssued):
        watch.completed_on, watch.on_time = day_of(payload.completed_on or payload.issued_on), payload.on_time


def _pause(session: Session, watch: CaseWatchRow, kind: str, on: date | None) -> None:
    if on is not None and not any(p.ended_on is None and p.kind == kind for p in pauses_of(session, watch)):
        session.add(CasePauseRow(case_no=watch.case_no, kind=kind, started_on=on))
        watch.has_pauses = True


def _resume(session: Session, watch: CaseWatchRow, kind: str, on: date | None) -> None:
    for pause in pauses_of(session, watch):
        if on is not None and pause.ended_on is None and pause.kind == kind:
            pause.ended_on = on


def pauses_of(session: Session, watch: CaseWatchRow) -> list[CasePauseRow]:
    if not watch.has_pauses:
        return []
    query = select(CasePauseRow).where(CasePauseRow.case_no == watch.case_no).order_by(col(CasePauseRow.id))
    return list(session.exec(query).all())


def fired_for(session: Session, watch: CaseWatchRow) -> dict[str, frozenset[str]]:
    """The keys of the findings stored for the case, per rule."""
    if not watch.has_findings:
        return {}
    query = select(AlertRow.rule, AlertRow.finding_key).where(AlertRow.case_no == watch.case_no)
    rows = session.exec(query).all()
    fired: dict[str, set[str]] = {}
    for rule, key in rows:
        fired.setdefault(rule, set()).add(key)
    return {rule: frozenset(keys) for rule, keys in fired.items()}


def watched(session: Session, watch: CaseWatchRow, calendar: WorkingCalendar, today: date) -> WatchedCase:
    """The case as the rules see it on `today`."""
    clock = None
    if watch.accepted_on is not None and watch.budget_days > 0:
        pauses = [Pause(p.started_on, p.ended_on) for p in pauses_of(session, watch)]
        clock = read_clock(calendar, watch.accepted_on, watch.budget_days, pauses, today)
    return WatchedCase(
        case_no=watch.case_no,
        matter_code=watch.matter_code,
        site_code=watch.site_code,
        department_code=watch.department_code,
        window_code=watch.window_code,
        received_by=watch.received_by,
        first_seen_on=watch.first_seen_on,
        acceptance_seen=watch.acceptance_seen,
        accepted_on=watch.accepted_on,
        budget_days=watch.budget_days,
        closed=watch.closed,
        clock=clock,
        today=today,
        fired=fired_for(session, watch),
        department_recent_on_time=_department_recent(session, watch),
        reviews=_reviews(session, watch),
        complaints=_complaints(session, watch),
    )


def _reviews(session: Session, watch: CaseWatchRow) -> tuple[ReviewFacts, ...]:
    if not watch.has_reviews:
        return ()
    rows = session.exec(select(ReviewRow).where(ReviewRow.case_no == watch.case_no))
    return tuple(
        ReviewFacts(r.review_id or 0, r.rating, r.rectify_by, r.rectified_at is not None) for r in rows
    )


def _complaints(session: Session, watch: CaseWatchRow) -> tuple[ComplaintFacts, ...]:
    if not watch.has_complaints:
        return ()
    query = select(ComplaintRow).where(ComplaintRow.case_no == watch.case_no)
    rows = session.exec(query.order_by(col(ComplaintRow.complaint_id)))
    return tuple(ComplaintFacts(c.complaint_id or 0, c.answer_by, c.answered_at is not None) for c in rows)


def _department_recent(session: Session, watch: CaseWatchRow) -> tuple[bool, ...]:
    """On time or not, the department's two latest completed cases (once this one is completed)."""
    if watch.completed_on is None or not watch.department_code:
        return ()
    rows = session.exec(_DEPARTMENT_RECENT, params={"department_code": watch.department_code})
    return tuple(bool(on_time) for on_time in rows.all())


_DEPARTMENT_RECENT = (
    select(CaseWatchRow.on_time)
    .where(
        col(CaseWatchRow.department_code) == bindparam("department_code"),
        col(CaseWatchRow.completed_on).is_not(None),
    )
    .order_by(col(CaseWatchRow.completed_on).desc(), col(CaseWatchRow.case_no).desc())
    .limit(2)
)
