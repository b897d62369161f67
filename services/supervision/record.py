"""The supervision record (ARCHITECTURE.md, "Security"): append-only and hash-chained.

Each entry's hash covers its number, its kind, its body and the hash before it, so an entry
altered, removed, inserted or moved breaks the chain where it happened; the head row holds the
last number and hash, so a removed last entry is found too. Appends take turns on the head row
(locked on PostgreSQL; SQLite has one writer), so replicas never fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from services.supervision.models import AccountabilityCaseRow, AlertRow, RecordEntryRow, RecordHeadRow

GENESIS = "0" * 64
_CHUNK = 1000


def canonical(body: Mapping[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(seq: int, kind: str, body: str, prev_hash: str) -> str:
    return hashlib.sha256(f"{seq}\n{kind}\n{prev_hash}\n{body}".encode()).hexdigest()


def _head(session: Session) -> RecordHeadRow:
    head = session.get(RecordHeadRow, 1, with_for_update=True)
    if head is None:
        # The migration writes the head; a database made by create_all (tests) gets it here.
        head = RecordHeadRow(id=1, seq=0, hash=GENESIS)
        session.add(head)
    return head


def lock(session: Session) -> None:
    """Take the record's turn now: what the caller reads next cannot be changed by another
    replica's append before this transaction ends."""
    _head(session)


def next_seq(session: Session) -> int:
    """The number the next entry gets (the caller holds the record's turn)."""
    return _head(session).seq + 1


def append(session: Session, kind: str, body: Mapping[str, Any], at: datetime) -> RecordEntryRow:
    """Add an entry after the last one, in the caller's transaction."""
    head = _head(session)
    text = canonical(body)
    seq = head.seq + 1
    digest = entry_hash(seq, kind, text, head.hash or GENESIS)
    entry = RecordEntryRow(
        seq=seq, kind=kind, body=text, recorded_at=at, prev_hash=head.hash or GENESIS, hash=digest
    )
    session.add(entry)
    head.seq, head.hash = seq, digest
    return entry


@dataclass(frozen=True)
class Verification:
    entries: int
    first_bad_seq: int = 0
    problem: str = ""
    head_hash: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def _entries(session: Session) -> Iterator[RecordEntryRow]:
    after = 0
    while True:
        rows = session.exec(
            select(RecordEntryRow)
            .where(col(RecordEntryRow.seq) > after)
            .order_by(col(RecordEntryRow.seq))
            .limit(_CHUNK)
        ).all()
        yield from rows
        if len(rows) < _CHUNK:
            return
        after = rows[-1].seq


def verify(session: Session) -> Verification:
    """Walk the record from its first entry; name the first entry that is not as written."""
    expected_prev, count = GENESIS, 0
    for entry in _entries(session):
        count += 1
        if entry.seq != count:
            return Verification(
                count, count, f"第 {count} 条缺失或被插入 / entry {count} removed or inserted"
            )
        if entry.prev_hash != expected_prev:
            return Verification(
                count, count, f"第 {count} 条前后不连 / entry {count} out of its chain (moved or replaced)"
            )
        if entry_hash(entry.seq, entry.kind, entry.body, entry.prev_hash) != entry.hash:
            return Verification(count, count, f"第 {count} 条内容被改动 / entry {count} altered")
        expected_prev = entry.hash
    head = session.get(RecordHeadRow, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash or GENESIS) != (count, expected_prev):
        missing = min(head_seq, count) + 1
        return Verification(
            count, missing, f"末尾第 {missing} 条起缺失或多出 / entries from {missing} on removed or added"
        )
    found = _alerts_match(session, count)
    # The head is named only when everything up to it checked out.
    return replace(found, head_hash=expected_prev) if found.intact else found


def _alerts_match(session: Session, count: int) -> Verification:
    """Each alert as listed says what its record entries say: raised as recorded, and
    acknowledged exactly when an acknowledgement is on the record."""
    raised: dict[int, RecordEntryRow] = {}
    acknowledged: dict[int, dict[str, Any]] = {}
    for entry in session.exec(
        select(RecordEntryRow).where(col(RecordEntryRow.kind).in_([ALERT_RAISED, ALERT_ACKNOWLEDGED]))
    ):
        body = json.loads(entry.body)
        if entry.kind == ALERT_RAISED:
            raised[entry.seq] = entry
        else:
            acknowledged[int(body["alert_id"])] = body
    for alert in session.exec(select(AlertRow).order_by(col(AlertRow.alert_id))):
        raised_entry = raised.get(alert.record_seq)
        acknowledgement = acknowledgement_body(alert) if alert.acknowledged_at else None
        if (
            raised_entry is None
            or json.loads(raised_entry.body) != alert_body(alert)
            or acknowledged.get(alert.alert_id or 0) != acknowledgement
        ):
            return Verification(
                count,
                alert.record_seq,
                f"预警 {alert.alert_id} 与记录不符 / alert {alert.alert_id} differs from the record",
            )
    return _decisions_match(session, count)


def _decisions_match(session: Session, count: int) -> Verification:
    """Each decided accountability case says what its decision's entry says."""
    decided = session.exec(select(AccountabilityCaseRow).where(col(AccountabilityCaseRow.decision_seq) > 0))
    for case in decided:
        entry = session.get(RecordEntryRow, case.decision_seq)
        if (
            entry is None
            or entry.kind != ACCOUNTABILITY_DECIDED
            or json.loads(entry.body) != decision_body(case)
        ):
            return Verification(
                count,
                case.decision_seq,
                f"问责案件 {case.case_id} 的决定与记录不符 / decision {case.case_id} differs from the record",
            )
    return Verification(count)


def decision_body(case: AccountabilityCaseRow) -> dict[str, Any]:
    """What the record keeps of an accountability decision."""
    return {
        "case_id": case.case_id,
        "outcome": case.outcome,
        "points": case.points,
        "reasons": case.decision_reasons,
        "user_id": case.user_id,
        "department_code": case.department_code,
        "by": case.decided_by,
        "at": utc_text(case.decided_at) if case.decided_at else "",
    }


def utc_text(moment: datetime) -> str:
    """One text for a moment whichever database it came back from (SQLite drops the zone)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


ALERT_RAISED = "alert_raised"
ALERT_ACKNOWLEDGED = "alert_acknowledged"
ACCOUNTABILITY_DECIDED = "accountability_decided"


def alert_body(alert: AlertRow) -> dict[str, Any]:
    """What the record keeps of a raised alert."""
    return {
        "alert_id": alert.alert_id,
        "rule": alert.rule,
        "key": alert.finding_key,
        "severity": alert.severity,
        "summary": alert.summary,
        "case_no": alert.case_no,
        "site_code": alert.site_code,
        "department_code": alert.department_code,
        "window_code": alert.window_code,
        "user_id": alert.user_id,
        "finish_by": alert.finish_by.isoformat() if alert.finish_by else "",
        "points": alert.points,
        "trace_id": alert.trace_id,
        "raised_at": utc_text(alert.raised_at),
    }


def acknowledgement_body(alert: AlertRow) -> dict[str, Any]:
    """What the record keeps of an acknowledgement."""
    assert alert.acknowledged_at is not None
    return {
        "alert_id": alert.alert_id,
        "by": alert.acknowledged_by,
        "note": alert.acknowledge_note,
        "at": utc_text(alert.acknowledged_at),
    }
