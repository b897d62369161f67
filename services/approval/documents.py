"""Numbered documents the county issues during review: notices to the applicant and decisions.

Approval holds no applicant personal data, so documents address "the applicant" and name
the case; the accepting window hands them over with the case file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session
from tongban.approval.v1 import approval_pb2

from services.approval.models import ReviewDocumentRow, ReviewRow
from services.common import labels
from services.common.counters import next_serial

A = approval_pb2

PREFIXES: dict[int, str] = {
    A.REVIEW_DOCUMENT_KIND_SPECIAL_PROCEDURE_NOTICE: "TS",  # 特殊环节
    A.REVIEW_DOCUMENT_KIND_EXTENSION_NOTICE: "YQ",  # 延期
    A.REVIEW_DOCUMENT_KIND_GRANT_DECISION: "ZY",  # 准予
    A.REVIEW_DOCUMENT_KIND_REFUSAL_DECISION: "BY",  # 不予
}


@dataclass(frozen=True)
class Draft:
    kind: int
    department_code: str
    department_name: str
    body: Sequence[str]


def _render(number: str, review: ReviewRow, draft: Draft, issued_on: date) -> str:
    lines = [
        labels.zh(A.ReviewDocumentKind, draft.kind),
        f"编号：{number}",
        "",
        f"办件编号：{review.case_no}",
        f"事项：{review.matter_name}（{review.matter_code}）",
        "",
        "申请人：",
        *(f"    {line}" for line in draft.body),
        "",
        f"{draft.department_name}（{draft.department_code}）",
        f"{issued_on.year}年{issued_on.month}月{issued_on.day}日",
    ]
    return "\n".join(lines) + "\n"


def issue(session: Session, review: ReviewRow, draft: Draft, issued_on: date) -> ReviewDocumentRow:
    """Number, render and store a document in the caller's transaction."""
    prefix = PREFIXES[draft.kind]
    serial = next_serial(session, f"doc:{prefix}:{draft.department_code}:{issued_on.year}")
    number = f"{prefix}-{draft.department_code}-{issued_on.year}-{serial:05d}"
    text = _render(number, review, draft, issued_on)
    row = ReviewDocumentRow(
        number=number,
        kind=draft.kind,
        case_no=review.case_no,
        department_code=draft.department_code,
        issued_on=issued_on,
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    session.add(row)
    review.has_documents = True
    return row


def document_message(row: ReviewDocumentRow) -> approval_pb2.ReviewDocument:
    return A.ReviewDocument(
        number=row.number,
        kind=row.kind,  # type: ignore[arg-type]
        case_no=row.case_no,
        department_code=row.department_code,
        issued_on=row.issued_on.isoformat(),
        text=row.text,
        sha256=row.sha256,
    )
