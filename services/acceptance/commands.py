"""The window's use cases that write: receive, notify once, accept or refuse, supplement,
withdraw, complete on the spot and issue the result.

Each use case is one transaction: the case, its document, its outbox events and the
request's idempotency key are committed together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.acceptance.v1 import events_pb2 as E
from tongban.events.v1 import event_pb2
from tongban.supervision.v1 import events_pb2 as supervision_events

from services.acceptance import applicants, county_clock, extension, materials, numbering, repository, views
from services.acceptance.documents import DocumentFacts, render
from services.acceptance.events import case_ref, county_review_plan, publish
from services.acceptance.models import CaseRow, DocumentRow, SiteRow, WindowRow
from services.common import labels
from services.common.calendar import CalendarDataMissing
from services.common.calls import CallContext
from services.common.case_trace_ids import case_trace_ids
from services.common.case_tracing import case_root_span, case_span
from services.common.consumers import iso_date
from services.common.errors import (
    DomainError,
    FieldProblem,
    StateProblem,
    calendar_missing,
    invalid_input,
    not_found,
    required,
    wrong_state,
)
from services.common.rows import update_rows
from services.common.usecases import UseCases

S = acceptance_pb2

# What each refused action is called, in English (the Chinese comes with the call).
_ACTIONS_EN = {
    "补正材料": "record a supplement",
    "撤回": "withdraw",
    "当场办结": "complete on the spot",
    "出件": "issue the result",
}


def _non_acceptance_problems(request: Any) -> list[FieldProblem]:
    if not request.HasField("non_acceptance"):
        return []
    refusal = request.non_acceptance
    return required(refusal.reason, "non_acceptance.reason", "不予受理理由") + required(
        refusal.competent_agency, "non_acceptance.competent_agency", "有权受理的机关"
    )


def _wrong_state(row: CaseRow, action: str, allowed: Sequence[int]) -> DomainError:
    state_zh, state_en = labels.zh(S.CaseState, row.state), labels.en(S.CaseState, row.state)
    expected = "、".join(labels.zh(S.CaseState, s) for s in allowed)
    return wrong_state(
        f"办件当前状态为「{state_zh}」, 不能{action}; 仅限「{expected}」状态 / "
        f"case {row.case_no} is {state_en}; cannot {_ACTIONS_EN.get(action, action)}",
        [StateProblem(row.case_no, f"当前状态「{state_zh}」/ state: {state_en}", "CASE_STATE")],
    )


def _window_problems(window: WindowRow | None, site_code: str, matter_code: str) -> list[FieldProblem]:
    """The window is the clerk's site's, open, and serves the matter (staff's copy says so)."""
    if window is None or window.site_code != site_code:
        return [FieldProblem("window_code", "该窗口不属于您所在的站点 / not a window of your site")]
    if window.closed:
        return [FieldProblem("window_code", "该窗口已关闭 / the window is closed")]
    served = window.matter_codes.split()
    if matter_code and served and matter_code not in served:
        return [FieldProblem("window_code", "该窗口不办理此事项 / the window does not serve this matter")]
    return []


def _check_accepts(session: Session, matter: catalog_pb2.Matter, site: SiteRow, today: date) -> None:
    """The site accepts the matter today: by its levels, or by the extension decisions in force."""
    standing = extension.standing(matter, site, repository.matter_extensions(session, matter.code), today)
    if standing.accepts:
        return
    level = labels.zh(catalog_pb2.SiteLevel, site.level)
    if standing.decision is not None:
        decision = standing.decision
        raise wrong_state(
            f"「{matter.name}」已于 {decision.effective_on.isoformat()} 从本站点收回"
            f"({decision.document_number}), 请引导申请人到有权受理的站点办理 / "
            f"matter {matter.code} was withdrawn from this site on {decision.effective_on.isoformat()}",
            [StateProblem(matter.code, "本站点已收回 / withdrawn from this site", "EXTENSION")],
        )
    levels = "、".join(labels.zh(catalog_pb2.SiteLevel, lv) for lv in matter.accepting_levels)
    raise wrong_state(
        f"{level}不能受理「{matter.name}」, 请引导申请人到{levels}办理 / "
        f"a {labels.en(catalog_pb2.SiteLevel, site.level)} may not accept matter {matter.code}",
        [StateProblem(matter.code, f"{level}不可受理 / not accepted at this site level", "SITE_LEVEL")],
    )


@dataclass
class CaseCommands:
    uc: UseCases

    # ----- helpers shared by the use cases -----

    def _load(self, session: Session, call: CallContext, case_no: str) -> CaseRow:
        if not case_no.strip():
            raise invalid_input(
                "缺少办件编号 / case_no is required", required(case_no, "case_no", "办件编号")
            )
        row = repository.case(session, case_no, for_update=True)
        if row is None:
            raise not_found("case", case_no, f"办件 {case_no} 不存在 / no such case")
        call.require(row.site_code)
        return row

    def _promised_date(self, accepted_on: date, days: int) -> date:
        try:
            return self.uc.calendar.add_working_days(accepted_on, days)
        except CalendarDataMissing as missing:
            raise calendar_missing(missing.year) from missing

    def _publish(self, session: Session, row: CaseRow, payload: Any) -> None:
        publish(session, row, payload, self.uc.clock.now())

    def _issue_document(
        self, session: Session, row: CaseRow, matter: catalog_pb2.Matter, kind: int
    ) -> DocumentRow:
        site = repository.site(session, row.site_code)
        window = repository.window(session, row.window_code)
        today = self.uc.today()
        number = numbering.take_document_number(session, kind, row.site_code, today.year)
        issues = views.issues_of(row)
        rendered = render(
            DocumentFacts(
                kind=kind,
                number=number,
                issued_on=today,
                site_name=site.name if site else row.site_code,
                window_name=window.name if window else row.window_code,
                case_no=row.case_no,
                matter=matter,
                applicant=views.applicant_of(row),
                received_on=row.received_on,
                accepted_on=row.accepted_on,
                promised_date=row.promised_date,
                issues=issues,
                notice_count=row.notice_count,
                reason=row.non_acceptance_reason,
                competent_agency=row.competent_agency,
            )
        )
        document = DocumentRow(
            number=number,
            kind=kind,
            case_no=row.case_no,
            site_code=row.site_code,
            window_code=row.window_code,
            issued_on=today,
            text=rendered.text,
            html=rendered.html,
            sha256=rendered.sha256,
        )
        session.add(document)
        return document

    def _view(self, session: Session, row: CaseRow, call: CallContext) -> acceptance_pb2.Case:
        return views.case_view(session, row, call, self.uc.calendar, self.uc.today())

    # ----- decisions shared by submit and supplement -----

    def _refuse(
        self, session: Session, row: CaseRow, matter: catalog_pb2.Matter, refusal: Any
    ) -> DocumentRow:
        row.state = S.CASE_STATE_NOT_ACCEPTED
        row.non_acceptance_reason = refusal.reason.strip()
        row.competent_agency = refusal.competent_agency.strip()
        row.outstanding = "[]"
        self._publish(session, row, E.CaseNotAccepted(case=case_ref(row, matter)))
        return self._issue_document(session, row, matter, S.DOCUMENT_KIND_NON_ACCEPTANCE_NOTICE)

    def _notify(
        self,
        session: Session,
        row: CaseRow,
        matter: catalog_pb2.Matter,
        issues: list[acceptance_pb2.MaterialIssue],
        new_fact: str = "",
    ) -> DocumentRow:
        row.state = S.CASE_STATE_SUPPLEMENT_REQUESTED
        row.outstanding = views.issues_json(issues)
        row.notice_count += 1
        if new_fact:
            row.new_facts = json.dumps([*json.loads(row.new_facts), new_fact], ensure_ascii=False)
        # A further notice breaks the one-time rule unless a new fact justifies it;
        # supervision flags it either way.
        self._publish(
            session,
            row,
            E.CaseSupplementRequested(
                case=case_ref(row, matter),
                notice_count=row.notice_count,
                issue_count=len(issues),
                repeated_notice=row.notice_count > 1,
                received_on=row.received_on.isoformat(),
                notified_on=self.uc.today().isoformat(),
            ),
        )
        return self._issue_document(session, row, matter, S.DOCUMENT_KIND_ONE_TIME_NOTICE)

    def _accept(
        self, session: Session, row: CaseRow, matter: catalog_pb2.Matter, accepted_on: date | None = None
    ) -> DocumentRow:
        # Accepted today, or from an earlier day the law names (Art. 32: from the receipt).
        today = accepted_on or self.uc.today()
        row.state = S.CASE_STATE_ACCEPTED
        row.outstanding = "[]"
        row.accepted_on = today
        row.promised_limit_days = matter.promised_limit_days
        row.promised_date = self._promised_date(today, matter.promised_limit_days)
        # For a county-decided case, the county's clock starts with the same promise.
        row.window_due_on = row.promised_date
        self._publish(
            session,
            row,
            E.CaseAccepted(
                case=case_ref(row, matter),
                handling_type=matter.handling_type,
                deciding_level=matter.deciding_level,
                service_mode=matter.service_mode,
                accepted_on=today.isoformat(),
                promised_limit_days=matter.promised_limit_days,
                legal_limit_days=matter.legal_limit_days,
                promised_date=row.promised_date.isoformat(),
                county_review=county_review_plan(session, row, matter),
            ),
        )
        return self._issue_document(session, row, matter, S.DOCUMENT_KIND_ACCEPTANCE_RECEIPT)

    # ----- what supervision tells -----

    def deemed_accepted(
        self, session: Session, _event: event_pb2.Event, deemed: supervision_events.CaseDeemedAccepted
    ) -> None:
        """行政许可法 Art. 32: the one-time notice came too late, so the application counts as
        accepted from the day the materials were received. A case still waiting for its supplement
        is accepted from then (its clock and promised date follow); one that has moved on is left
        as it is (the event is recorded)."""
        row = repository.case(session, deemed.case_no, for_update=True)
        if row is None or row.state != S.CASE_STATE_SUPPLEMENT_REQUESTED:
            return
        matter = repository.case_matter(session, row)
        with case_span("acceptance.deemed_accepted", row):
            self._accept(session, row, matter, accepted_on=iso_date(deemed.accepted_from, "accepted_from"))

    # ----- use cases -----

    def submit(
        self, call: CallContext, request: acceptance_pb2.SubmitApplicationRequest
    ) -> acceptance_pb2.SubmitApplicationResponse:
        def use_case(session: Session) -> acceptance_pb2.SubmitApplicationResponse:
            today = self.uc.today()
            applicant = applicants.normalized(request.applicant)
            problems = required(request.matter_code, "matter_code", "事项编码")
            problems += required(request.window_code, "window_code", "受理窗口")
            problems += applicants.problems(applicant, today)
            problems += _non_acceptance_problems(request)
            matter = repository.matter(session, request.matter_code, today) if request.matter_code else None
            if matter is not None:
                problems += materials.input_problems(matter, request.materials, request.conditions_apply)
            window = repository.window(session, request.window_code) if request.window_code else None
            if request.window_code:
                problems += _window_problems(window, call.caller.site_code, request.matter_code)
            if problems:
                raise invalid_input("申请信息有误, 请按提示修改 / the application has errors", problems)
            if matter is None:
                matter = repository.known_matter(session, request.matter_code, today)
            site = repository.site(session, call.caller.site_code)
            if site is None:
                raise not_found(
                    "site", call.caller.site_code, "您所在的站点未登记 / your site is not registered"
                )
            _check_accepts(session, matter, site, today)
            case_no = numbering.take_case_number(session, site.code, today)
            # The case's trace ids come from its number: clients can join it knowing only that.
            ids = case_trace_ids(case_no)
            now = self.uc.clock.now()
            row = CaseRow(
                case_no=case_no,
                site_code=site.code,
                window_code=request.window_code,
                matter_code=matter.code,
                matter_version=matter.version,
                state=S.CASE_STATE_RECEIVED,
                applicant_kind=applicant.kind,
                applicant_name=applicant.name,
                applicant_id_number=applicant.id_number,
                applicant_phone=applicant.phone,
                applicant_address=applicant.address,
                received_at=now,
                received_on=today,
                received_by=call.caller.user_id,
                trace_id=ids.trace_id,
                root_span_id=ids.root_span_id,
            )
            session.add(row)
            with case_root_span("acceptance.receive", row, session) as span:
                span.set_attribute("tongban.matter_code", matter.code)
                span.set_attribute("tongban.site_code", site.code)
                self._publish(
                    session,
                    row,
                    E.CaseReceived(
                        case=case_ref(row, matter),
                        received_by=call.caller.user_id,
                        received_on=today.isoformat(),
                    ),
                )
                if request.HasField("non_acceptance"):
                    document = self._refuse(session, row, matter, request.non_acceptance)
                else:
                    issues = materials.check(matter.materials, request.materials, request.conditions_apply)
                    if issues:
                        document = self._notify(session, row, matter, issues)
                    else:
                        document = self._accept(session, row, matter)
                span.set_attribute("tongban.case_state", S.CaseState.Name(row.state))
            return S.SubmitApplicationResponse(
                case=self._view(session, row, call), document=views.document_message(document)
            )

        return self.uc.once(call, "SubmitApplication", request, S.SubmitApplicationResponse, use_case)

    def supplement(
        self, call: CallContext, request: acceptance_pb2.SupplementMaterialsRequest
    ) -> acceptance_pb2.SupplementMaterialsResponse:
        def use_case(session: Session) -> acceptance_pb2.SupplementMaterialsResponse:
            row = self._load(session, call, request.case_no)
            matter = repository.case_matter(session, row)
            problems = materials.input_problems(matter, request.materials, request.conditions_apply)
            problems += _non_acceptance_problems(request)
            if problems:
                raise invalid_input("补正信息有误, 请按提示修改 / the supplement has errors", problems)
            if row.state == S.CASE_STATE_REVIEW_SUPPLEMENT and not request.HasField("non_acceptance"):
                with case_span("acceptance.review_supplement", row):
                    self._return_to_review(session, row, matter, call)
                return S.SupplementMaterialsResponse(case=self._view(session, row, call))
            if row.state != S.CASE_STATE_SUPPLEMENT_REQUESTED:
                raise _wrong_state(
                    row, "补正材料", [S.CASE_STATE_SUPPLEMENT_REQUESTED, S.CASE_STATE_REVIEW_SUPPLEMENT]
                )
            with case_span("acceptance.supplement", row) as span:
                if request.HasField("non_acceptance"):
                    document = self._refuse(session, row, matter, request.non_acceptance)
                else:
                    document = self._supplement(session, row, matter, request)
                span.set_attribute("tongban.case_state", S.CaseState.Name(row.state))
            return S.SupplementMaterialsResponse(
                case=self._view(session, row, call), document=views.document_message(document)
            )

        return self.uc.once(call, "SupplementMaterials", request, S.SupplementMaterialsResponse, use_case)

    def _return_to_review(
        self, session: Session, row: CaseRow, matter: catalog_pb2.Matter, call: CallContext
    ) -> None:
        """The applicant supplemented what the county asked for: the county's clock runs again."""
        today = self.uc.today()
        row.state = S.CASE_STATE_ACCEPTED
        row.review_items = "[]"
        row.review_reason = ""
        # As approval ends its pause: on the day the window sends the supplement.
        county_clock.end_pause(row, today)
        row.window_due_on = county_clock.due_for_listing(self.uc.calendar, row, today)
        self._publish(
            session,
            row,
            E.CaseReviewSupplemented(
                case=case_ref(row, matter),
                supplemented_on=today.isoformat(),
                supplemented_by=call.caller.user_id,
            ),
        )

    def _supplement(
        self,
        session: Session,
        row: CaseRow,
        matter: catalog_pb2.Matter,
        request: acceptance_pb2.SupplementMaterialsRequest,
    ) -> DocumentRow:
        outstanding = {issue.material_code for issue in views.issues_of(row)}
        handed_in = {item.material_code for item in request.materials}
        applies = outstanding | set(request.conditions_apply)
        to_check = [m for m in matter.materials if m.code in applies | handed_in]
        issues = materials.check(to_check, request.materials, sorted(applies))
        if not issues:
            return self._accept(session, row, matter)
        if not request.new_fact.strip():
            raise wrong_state(
                "补正材料仍不齐全。一次性告知后不得再次告知, 除非记录新的情况; "
                "请申请人补齐以下材料后再提交 / "
                "materials are still incomplete; a second notice needs a recorded new fact",
                [StateProblem(i.material_code, f"{i.material_name}: {i.detail}", "MATERIAL") for i in issues],
            )
        return self._notify(session, row, matter, issues, new_fact=request.new_fact.strip())

    def withdraw(
        self, call: CallContext, request: acceptance_pb2.WithdrawCaseRequest
    ) -> acceptance_pb2.WithdrawCaseResponse:
        allowed = [S.CASE_STATE_SUPPLEMENT_REQUESTED, S.CASE_STATE_ACCEPTED, S.CASE_STATE_REVIEW_SUPPLEMENT]

        def use_case(session: Session) -> acceptance_pb2.WithdrawCaseResponse:
            problems = required(request.reason, "reason", "撤回原因")
            if problems:
                raise invalid_input("请填写撤回原因 / a reason is required", problems)
            row = self._load(session, call, request.case_no)
            if row.state not in allowed:
                raise _wrong_state(row, "撤回", allowed)
            matter = repository.case_matter(session, row)
            with case_span("acceptance.withdraw", row):
                row.state = S.CASE_STATE_WITHDRAWN
                row.withdrawal_reason = request.reason.strip()
                self._publish(
                    session,
                    row,
                    E.CaseWithdrawn(
                        case=case_ref(row, matter),
                        withdrawn_by=call.caller.user_id,
                        withdrawn_on=self.uc.today().isoformat(),
                    ),
                )
            return S.WithdrawCaseResponse(case=self._view(session, row, call))

        return self.uc.once(call, "WithdrawCase", request, S.WithdrawCaseResponse, use_case)

    def complete_instant(
        self, call: CallContext, request: acceptance_pb2.CompleteInstantCaseRequest
    ) -> acceptance_pb2.CompleteInstantCaseResponse:
        def use_case(session: Session) -> acceptance_pb2.CompleteInstantCaseResponse:
            problems = required(request.result_summary, "result_summary", "办理结果")
            if problems:
                raise invalid_input("请填写办理结果 / the result is required", problems)
            row = self._load(session, call, request.case_no)
            matter = repository.case_matter(session, row)
            if matter.handling_type != catalog_pb2.HANDLING_TYPE_INSTANT:
                raise wrong_state(
                    f"「{matter.name}」是承诺件, 不能当场办结 / "
                    f"matter {matter.code} is not an instant matter",
                    [StateProblem(matter.code, "承诺件 / a promised matter", "HANDLING_TYPE")],
                )
            if row.state != S.CASE_STATE_ACCEPTED:
                raise _wrong_state(row, "当场办结", [S.CASE_STATE_ACCEPTED])
            with case_span("acceptance.complete", row):
                today = self.uc.today()
                row.state = S.CASE_STATE_COMPLETED
                row.outcome = S.OUTCOME_APPROVED
                row.result_summary = request.result_summary.strip()
                row.completed_on = row.issued_on = today
                row.issued_by = call.caller.user_id
                self._publish(
                    session,
                    row,
                    E.CaseCompleted(case=case_ref(row, matter), completed_on=today.isoformat(), on_time=True),
                )
            return S.CompleteInstantCaseResponse(case=self._view(session, row, call))

        return self.uc.once(call, "CompleteInstantCase", request, S.CompleteInstantCaseResponse, use_case)

    def issue_result(
        self, call: CallContext, request: acceptance_pb2.IssueResultRequest
    ) -> acceptance_pb2.IssueResultResponse:
        def use_case(session: Session) -> acceptance_pb2.IssueResultResponse:
            problems = required(request.result_summary, "result_summary", "办理结果")
            problems += required(request.recipient_name, "recipient_name", "领取人")
            if problems:
                raise invalid_input("出件信息不完整 / the handover is incomplete", problems)
            row = self._load(session, call, request.case_no)
            matter = repository.case_matter(session, row)
            self._check_issuable(row, matter, request)
            with case_span("acceptance.issue", row):
                today = self.uc.today()
                # Written at once, one UPDATE: the flush would first work out what changed.
                completed = {"outcome": request.outcome, "completed_on": today}
                update_rows(
                    session,
                    [row],
                    **(completed if row.state == S.CASE_STATE_ACCEPTED else {}),
                    state=S.CASE_STATE_RESULT_ISSUED,
                    result_summary=request.result_summary.strip(),
                    recipient_name=request.recipient_name.strip(),
                    issued_on=today,
                    issued_by=call.caller.user_id,
                )
                on_time = self._on_time(row, matter)
                self._publish(
                    session,
                    row,
                    E.CaseResultIssued(
                        case=case_ref(row, matter),
                        outcome=row.outcome,  # type: ignore[arg-type]
                        completed_on=row.completed_on.isoformat() if row.completed_on else "",
                        issued_on=today.isoformat(),
                        on_time=on_time,
                        issued_by=call.caller.user_id,
                    ),
                )
            return S.IssueResultResponse(case=self._view(session, row, call))

        return self.uc.once(call, "IssueResult", request, S.IssueResultResponse, use_case)

    def _on_time(self, row: CaseRow, matter: catalog_pb2.Matter) -> bool:
        if matter.deciding_level == catalog_pb2.DECIDING_LEVEL_COUNTY and row.decided_on and row.issued_on:
            # Decided within the county's clock, and issued within Art. 44's ten working days.
            due = row.window_due_on or views.issue_due_on(self.uc.calendar, row.decided_on)
            if due is None:
                # The deadline lies past the last day the calendar knows: on time if issued by then.
                known = self.uc.calendar.known_through()
                if row.issued_on > known:
                    raise calendar_missing(known.year + 1)
                return row.decided_on_time
            return row.decided_on_time and row.issued_on <= due
        return bool(row.promised_date and row.completed_on and row.completed_on <= row.promised_date)

    def _check_issuable(
        self, row: CaseRow, matter: catalog_pb2.Matter, request: acceptance_pb2.IssueResultRequest
    ) -> None:
        if matter.handling_type == catalog_pb2.HANDLING_TYPE_INSTANT:
            raise wrong_state(
                "即办件请使用当场办结 / instant matters are completed on the spot",
                [StateProblem(matter.code, "即办件 / an instant matter", "HANDLING_TYPE")],
            )
        county = matter.deciding_level == catalog_pb2.DECIDING_LEVEL_COUNTY
        if county and row.state in (S.CASE_STATE_ACCEPTED, S.CASE_STATE_REVIEW_SUPPLEMENT):
            raise wrong_state(
                "该办件由县级部门审批, 尚未作出决定, 不能出件 / the county has not decided this case yet",
                [StateProblem(row.case_no, "等待县级部门决定 / awaiting the county decision", "CASE_STATE")],
            )
        allowed = [S.CASE_STATE_DECIDED] if county else [S.CASE_STATE_ACCEPTED]
        if row.state not in allowed:
            raise _wrong_state(row, "出件", allowed)
        if not county and request.outcome == S.OUTCOME_UNSPECIFIED:
            raise invalid_input(
                "请选择办理结果: 准予或不予 / choose approved or refused",
                [
                    FieldProblem(
                        "outcome", "乡镇自办事项出件时须记录决定 / required for township-decided matters"
                    )
                ],
            )
        if county and request.outcome not in (S.OUTCOME_UNSPECIFIED, row.outcome):
            raise invalid_input(
                "出件结果与县级决定不一致 / the outcome differs from the county's decision",
                [FieldProblem("outcome", "须与县级部门决定一致 / must match the county decision")],
            )
