"""Rotation: a department's written request recorded (and approved) by the centre, the new
person's training, and the change of window once both the effective day and the training are
there (services.staff.rotation_rules)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from tongban.staff.v1 import rotation_pb2

from services.common import labels
from services.common.calls import CallContext
from services.common.errors import (
    FieldProblem,
    StateProblem,
    not_found,
    permission_denied,
    required,
    wrong_state,
)
from services.common.usecases import UseCases
from services.staff import events, repository, rotation_rules
from services.staff.commands.checks import day_or, refuse
from services.staff.models import RotationPolicyRow, RotationRow, StaffRow
from services.staff.scope import require_site

R = rotation_pb2
OPEN = (R.ROTATION_STATE_APPROVED, R.ROTATION_STATE_TRAINED)


def rotation_view(row: RotationRow) -> R.Rotation:
    return R.Rotation(
        rotation_id=row.rotation_id or 0,
        site_code=row.site_code,
        department_code=row.department_code,
        window_code=row.window_code,
        current_user_id=row.current_user_id,
        proposed_user_id=row.proposed_user_id,
        reasons=row.reasons,
        effective_on=row.effective_on.isoformat(),
        served_months=row.served_months,
        minimum_months=row.minimum_months,
        override_reason=row.override_reason,
        overridden_by=row.overridden_by,
        state=row.state,  # type: ignore[arg-type]
        trained_on=row.trained_on.isoformat() if row.trained_on else "",
        training=row.training,
        requested_by=row.requested_by,
    )


def minimum_years(session: Session, site_code: str) -> int:
    """The site's minimum posting, else its parent centre's, else one year."""
    site = repository.site(session, site_code)
    for code in (site_code, site.parent_code if site else ""):
        row = session.get(RotationPolicyRow, code) if code else None
        if row is not None:
            return row.minimum_posting_years
    return rotation_rules.DEFAULT_MINIMUM_YEARS


def _in_post(session: Session, user_id: str) -> StaffRow | None:
    person = repository.member(session, user_id, for_update=True) if user_id else None
    return person if person is not None and person.active else None


def _check_request(
    session: Session, req: R.RequestRotationRequest, today: date
) -> tuple[list[FieldProblem], date]:
    problems = required(req.reasons, "reasons", "轮岗理由")
    window = repository.window(session, req.window_code) if req.window_code else None
    if window is None:
        problems.append(FieldProblem("window_code", "窗口未登记 / not a registered window"))
    current = _in_post(session, req.current_user_id)
    if current is None or window is None or current.window_code != window.code:
        problems.append(FieldProblem("current_user_id", "不是该窗口的在岗人员 / not in post at this window"))
    proposed = _in_post(session, req.proposed_user_id)
    if proposed is None or proposed.user_id == req.current_user_id:
        problems.append(FieldProblem("proposed_user_id", "须为另一位在岗人员 / another person in post"))
    elif (
        window is not None
        and window.department_code
        and proposed.department_code not in ("", window.department_code)
    ):
        problems.append(FieldProblem("proposed_user_id", "须为该窗口部门的人员 / of the window's department"))
    effective = day_or(req.effective_on, "effective_on", rotation_rules.next_january(today), problems)
    if effective < today:
        problems.append(FieldProblem("effective_on", "不能早于今天 / not before today"))
    return problems, effective


def request(uc: UseCases, call: CallContext, req: R.RequestRotationRequest) -> R.RequestRotationResponse:
    def use_case(session: Session) -> R.RequestRotationResponse:
        today = uc.today()
        problems, effective = _check_request(session, req, today)
        refuse("轮岗申请有误 / the rotation request is incomplete", problems)
        window = repository.window(session, req.window_code)
        current = repository.member(session, req.current_user_id)
        assert window is not None and current is not None  # checked above
        require_site(session, call, window.site_code)
        pending = repository.open_rotation(session, window.code, OPEN)
        if pending is not None:
            raise wrong_state(
                f"该窗口已有轮岗 {pending.rotation_id} 未完成 / rotation {pending.rotation_id} is still open",
                [StateProblem(str(pending.rotation_id), "open rotation", "ROTATION")],
            )
        minimum = 12 * minimum_years(session, window.site_code)
        served = rotation_rules.months_served(current.posted_on, effective)
        override = req.override_reason.strip() if served < minimum else ""
        if served < minimum and not override:
            raise wrong_state(
                f"{current.user_id} 到生效日任职 {served} 个月, 未满 {minimum} 个月, 不能轮岗"
                f"（县中心管理员可特批） / served {served} of the {minimum} months required",
                [StateProblem(current.user_id, f"served {served} months", "MINIMUM_POSTING")],
            )
        if override and "centre_admin" not in call.caller.roles:
            raise permission_denied(
                "未满最短任职期的轮岗只能由县中心管理员特批 / only the county administrator overrides"
            )
        row = RotationRow(
            site_code=window.site_code,
            department_code=window.department_code,
            window_code=window.code,
            current_user_id=current.user_id,
            proposed_user_id=req.proposed_user_id,
            reasons=req.reasons.strip(),
            effective_on=effective,
            served_months=served,
            minimum_months=minimum,
            override_reason=override,
            overridden_by=call.caller.user_id if override else "",
            state=R.ROTATION_STATE_APPROVED,
            requested_by=call.caller.user_id,
            requested_at=uc.clock.now(),
        )
        session.add(row)
        session.flush()
        return R.RequestRotationResponse(rotation=rotation_view(row))

    return uc.once(call, "RequestRotation", req, R.RequestRotationResponse, use_case)


def _rotation(session: Session, call: CallContext, rotation_id: int) -> RotationRow:
    row = session.get(RotationRow, rotation_id, with_for_update=True)
    if row is None:
        raise not_found("rotation", str(rotation_id), f"没有轮岗 {rotation_id} / no such rotation")
    require_site(session, call, row.site_code)
    return row


def _refuse_state(row: RotationRow, message: str) -> None:
    state = labels.zh(R.RotationState, row.state)
    raise wrong_state(
        f"轮岗 {row.rotation_id} {state}：{message}",
        [StateProblem(str(row.rotation_id), state, "ROTATION_STATE")],
    )


def record_training(
    uc: UseCases, call: CallContext, req: R.RecordTrainingRequest
) -> R.RecordTrainingResponse:
    def use_case(session: Session) -> R.RecordTrainingResponse:
        row = _rotation(session, call, req.rotation_id)
        problems = required(req.training, "training", "培训内容")
        trained = day_or(req.trained_on, "trained_on", uc.today(), problems)
        if trained > uc.today():
            problems.append(FieldProblem("trained_on", "不能晚于今天 / not after today"))
        refuse("培训记录有误 / the training record is incomplete", problems)
        if row.state not in OPEN:
            _refuse_state(row, "不再记录培训 / no training is recorded any more")
        row.state, row.trained_on, row.training = R.ROTATION_STATE_TRAINED, trained, req.training.strip()
        session.add(row)
        return R.RecordTrainingResponse(rotation=rotation_view(row))

    return uc.once(call, "RecordTraining", req, R.RecordTrainingResponse, use_case)


def _hand_over_posts(session: Session, row: RotationRow, by: str, uc: UseCases) -> None:
    posts = repository.posts(session, row.site_code, row.department_code) if row.department_code else None
    if posts is None:
        return
    changed = False
    for field in ("chief_representative", "a_post", "b_post"):
        if getattr(posts, field) == row.current_user_id:
            setattr(posts, field, row.proposed_user_id)
            changed = True
    if changed:
        session.add(posts)
        events.posts_changed(session, posts, by, uc.clock.now())


def complete(uc: UseCases, call: CallContext, req: R.CompleteRotationRequest) -> R.CompleteRotationResponse:
    def use_case(session: Session) -> R.CompleteRotationResponse:
        row = _rotation(session, call, req.rotation_id)
        if row.state != R.ROTATION_STATE_TRAINED:
            _refuse_state(row, "新任人员须先完成培训 / the new person must be trained first")
        if uc.today() < row.effective_on:
            _refuse_state(
                row, f"{row.effective_on.isoformat()} 生效 / takes effect on {row.effective_on.isoformat()}"
            )
        now = uc.clock.now()
        current = repository.member(session, row.current_user_id, for_update=True)
        proposed = repository.member(session, row.proposed_user_id, for_update=True)
        if proposed is None or not proposed.active:
            _refuse_state(row, "拟任人员已不在岗 / the proposed person is no longer in post")
        assert proposed is not None
        proposed.window_code, proposed.site_code, proposed.posted_on = (
            row.window_code,
            row.site_code,
            uc.today(),
        )
        proposed.department_code = row.department_code or proposed.department_code
        changed = [proposed]
        if current is not None and current.window_code == row.window_code:
            current.window_code = ""
            changed.append(current)
        for person in changed:
            session.add(person)
            events.member_changed(session, person, repository.account(session, person.user_id), now)
        _hand_over_posts(session, row, call.caller.user_id, uc)
        row.state, row.completed_at = R.ROTATION_STATE_COMPLETED, now
        session.add(row)
        return R.CompleteRotationResponse(rotation=rotation_view(row))

    return uc.once(call, "CompleteRotation", req, R.CompleteRotationResponse, use_case)


def set_policy(
    uc: UseCases, call: CallContext, req: R.SetRotationPolicyRequest
) -> R.SetRotationPolicyResponse:
    def use_case(session: Session) -> R.SetRotationPolicyResponse:
        problems = required(req.site_code, "site_code", "站点")
        if req.site_code and repository.site(session, req.site_code) is None:
            problems.append(FieldProblem("site_code", "站点未登记 / not a registered site"))
        if req.minimum_posting_years not in (1, 2):
            problems.append(FieldProblem("minimum_posting_years", "1 或 2 年 / 1 or 2 years"))
        refuse("轮岗设置有误 / the rotation policy is wrong", problems)
        row = session.get(RotationPolicyRow, req.site_code) or RotationPolicyRow(site_code=req.site_code)
        row.minimum_posting_years = req.minimum_posting_years
        session.add(row)
        return R.SetRotationPolicyResponse(
            site_code=row.site_code, minimum_posting_years=row.minimum_posting_years
        )

    return uc.once(call, "SetRotationPolicy", req, R.SetRotationPolicyResponse, use_case)


def list_rotations(uc: UseCases, call: CallContext, req: R.ListRotationsRequest) -> R.ListRotationsResponse:
    site_code = req.site_code or call.caller.site_code
    with uc.db.reading() as session:
        require_site(session, call, site_code)
        rows = repository.rotations_of_site(session, site_code)
    return R.ListRotationsResponse(rotations=[rotation_view(row) for row in rows])
