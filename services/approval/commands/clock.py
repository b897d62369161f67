"""The clock of a review: special procedures pause it (Art. 45), one extension adds to it (Art. 42).
Only the matter's own department acts on the clock, and the applicant is told in writing."""

from __future__ import annotations

from sqlmodel import Session
from tongban.acceptance.v1 import catalog_pb2
from tongban.approval.v1 import approval_pb2
from tongban.approval.v1 import events_pb2 as E

from services.approval import documents, flow, repository, views
from services.approval.commands.guards import (
    department_name,
    load_review,
    open_pause,
    refuse_state,
    require_department,
    require_open,
    review_view,
    state_name,
)
from services.approval.events import publish, review_ref
from services.approval.models import PauseRow
from services.common import labels
from services.common.calls import CallContext
from services.common.case_tracing import case_span
from services.common.errors import FieldProblem, calendar_missing, invalid_input, required
from services.common.usecases import UseCases

A = approval_pb2
C = catalog_pb2
MAX_PLANNED_DAYS = 60
# Art. 42: one extension of 10 working days; 15 when several departments handle the case jointly.
EXTENSION_DAYS = 10
JOINT_EXTENSION_DAYS = 15


def start_procedure(
    uc: UseCases, call: CallContext, request: approval_pb2.StartSpecialProcedureRequest
) -> approval_pb2.StartSpecialProcedureResponse:
    def use_case(session: Session) -> approval_pb2.StartSpecialProcedureResponse:
        review = load_review(session, call, request.case_no, for_update=True)
        require_department(call, review)
        allowed = {int(value) for value in review.special_procedures.split()}
        problems = required(request.reason, "reason", "特殊环节事由")
        if request.procedure not in allowed:
            names = "、".join(labels.zh(C.SpecialProcedure, v) for v in sorted(allowed)) or "无"
            names_en = ", ".join(labels.en(C.SpecialProcedure, v) for v in sorted(allowed)) or "none"
            allowed_text = f"该事项可用的特殊环节: {names} / allowed for this matter: {names_en}"
            problems.append(FieldProblem("procedure", allowed_text))
        if not 1 <= request.planned_days <= MAX_PLANNED_DAYS:
            problems.append(FieldProblem("planned_days", f"1–{MAX_PLANNED_DAYS} 个工作日 / working days"))
        if problems:
            raise invalid_input("特殊环节信息有误 / the special procedure is not valid", problems)
        require_open(review, "启动特殊环节")
        if open_pause(repository.pauses_of(session, review)) is not None:
            raise refuse_state(review, "启动特殊环节", "已有特殊环节进行中")
        today = uc.today()
        now = uc.clock.now()
        with case_span("approval.start_special_procedure", review):
            kind_name = C.SpecialProcedure.Name(request.procedure)
            label = labels.zh(C.SpecialProcedure, request.procedure)
            notice = documents.issue(
                session,
                review,
                documents.Draft(
                    kind=A.REVIEW_DOCUMENT_KIND_SPECIAL_PROCEDURE_NOTICE,
                    department_code=review.department_code,
                    department_name=department_name(review, review.department_code),
                    body=[
                        f"您申请的事项需进行特殊环节：{label}。",
                        f"事由：{request.reason.strip()}",
                        f"自 {today.isoformat()} 起，预计 {request.planned_days} 个工作日；",
                        "依《行政许可法》第四十五条，所需时间不计入审批时限。",
                    ],
                ),
                today,
            )
            repository.add_pause(
                session,
                review,
                PauseRow(
                    case_no=review.case_no,
                    kind=A.PAUSE_KIND_SPECIAL_PROCEDURE,
                    procedure=request.procedure,
                    reason=request.reason.strip(),
                    planned_days=request.planned_days,
                    started_on=today,
                    notice_number=notice.number,
                    started_by=call.caller.user_id,
                ),
            )
            repository.add_activity(
                session, review, "procedure_started", call.caller.user_id, now, detail=kind_name
            )
            publish(
                session,
                review,
                E.ReviewProcedureStarted(
                    review=review_ref(review),
                    procedure=request.procedure,
                    planned_days=request.planned_days,
                    started_on=today.isoformat(),
                    notice_number=notice.number,
                ),
                now,
            )
            return A.StartSpecialProcedureResponse(
                review=review_view(uc, session, review), notice=documents.document_message(notice)
            )

    return uc.once(call, "StartSpecialProcedure", request, A.StartSpecialProcedureResponse, use_case)


