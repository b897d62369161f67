"""What the inspectors' supervision subcommands do: alerts, acknowledging one, the record's
verification, the rules loaded, and accountability cases (`tongban supervision events` is in
commands.py)."""

from __future__ import annotations

import argparse
from typing import Any

from google.protobuf.message import Message
from tongban.supervision.v1 import supervision_pb2 as S

from tongban_cli import commands, local
from tongban_cli.client import (
    ACKNOWLEDGE_ALERT,
    ANSWER_COMPLAINT,
    CLOSE_ACCOUNTABILITY_CASE,
    DECIDE_ACCOUNTABILITY_CASE,
    GET_ACCOUNTABILITY_CASE,
    GET_REVIEW_LINK,
    GET_STATISTICS,
    LIST_ACCOUNTABILITY_CASES,
    LIST_ALERTS,
    LIST_REVIEWS,
    LIST_RULES,
    OPEN_ACCOUNTABILITY_CASE,
    RECORD_CONDUCT_VIOLATION,
    RECORD_EXPLANATION,
    RECORD_RECTIFICATION,
    REGISTER_COMPLAINT,
    REQUEST_EXPLANATION,
    RUN_SWEEP,
    SUBMIT_REVIEW,
    SUBMIT_REVIEW_BY_LINK,
    VERIFY_RECORD,
    Gateway,
    Rpc,
)
from tongban_cli.render import supervision as render


def alerts(args: argparse.Namespace) -> int:
    text = commands._filter_text
    request = S.ListAlertsRequest(
        site_code=text(args.site, "--site"),
        department_code=text(args.department, "--department"),
        window_code=text(args.window, "--window"),
        user_id=text(args.person, "--person"),
        rule=text(args.rule, "--rule"),
        severity=args.severity or S.ALERT_SEVERITY_UNSPECIFIED,
        state=args.state or S.ALERT_STATE_UNSPECIFIED,
        case_no=text(args.case_no, "--case"),
        page_size=args.page_size or 0,
        page_token=args.page_token or "",
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_ALERTS, request)
    return commands._emit(args, response, render.alerts(response))


