"""Praise an administrator records for a person or a window (a bonus in the assessment)."""

from __future__ import annotations

from sqlmodel import Session
from tongban.staff.v1 import assessment_pb2

from services.common.calls import CallContext
from services.common.errors import FieldProblem
from services.common.usecases import UseCases
from services.staff import assessment_rules, repository
from services.staff.commands.checks import day_or, refuse
from services.staff.models import PraiseRow
from services.staff.scope import require_site

S = assessment_pb2


def praise_view(row: PraiseRow) -> S.Praise:
    return S.Praise(
        praise_id=row.praise_id or 0,
        user_id=row.user_id,
        window_code=row.window_code,
        site_code=row.site_code,
        kind=row.kind,  # type: ignore[arg-type]
        points=row.points,
        awarded_on=row.awarded_on.isoformat(),
        recorded_by=row.recorded_by,
        note=row.note,
    )


def record_praise(uc: UseCases, call: CallContext, req: S.RecordPraiseRequest) -> S.RecordPraiseResponse:
    def use_case(session: Session) -> S.RecordPraiseResponse:
        today = uc.today()
        problems: list[FieldProblem] = []
        person = repository.member(session, req.user_id) if req.user_id else None
        if req.user_id and (person is None or not person.active):
            problems.append(FieldProblem("user_id", "没有该在岗人员 / no such member of staff in post"))
        window_code = req.window_code or (person.window_code if person else "")
        window = repository.window(session, window_code) if window_code else None
        if req.window_code and window is None:
            problems.append(FieldProblem("window_code", "窗口未登记 / not a registered window"))
        if not req.user_id and not req.window_code:
            problems.append(FieldProblem("window_code", "请指定人员或窗口 / name a person or a window"))
        if req.kind not in assessment_rules.PRAISE_POINTS:
            problems.append(FieldProblem("kind", "表扬卡、锦旗或好评 / a card, a banner or a good review"))
        awarded = day_or(req.awarded_on, "awarded_on", today, problems)
        if awarded > today:
            problems.append(FieldProblem("awarded_on", "不能晚于今天 / not after today"))
        refuse("表扬记录有误 / the praise cannot be recorded", problems)
        site_code = window.site_code if window else person.site_code if person else ""
        require_site(session, call, site_code)
        row = PraiseRow(
            user_id=req.user_id,
            window_code=window_code,
            site_code=site_code,
            kind=req.kind,
            points=assessment_rules.PRAISE_POINTS[req.kind],
            awarded_on=awarded,
            recorded_by=call.caller.user_id,
            note=req.note.strip(),
        )
        session.add(row)
        session.flush()
        return S.RecordPraiseResponse(praise=praise_view(row))

    return uc.once(call, "RecordPraise", req, S.RecordPraiseResponse, use_case)
