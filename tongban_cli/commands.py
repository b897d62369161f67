"""What each `tongban` subcommand does with its parsed arguments; each returns the exit code."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TypeVar

from google.protobuf import json_format
from google.protobuf.message import Message
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.approval.v1 import approval_pb2
from tongban.supervision.v1 import supervision_pb2

from services.common import labels
from tongban_cli import local
from tongban_cli.client import (
    CLAIM_STEP,
    COMPLETE_INSTANT_CASE,
    COMPLETE_STEP,
    DECIDE_CASE,
    END_SPECIAL_PROCEDURE,
    EXTEND_TIME_LIMIT,
    GET_DOCUMENT,
    GET_MATTER,
    GET_REVIEW_DOCUMENT,
    ISSUE_RESULT,
    LIST_CASES,
    LIST_DEPARTMENTS,
    LIST_INBOX,
    LIST_MATTERS,
    LIST_RECEIVED_EVENTS,
    LIST_SITES,
    REASSIGN_STEP,
    SEND_BACK_FOR_SUPPLEMENT,
    START_SPECIAL_PROCEDURE,
    SUBMIT_APPLICATION,
    SUPPLEMENT_MATERIALS,
    WITHDRAW_CASE,
    CliError,
    Gateway,
    Rpc,
    resolve_token,
)
from tongban_cli.identity import holder_of
from tongban_cli.render import cases, catalog, reviews, supervision

Resp = TypeVar("Resp", bound=Message)

_RULE = "─" * 40


def usage_error(message: str) -> CliError:
    return CliError(message, exit_code=2)


def _gateway(args: argparse.Namespace) -> Gateway:
    token = resolve_token(args.token)
    return Gateway(
        local.gateway(args.gateway),
        token,
        request_id=getattr(args, "request_id", None),
        command=getattr(args, "command_line", ""),
        # The command's span joins the trace of the case it names (tongban_cli.tracing).
        case_no=getattr(args, "case_no", None) or "",
    )


def _emit(args: argparse.Namespace, response: Message, text: str) -> int:
    if args.json:
        print(json_format.MessageToJson(response, ensure_ascii=False, indent=2))
    else:
        print(text)
    return 0


def _verbatim(text: str) -> None:
    sys.stdout.write(text)
    if sys.stdout.isatty() and not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


def _with_document(case: acceptance_pb2.Case, document: acceptance_pb2.Document) -> str:
    text = cases.case_summary(case)
    if document.number:
        heading = labels.zh(acceptance_pb2.DocumentKind, document.kind) or "文书"
        text += f"\n{_RULE}\n{heading} {document.number}\n{_RULE}\n{cases.document_text(document)}"
    return text


# --- local run and demo users (imported when used: a window PC needs only the client) ----------


def setup(args: argparse.Namespace) -> int:
    from tongban_cli import stack

    var_dir = local.here_var_dir(args.var)
    stack.refuse_second_key_set(var_dir)
    stack.setup(var_dir)
    return 0


def up(args: argparse.Namespace) -> int:
    from tongban_cli import stack

    return stack.up(local.here_var_dir(args.var))


def token(args: argparse.Namespace) -> int:
    from tongban_cli import demo

    user = demo.find_user(demo.load_users(), args.user_id)
    print(demo.token_for(user, local.var_dir(args.var), args.hours))
    return 0


def users(args: argparse.Namespace) -> int:
    from tongban_cli import demo

    print(demo.users_text(demo.load_users()))
    return 0


# --- catalogue --------------------------------------------------------------------------------


def catalog_list(args: argparse.Namespace) -> int:
    request = catalog_pb2.ListMattersRequest(
        keyword=args.keyword or "",
        department_code=args.department or "",
        site_code=args.site or "",
        page_size=args.page_size or 0,
        page_token=args.page_token or "",
    )
    with _gateway(args) as gateway:
        response = gateway.call(LIST_MATTERS, request)
    return _emit(args, response, catalog.matter_list(response))


def catalog_show(args: argparse.Namespace) -> int:
    with _gateway(args) as gateway:
        response = gateway.call(GET_MATTER, catalog_pb2.GetMatterRequest(code=args.code))
    return _emit(args, response, catalog.matter_detail(response.matter))


def catalog_sites(args: argparse.Namespace) -> int:
    with _gateway(args) as gateway:
        response = gateway.call(LIST_SITES, catalog_pb2.ListSitesRequest())
    return _emit(args, response, catalog.site_list(response.sites))


def catalog_departments(args: argparse.Namespace) -> int:
    with _gateway(args) as gateway:
        response = gateway.call(LIST_DEPARTMENTS, catalog_pb2.ListDepartmentsRequest())
    return _emit(args, response, catalog.department_list(response.departments))


# --- cases ------------------------------------------------------------------------------------


def _applicant(args: argparse.Namespace) -> acceptance_pb2.Applicant:
    if args.person is not None:
        if not args.id:
            raise usage_error("自然人申请需要身份证号：--id 公民身份号码")
        if args.credit_code:
            raise usage_error("--credit-code 只用于企业申请（--enterprise）")
        kind, name, number = acceptance_pb2.APPLICANT_KIND_PERSON, args.person, args.id
    else:
        if not args.credit_code:
            raise usage_error("企业申请需要统一社会信用代码：--credit-code 代码")
        if args.id:
            raise usage_error("--id 只用于自然人申请（--person）")
        kind, name, number = (
            acceptance_pb2.APPLICANT_KIND_ENTERPRISE,
            args.enterprise,
            args.credit_code,
        )
    if not args.phone:
        raise usage_error("请填写申请人联系电话：--phone 电话")
    return acceptance_pb2.Applicant(
        kind=kind, name=name, id_number=number, phone=args.phone, address=args.address or ""
    )


def _non_acceptance(args: argparse.Namespace) -> acceptance_pb2.NonAcceptance | None:
    if not args.refuse_reason and not args.competent_agency:
        return None
    if not (args.refuse_reason and args.competent_agency):
        raise usage_error("不予受理须同时写明理由和应向哪个机关申请：--refuse-reason 与 --competent-agency")
    return acceptance_pb2.NonAcceptance(reason=args.refuse_reason, competent_agency=args.competent_agency)


def case_submit(args: argparse.Namespace) -> int:
    # The clerk's own window, named in their token, unless they choose another.
    window = (
        args.window or os.environ.get("TONGBAN_WINDOW") or holder_of(resolve_token(args.token)).window_code
    )
    if not window:
        raise usage_error(
            "请指定受理窗口：--window 窗口编码（您的令牌没有写明窗口；也可设置 TONGBAN_WINDOW）"
        )
    request = acceptance_pb2.SubmitApplicationRequest(
        matter_code=args.matter,
        window_code=window,
        applicant=_applicant(args),
        materials=args.material,
        conditions_apply=args.condition,
        non_acceptance=_non_acceptance(args),
    )
    with _gateway(args) as gateway:
        response = gateway.call(SUBMIT_APPLICATION, request)
    return _emit(args, response, _with_document(response.case, response.document))


def case_supplement(args: argparse.Namespace) -> int:
    request = acceptance_pb2.SupplementMaterialsRequest(
        case_no=args.case_no,
        materials=args.material,
        conditions_apply=args.condition,
        new_fact=args.new_fact or "",
        non_acceptance=_non_acceptance(args),
    )
    with _gateway(args) as gateway:
        response = gateway.call(SUPPLEMENT_MATERIALS, request)
    return _emit(args, response, _with_document(response.case, response.document))


def case_withdraw(args: argparse.Namespace) -> int:
    request = acceptance_pb2.WithdrawCaseRequest(case_no=args.case_no, reason=args.reason)
    with _gateway(args) as gateway:
        response = gateway.call(WITHDRAW_CASE, request)
    return _emit(args, response, cases.case_summary(response.case))


def case_complete(args: argparse.Namespace) -> int:
    request = acceptance_pb2.CompleteInstantCaseRequest(case_no=args.case_no, result_summary=args.result)
    with _gateway(args) as gateway:
        response = gateway.call(COMPLETE_INSTANT_CASE, request)
    return _emit(args, response, cases.case_summary(response.case))


def case_issue(args: argparse.Namespace) -> int:
    outcome = acceptance_pb2.OUTCOME_UNSPECIFIED
    if args.approved:
        outcome = acceptance_pb2.OUTCOME_APPROVED
    elif args.refused:
        outcome = acceptance_pb2.OUTCOME_REFUSED
    request = acceptance_pb2.IssueResultRequest(
        case_no=args.case_no,
        outcome=outcome,
        result_summary=args.result,
        recipient_name=args.recipient,
    )
    with _gateway(args) as gateway:
        response = gateway.call(ISSUE_RESULT, request)
    return _emit(args, response, cases.case_summary(response.case))


def case_show(args: argparse.Namespace) -> int:
    with _gateway(args) as gateway:
        case = gateway.case(args.case_no)
    return _emit(args, acceptance_pb2.GetCaseResponse(case=case), cases.case_summary(case, full=True))


def case_list(args: argparse.Namespace) -> int:
    request = acceptance_pb2.ListCasesRequest(
        site_code=args.site or "",
        state=args.state or acceptance_pb2.CASE_STATE_UNSPECIFIED,
        matter_code=args.matter or "",
        received_from=args.date_from or "",
        received_to=args.date_to or "",
        overdue_only=args.overdue,
        page_size=args.page_size or 0,
        page_token=args.page_token or "",
    )
    if request.received_from and request.received_to and request.received_from > request.received_to:
        raise usage_error("--from 的日期不能晚于 --to 的日期")
    with _gateway(args) as gateway:
        response = gateway.call(LIST_CASES, request)
    return _emit(args, response, cases.case_list(response))


def case_print(args: argparse.Namespace) -> int:
    with _gateway(args) as gateway:
        response = gateway.call(GET_DOCUMENT, acceptance_pb2.GetDocumentRequest(number=args.number))
    if args.json:
        return _emit(args, response, "")
    document = response.document
    if args.html and not document.html:
        raise CliError(f"文书 {document.number} 没有 HTML 版本，请去掉 --html 打印文本版。")
    _verbatim(cases.document_text(document, html=args.html))
    return 0


# --- county review --------------------------------------------------------------------------


def _with_review_document(review: approval_pb2.Review, document: approval_pb2.ReviewDocument) -> str:
    text = reviews.review_summary(review)
    if document.number:
        heading = labels.zh(approval_pb2.ReviewDocumentKind, document.kind) or "文书"
        text += f"\n{_RULE}\n{heading} {document.number}\n{_RULE}\n{reviews.review_document_text(document)}"
    return text


def _on_review(args: argparse.Namespace, rpc: Rpc[Resp], request: Message) -> Resp:
    """A change to a case's review, sent in the case's trace."""
    with _gateway(args) as gateway:
        return gateway.call(rpc, request)


def _required_text(value: str | None, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise usage_error(message)
    return text


def review_inbox(args: argparse.Namespace) -> int:
    request = approval_pb2.ListInboxRequest(
        scope=args.scope or approval_pb2.INBOX_SCOPE_UNSPECIFIED,
        overdue_only=args.overdue,
        page_size=args.page_size or 0,
        page_token=args.page_token or "",
    )
    with _gateway(args) as gateway:
        response = gateway.call(LIST_INBOX, request)
    return _emit(args, response, reviews.inbox(response))


def review_show(args: argparse.Namespace) -> int:
    with _gateway(args) as gateway:
        review = gateway.review(args.case_no)
    return _emit(
        args, approval_pb2.GetReviewResponse(review=review), reviews.review_summary(review, full=True)
    )


def review_claim(args: argparse.Namespace) -> int:
    request = approval_pb2.ClaimStepRequest(case_no=args.case_no, step_number=args.step)
    response = _on_review(args, CLAIM_STEP, request)
    return _emit(args, response, reviews.review_summary(response.review))


def review_reassign(args: argparse.Namespace) -> int:
    request = approval_pb2.ReassignStepRequest(
        case_no=args.case_no,
        step_number=args.step,
        assignee=_required_text(args.assignee, "请写明改派给谁：ASSIGNEE 为同一窗口同事的用户编号"),
        reason=args.reason or "",
    )
    response = _on_review(args, REASSIGN_STEP, request)
    return _emit(args, response, reviews.review_summary(response.review))


def _complete(args: argparse.Namespace, verdict: approval_pb2.Verdict, opinion: str) -> int:
    request = approval_pb2.CompleteStepRequest(
        case_no=args.case_no, step_number=args.step, verdict=verdict, opinion=opinion
    )
    response = _on_review(args, COMPLETE_STEP, request)
    return _emit(args, response, reviews.review_summary(response.review))


def review_approve(args: argparse.Namespace) -> int:
    return _complete(args, approval_pb2.VERDICT_APPROVE, (args.opinion or "").strip())


def review_refuse(args: argparse.Namespace) -> int:
    opinion = _required_text(args.opinion, "不同意须写明理由：--opinion 理由")
    return _complete(args, approval_pb2.VERDICT_REFUSE, opinion)


def review_send_back(args: argparse.Namespace) -> int:
    items = [item.strip() for item in args.item if item.strip()]
    if not items:
        raise usage_error("请列出需补正的全部材料（一次性告知）：--item 材料 [--item 材料 ...]")
    request = approval_pb2.SendBackForSupplementRequest(
        case_no=args.case_no,
        step_number=args.step,
        items=items,
        reason=_required_text(args.reason, "请写明退回补正的理由：--reason 理由"),
    )
    response = _on_review(args, SEND_BACK_FOR_SUPPLEMENT, request)
    return _emit(args, response, reviews.review_summary(response.review))


def review_pause(args: argparse.Namespace) -> int:
    request = approval_pb2.StartSpecialProcedureRequest(
        case_no=args.case_no,
        procedure=args.procedure,
        reason=_required_text(args.reason, "请写明特殊环节的事由：--reason 事由"),
        planned_days=args.days,
    )
    response = _on_review(args, START_SPECIAL_PROCEDURE, request)
    return _emit(args, response, _with_review_document(response.review, response.notice))


def review_resume(args: argparse.Namespace) -> int:
    request = approval_pb2.EndSpecialProcedureRequest(case_no=args.case_no)
    response = _on_review(args, END_SPECIAL_PROCEDURE, request)
    return _emit(args, response, reviews.review_summary(response.review))


def review_extend(args: argparse.Namespace) -> int:
    request = approval_pb2.ExtendTimeLimitRequest(
        case_no=args.case_no,
        approver=_required_text(args.approver, "请写明批准延期的负责人：--approver 姓名或职务"),
        reason=_required_text(args.reason, "请写明延期理由（将告知申请人）：--reason 理由"),
    )
    response = _on_review(args, EXTEND_TIME_LIMIT, request)
    return _emit(args, response, _with_review_document(response.review, response.notice))


def review_decide(args: argparse.Namespace) -> int:
    reasons = (args.reasons or "").strip()
    if args.outcome == approval_pb2.DECISION_OUTCOME_REFUSED and not reasons:
        raise usage_error("不予许可须写明理由（将告知申请人）：--reasons 理由")
    request = approval_pb2.DecideCaseRequest(case_no=args.case_no, outcome=args.outcome, reasons=reasons)
    response = _on_review(args, DECIDE_CASE, request)
    return _emit(args, response, _with_review_document(response.review, response.document))


def review_print(args: argparse.Namespace) -> int:
    with _gateway(args) as gateway:
        response = gateway.call(
            GET_REVIEW_DOCUMENT, approval_pb2.GetReviewDocumentRequest(number=args.number)
        )
    if args.json:
        return _emit(args, response, "")
    _verbatim(reviews.review_document_text(response.document))
    return 0


# --- supervision ----------------------------------------------------------------------------


def _filter_text(value: str | None, option: str) -> str:
    """An optional filter; given but blank would silently list everything, so it is refused."""
    if value is None:
        return ""
    return _required_text(value, f"{option} 的值不能为空；不按此条件筛选时请去掉 {option}")


def supervision_events(args: argparse.Namespace) -> int:
    request = supervision_pb2.ListReceivedEventsRequest(
        aggregate_id=_filter_text(args.case_no, "--case"),
        event_type=args.event_type or "",
        source=_filter_text(args.source, "--source"),
        page_size=args.page_size or 0,
        page_token=args.page_token or "",
    )
    with _gateway(args) as gateway:
        response = gateway.call(LIST_RECEIVED_EVENTS, request)
    if args.json:
        # JSON can only spell payloads of types this CLI knows; the event type still names the others.
        for received in response.events:
            if supervision.event_payload(received.event) is None:
                received.event.ClearField("payload")
    return _emit(args, response, supervision.received_events(response))
