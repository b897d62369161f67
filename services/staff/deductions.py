"""Receiving supervision's deductions (tongban.supervision.v1.DeductionRecorded) through the inbox.

The inbox records each event id once; a finding already counted (the same finding sent again
under another event id) is not counted twice. An event that names no finding, a person staff
does not know, or points outside 1..100 is refused: the inbox records it as rejected.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session
from tongban.events.v1 import event_pb2
from tongban.supervision.v1 import deductions_pb2

from services.common.clock import CHINA, Clock
from services.common.consumers import Consumer, on
from services.common.errors import FieldProblem, invalid_input
from services.staff import repository
from services.staff.models import DeductionRow

D = deductions_pb2
_LIMITS = {"finding_id": 64, "accountability_case_id": 64, "user_id": 64, "window_code": 17, "site_code": 12}


def _problems(session: Session, deduction: D.DeductionRecorded) -> list[FieldProblem]:
    problems = [
        FieldProblem(field, f"至多 {limit} 个字符 / at most {limit} characters")
        for field, limit in _LIMITS.items()
        if len(getattr(deduction, field)) > limit
    ]
    if len(deduction.reason_code) > 40:
        problems.append(FieldProblem("reason_code", "至多 40 个字符 / at most 40 characters"))
    if not deduction.finding_id:
        problems.append(FieldProblem("finding_id", "必填 / required"))
    if not 1 <= deduction.points <= 100:
        problems.append(FieldProblem("points", "1 到 100 分 / 1 to 100 points"))
    if not deduction.HasField("decided_at"):
        problems.append(FieldProblem("decided_at", "必填 / required"))
    if not problems and repository.member(session, deduction.user_id) is None:
        problems.append(FieldProblem("user_id", "不是本系统登记的人员 / not a registered person"))
    return problems


class DeductionInbox:
    """The staff service's consumer of the events routed to it."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def consumer(self) -> Consumer:
        return Consumer(on(D.DeductionRecorded, self.record))

    def record(self, session: Session, _event: event_pb2.Event, deduction: D.DeductionRecorded) -> None:
        problems = _problems(session, deduction)
        if problems:
            raise invalid_input("扣分事件不完整 / the deduction event is incomplete", problems)
        if session.get(DeductionRow, deduction.finding_id) is not None:
            return
        person = repository.member(session, deduction.user_id)
        decided = deduction.decided_at.ToDatetime(tzinfo=UTC).astimezone(CHINA)
        session.add(
            DeductionRow(
                finding_id=deduction.finding_id,
                accountability_case_id=deduction.accountability_case_id,
                user_id=deduction.user_id,
                window_code=deduction.window_code or (person.window_code if person else ""),
                site_code=deduction.site_code or (person.site_code if person else ""),
                points=deduction.points,
                reason_code=deduction.reason_code,
                decided_on=decided.date(),
                received_at=self._clock.now().astimezone(CHINA) if self._clock else datetime.now(CHINA),
            )
        )