def acknowledge(args: argparse.Namespace) -> int:
    request = S.AcknowledgeAlertRequest(alert_id=args.alert_id, note=args.note or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(ACKNOWLEDGE_ALERT, request)
    return commands._emit(args, response, render.acknowledged(response.alert))


def verify(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(VERIFY_RECORD, S.VerifyRecordRequest())
    commands._emit(args, response, render.verification(response))
    # A script checking the record fails when it was tampered with.
    return 0 if response.intact else 1


def rules(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_RULES, S.ListRulesRequest())
    return commands._emit(args, response, render.rules(response))


# --- accountability cases ---------------------------------------------------------------------


def _case_step(args: argparse.Namespace, rpc: Rpc[Any], request: Message, done: str) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(rpc, request)
    case = response.accountability_case
    return commands._emit(args, response, f"{done}\n{render.accountability_case(case)}")


def accountability_open(args: argparse.Namespace) -> int:
    request = S.OpenAccountabilityCaseRequest(
        alert_ids=args.alert_ids, user_id=args.person or "", reason=args.reason
    )
    return _case_step(args, OPEN_ACCOUNTABILITY_CASE, request, "已立案。")


def accountability_ask(args: argparse.Namespace) -> int:
    request = S.RequestExplanationRequest(case_id=args.case_id, question=args.question, due_date=args.due)
    return _case_step(args, REQUEST_EXPLANATION, request, "已要求部门书面说明。")


def accountability_explain(args: argparse.Namespace) -> int:
    request = S.RecordExplanationRequest(case_id=args.case_id, explanation=args.text)
    return _case_step(args, RECORD_EXPLANATION, request, "已登记书面说明。")


def accountability_decide(args: argparse.Namespace) -> int:
    request = S.DecideAccountabilityCaseRequest(
        case_id=args.case_id, outcome=args.outcome, points=args.points or 0, reasons=args.reasons
    )
    return _case_step(args, DECIDE_ACCOUNTABILITY_CASE, request, "已作出处理决定，记入监察记录，不可更改。")


def accountability_close(args: argparse.Namespace) -> int:
    return _case_step(
        args, CLOSE_ACCOUNTABILITY_CASE, S.CloseAccountabilityCaseRequest(case_id=args.case_id), "已结案。"
    )


def accountability_show(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(GET_ACCOUNTABILITY_CASE, S.GetAccountabilityCaseRequest(case_id=args.case_id))
    return commands._emit(args, response, render.accountability_case(response.accountability_case))


def accountability_list(args: argparse.Namespace) -> int:
    request = S.ListAccountabilityCasesRequest(
        state=args.state or S.ACCOUNTABILITY_STATE_UNSPECIFIED,
        department_code=commands._filter_text(args.department, "--department"),
        page_size=args.page_size or 0,
        page_token=args.page_token or "",
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_ACCOUNTABILITY_CASES, request)
    return commands._emit(args, response, render.accountability_cases(response))


def statistics(args: argparse.Namespace) -> int:
    request = S.GetStatisticsRequest(
        from_date=args.from_date,
        to_date=args.to_date,
        group_by=args.group_by or S.STATISTICS_GROUPING_WINDOW,
        site_code=commands._filter_text(args.site, "--site"),
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(GET_STATISTICS, request)
    text = render.statistics_csv(response) if args.csv else render.statistics(response)
    return commands._emit(args, response, text)


# --- reviews and complaints --------------------------------------------------------------------


def rating_give(args: argparse.Namespace) -> int:
    request = S.SubmitReviewRequest(case_no=args.case_no, rating=args.rating, comment=args.comment or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(SUBMIT_REVIEW, request)
    return commands._emit(args, response, "已记录评价。\n" + render.review(response.review))


def rating_by_link(args: argparse.Namespace) -> int:
    request = S.SubmitReviewByLinkRequest(
        case_no=args.case_no,
        link_code=args.code.strip().upper(),
        rating=args.rating,
        comment=args.comment or "",
    )
    # The applicant has no account: the gateway takes this call without a token.
    with Gateway(
        local.gateway(args.gateway), "", request_id=args.request_id, command=args.command_line
    ) as gateway:
        response = gateway.call(SUBMIT_REVIEW_BY_LINK, request)
    return commands._emit(args, response, "谢谢您的评价。\n" + render.review(response.review))


def rating_link(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(GET_REVIEW_LINK, S.GetReviewLinkRequest(case_no=args.case_no))
    text = f"办件 {response.case_no} 的评价码：{response.link_code}（请交申请人，事后评价时使用）"
    return commands._emit(args, response, text)


def rating_rectify(args: argparse.Namespace) -> int:
    request = S.RecordRectificationRequest(review_id=args.review_id, rectification=args.text)
    with commands._gateway(args) as gateway:
        response = gateway.call(RECORD_RECTIFICATION, request)
    return commands._emit(args, response, "已登记整改情况。\n" + render.review(response.review))


def rating_list(args: argparse.Namespace) -> int:
    request = S.ListReviewsRequest(
        site_code=commands._filter_text(args.site, "--site"),
        bad_only=args.bad,
        page_size=args.page_size or 0,
        page_token=args.page_token or "",
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_REVIEWS, request)
    return commands._emit(args, response, render.reviews(response))


def complaint_register(args: argparse.Namespace) -> int:
    request = S.RegisterComplaintRequest(case_no=args.case_no, content=args.content)
    with commands._gateway(args) as gateway:
        response = gateway.call(REGISTER_COMPLAINT, request)
    return commands._emit(args, response, "已登记投诉。\n" + render.complaint(response.complaint))


def complaint_answer(args: argparse.Namespace) -> int:
    request = S.AnswerComplaintRequest(complaint_id=args.complaint_id, accept=args.accept, answer=args.answer)
    with commands._gateway(args) as gateway:
        response = gateway.call(ANSWER_COMPLAINT, request)
    return commands._emit(args, response, "已处理投诉。\n" + render.complaint(response.complaint))


def conduct(args: argparse.Namespace) -> int:
    request = S.RecordConductViolationRequest(
        user_id=args.person, window_code=args.window, kind=args.kind, note=args.note or ""
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(RECORD_CONDUCT_VIOLATION, request)
    return commands._emit(
        args, response, "已记录违规行为。\n" + render.alerts(S.ListAlertsResponse(alerts=response.alerts))
    )


def sweep(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(RUN_SWEEP, S.RunSweepRequest())
    text = f"巡检完成：检查到期办件 {response.cases_checked} 件，新增预警 {response.alerts_raised} 条。"
    return commands._emit(args, response, text)