def end_procedure(
    uc: UseCases, call: CallContext, request: approval_pb2.EndSpecialProcedureRequest
) -> approval_pb2.EndSpecialProcedureResponse:
    def use_case(session: Session) -> approval_pb2.EndSpecialProcedureResponse:
        review = load_review(session, call, request.case_no, for_update=True)
        require_department(call, review)
        pause = open_pause(repository.pauses_of(session, review))
        if pause is None or pause.kind != A.PAUSE_KIND_SPECIAL_PROCEDURE:
            raise refuse_state(review, "结束特殊环节", "没有进行中的特殊环节")
        today = uc.today()
        now = uc.clock.now()
        with case_span("approval.end_special_procedure", review):
            pause.ended_on = today
            pause.ended_by = call.caller.user_id
            paused = uc.calendar.working_days_known(pause.started_on, today)
            repository.add_activity(session, review, "procedure_ended", call.caller.user_id, now)
            publish(
                session,
                review,
                E.ReviewProcedureEnded(
                    review=review_ref(review),
                    procedure=pause.procedure,  # type: ignore[arg-type]
                    ended_on=today.isoformat(),
                    paused_days=paused,
                ),
                now,
            )
            return A.EndSpecialProcedureResponse(review=review_view(uc, session, review))

    return uc.once(call, "EndSpecialProcedure", request, A.EndSpecialProcedureResponse, use_case)


def extend(
    uc: UseCases, call: CallContext, request: approval_pb2.ExtendTimeLimitRequest
) -> approval_pb2.ExtendTimeLimitResponse:
    def use_case(session: Session) -> approval_pb2.ExtendTimeLimitResponse:
        problems = required(request.approver, "approver", "批准人") + required(
            request.reason, "reason", "延期理由"
        )
        if problems:
            raise invalid_input("延期须写明批准人和理由 / approver and reason are required", problems)
        review = load_review(session, call, request.case_no, for_update=True)
        require_department(call, review)
        if review.state not in repository.OPEN_STATES:
            raise refuse_state(review, "延期", f"当前状态为「{state_name(review)}」")
        if review.extension_days:
            raise refuse_state(review, "再次延期", "已延期一次 (《行政许可法》第四十二条只允许延期一次)")
        today = uc.today()
        now = uc.clock.now()
        reading = views.case_clock(uc.calendar, review, repository.pauses_of(session, review), today)
        if reading.missing_year:
            raise calendar_missing(reading.missing_year)
        if reading.overdue:
            raise refuse_state(review, "延期", "已超期, 超期后不能再延期")
        joint = flow.is_joint(repository.steps_of(session, review.case_no))
        days = JOINT_EXTENSION_DAYS if joint else EXTENSION_DAYS
        with case_span("approval.extend", review):
            notice = documents.issue(
                session,
                review,
                documents.Draft(
                    kind=A.REVIEW_DOCUMENT_KIND_EXTENSION_NOTICE,
                    department_code=review.department_code,
                    department_name=department_name(review, review.department_code),
                    body=[
                        f"经 {request.approver.strip()} 批准，审批期限延长 {days} 个工作日。",
                        f"理由：{request.reason.strip()}",
                    ],
                ),
                today,
            )
            review.extension_days = days
            review.extension_approver = request.approver.strip()
            review.extension_reason = request.reason.strip()
            review.extension_granted_on = today
            review.extension_granted_by = call.caller.user_id
            review.extension_notice = notice.number
            repository.add_activity(session, review, "extended", call.caller.user_id, now, detail=f"+{days}")
            publish(
                session,
                review,
                E.ReviewExtended(
                    review=review_ref(review),
                    extension_days=days,
                    notice_number=notice.number,
                    granted_on=today.isoformat(),
                ),
                now,
            )
            return A.ExtendTimeLimitResponse(
                review=review_view(uc, session, review), notice=documents.document_message(notice)
            )

    return uc.once(call, "ExtendTimeLimit", request, A.ExtendTimeLimitResponse, use_case)
