"""`tongban`: the command line of window clerks, county reviewers and inspectors (argparse
subcommands).

Output is readable Chinese; a failure is one or two sentences on stderr, never a traceback.
Exit codes: 0 done, 1 refused (or could not be done), 2 usage error.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import TypeAlias

from tongban_cli import catalogue_parser, commands, staff_parser, supervision_commands
from tongban_cli.argparse_zh import ArgumentParser
from tongban_cli.client import CliError
from tongban_cli.render.supervision import EVENT_TYPE_NAMES, short_type
from tongban_cli.specs import (
    ACCOUNTABILITY_OUTCOME_HELP,
    ACCOUNTABILITY_STATE_HELP,
    ALERT_STATE_HELP,
    CONDUCT_KIND_HELP,
    GROUPING_HELP,
    MATERIAL_SPEC_HELP,
    OUTCOME_HELP,
    PROCEDURE_HELP,
    RATING_HELP,
    SCOPE_HELP,
    SEVERITY_HELP,
    STATE_HELP,
    parse_accountability_outcome,
    parse_accountability_state,
    parse_alert_id,
    parse_alert_state,
    parse_conduct_kind,
    parse_date,
    parse_days,
    parse_event_type,
    parse_grouping,
    parse_hours,
    parse_material,
    parse_outcome,
    parse_page_size,
    parse_procedure,
    parse_rating,
    parse_scope,
    parse_severity,
    parse_state,
    parse_step_number,
)

Handler = Callable[[argparse.Namespace], int]
_Subparsers: TypeAlias = "argparse._SubParsersAction[ArgumentParser]"


def _global_options(*, top: bool) -> ArgumentParser:
    """Options accepted before or after the subcommand.

    The top-level copy holds the defaults; the subcommands' copies SUPPRESS theirs, so a value
    given before the subcommand is not overwritten by a default after it.
    """
    common = ArgumentParser(add_help=False)
    group = common.add_argument_group("全局选项")
    group.add_argument(
        "--gateway",
        default=None if top else argparse.SUPPRESS,
        help="网关地址（默认 $TONGBAN_GATEWAY，其次 make run 记下的地址，否则 127.0.0.1:50051）",
    )
    group.add_argument(
        "--token",
        default=None if top else argparse.SUPPRESS,
        help="访问令牌（默认 $TONGBAN_TOKEN）",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="以 protobuf JSON 输出应答（供脚本使用）",
    )
    return common


def _keyed_options() -> ArgumentParser:
    keyed = ArgumentParser(add_help=False)
    keyed.add_argument(
        "--request-id",
        help="重发之前结果未知的操作时使用同一请求编号，服务只办理一次",
    )
    return keyed


def _leaf(
    subparsers: _Subparsers,
    name: str,
    handler: Handler,
    help_text: str,
    parents: Sequence[ArgumentParser],
) -> ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text, parents=list(parents))
    # The command as typed (tongban review decide), for messages that name it.
    parser.set_defaults(handler=handler, command_line=parser.prog)
    return parser


def _add_local_run(sub: _Subparsers, common: ArgumentParser) -> None:
    for name, handler, text in (
        ("setup", commands.setup, "生成密钥、建立数据库并载入演示事项目录"),
        ("up", commands.up, "在本机启动全部服务和网关（Ctrl-C 停止）"),
    ):
        parser = _leaf(sub, name, handler, text, [common])
        parser.add_argument("--var", metavar="DIR", help="运行目录（默认 $TONGBAN_VAR_DIR 或 var）")
    token = _leaf(sub, "token", commands.token, "为演示用户签发访问令牌（供测试和本地脚本使用）", [common])
    token.add_argument("user_id", metavar="USER_ID", help="演示用户，见 tongban users")
    token.add_argument("--hours", type=parse_hours, help="有效时长（小时）")
    token.add_argument(
        "--var", metavar="DIR", help="运行目录（默认 $TONGBAN_VAR_DIR，其次 make run 记下的目录，否则 var）"
    )
    _leaf(sub, "users", commands.users, "列出演示用户及其角色和站点", [common])


def _add_catalog(sub: _Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser]) -> None:
    catalog = sub.add_parser(
        "catalog", help="事项目录", description="事项目录：事项、站点、部门；起草、发布、延伸、导入导出"
    )
    leaves = catalog.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = _leaf(leaves, "list", commands.catalog_list, "查询事项", [common])
    listing.add_argument("--keyword", help="按名称、编码或部门名称查找")
    listing.add_argument("--department", metavar="CODE", help="部门编码")
    listing.add_argument("--site", metavar="CODE", help="只列出该站点可受理的事项")
    _add_paging(listing)
    show = _leaf(leaves, "show", commands.catalog_show, "查看事项：材料、时限、收费、办理模式", [common])
    show.add_argument("code", metavar="CODE", help="事项编码")
    _leaf(leaves, "sites", commands.catalog_sites, "列出站点及其窗口", [common])
    _leaf(leaves, "departments", commands.catalog_departments, "列出部门", [common])
    catalogue_parser.add_admin(leaves, common, keyed, _leaf)


def _add_paging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--page-size", type=parse_page_size, metavar="N", help="每页条数（1–100，默认 20）")
    parser.add_argument("--page-token", metavar="T", help="上一页输出的翻页标记")


def _add_materials(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--material",
        type=parse_material,
        action="append",
        default=[],
        metavar="SPEC",
        help=f"收到的材料，可重复：{MATERIAL_SPEC_HELP}；形式为 original/copy/both",
    )
    parser.add_argument(
        "--condition",
        action="append",
        default=[],
        metavar="CODE",
        help="适用于该申请人的视情形材料编码，可重复",
    )
    parser.add_argument("--refuse-reason", metavar="R", help="不予受理的理由")
    parser.add_argument("--competent-agency", metavar="A", help="不予受理时，应向其申请的机关")


def _add_submit(leaves: _Subparsers, parents: Sequence[ArgumentParser]) -> None:
    submit = _leaf(leaves, "submit", commands.case_submit, "收件：登记申请并打印回执/告知单/通知书", parents)
    submit.add_argument("--matter", required=True, metavar="CODE", help="事项编码")
    submit.add_argument(
        "--window", metavar="W", help="受理窗口编码（默认 $TONGBAN_WINDOW，未设置时用令牌中您的窗口）"
    )
    who = submit.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", metavar="NAME", help="自然人申请人姓名")
    who.add_argument("--enterprise", metavar="NAME", help="企业（法人）名称")
    submit.add_argument("--id", metavar="ID", help="公民身份号码（自然人）")
    submit.add_argument("--credit-code", metavar="C", help="统一社会信用代码（企业）")
    submit.add_argument("--phone", metavar="P", help="联系电话")
    submit.add_argument("--address", metavar="A", help="联系地址")
    _add_materials(submit)


def _add_case(sub: _Subparsers, common: ArgumentParser) -> None:
    case = sub.add_parser("case", help="办件", description="办件：收件、补正、撤回、办结、出件、查询、打印")
    leaves = case.add_subparsers(dest="action", metavar="ACTION", required=True)
    keyed = [common, _keyed_options()]
    _add_submit(leaves, keyed)
    supplement = _leaf(
        leaves,
        "supplement",
        commands.case_supplement,
        "登记补交的材料：一次性告知后，或县级审查退回补正后（此时无需列出材料）",
        keyed,
    )
    supplement.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    _add_materials(supplement)
    supplement.add_argument("--new-fact", metavar="TEXT", help="需要再次告知的新情况（将报电子监察）")
    withdraw = _leaf(leaves, "withdraw", commands.case_withdraw, "申请人撤回申请", keyed)
    withdraw.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    withdraw.add_argument("--reason", required=True, metavar="R", help="撤回原因")
    complete = _leaf(leaves, "complete", commands.case_complete, "即办件当场办结", keyed)
    complete.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    complete.add_argument("--result", required=True, metavar="TEXT", help="办理结果，如证照编号")
    issue = _leaf(leaves, "issue", commands.case_issue, "出件：把办理结果交给申请人", keyed)
    issue.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    outcome = issue.add_mutually_exclusive_group()
    outcome.add_argument("--approved", action="store_true", help="准予（乡镇自办事项记录决定）")
    outcome.add_argument("--refused", action="store_true", help="不予")
    issue.add_argument("--result", required=True, metavar="TEXT", help="办理结果")
    issue.add_argument("--recipient", required=True, metavar="NAME", help="领取人姓名")
    show = _leaf(leaves, "show", commands.case_show, "查看办件：时限、待补材料、文书、追踪编号", [common])
    show.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    listing = _leaf(leaves, "list", commands.case_list, "查询本站点的办件（新的在前）", [common])
    listing.add_argument("--state", type=parse_state, metavar="S", help=f"状态：{STATE_HELP}")
    listing.add_argument("--matter", metavar="M", help="事项编码")
    listing.add_argument(
        "--from", dest="date_from", type=parse_date, metavar="D", help="收件日期起（YYYY-MM-DD）"
    )
    listing.add_argument(
        "--to", dest="date_to", type=parse_date, metavar="D", help="收件日期止（YYYY-MM-DD）"
    )
    listing.add_argument("--overdue", action="store_true", help="只看超期办件")
    listing.add_argument("--site", metavar="S", help="站点编码（审核、监察角色可查看其他站点）")
    _add_paging(listing)
    reprint = _leaf(leaves, "print", commands.case_print, "重新打印文书（与首次打印完全一致）", [common])
    reprint.add_argument("number", metavar="DOCUMENT_NO", help="文书编号")
    reprint.add_argument("--html", action="store_true", help="打印 HTML 版本")


def _case_and_step(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    parser.add_argument(
        "step", type=parse_step_number, metavar="STEP", help="环节号：tongban review show 中 # 后的数字，如 2"
    )


def _add_review(sub: _Subparsers, common: ArgumentParser) -> None:
    review = sub.add_parser(
        "review",
        help="县级审查",
        description="县级审查：待办、签收、改派、审查意见、退回补正、特殊环节、延期、决定、打印",
    )
    leaves = review.add_subparsers(dest="action", metavar="ACTION", required=True)
    keyed = [common, _keyed_options()]
    inbox = _leaf(leaves, "inbox", commands.review_inbox, "待办审查环节（剩余时限最少的在前）", [common])
    inbox.add_argument(
        "--scope",
        type=parse_scope,
        metavar="S",
        help=f"{SCOPE_HELP}（默认：我的和待签收）",
    )
    inbox.add_argument("--overdue", action="store_true", help="只看超期的")
    _add_paging(inbox)
    show = _leaf(
        leaves,
        "show",
        commands.review_show,
        "查看审查：时限、环节、暂停、延期、决定、文书、办理记录",
        [common],
    )
    show.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    claim = _leaf(leaves, "claim", commands.review_claim, "签收待签收的环节", keyed)
    _case_and_step(claim)
    reassign = _leaf(leaves, "reassign", commands.review_reassign, "把环节改派给同一窗口的同事", keyed)
    _case_and_step(reassign)
    reassign.add_argument("assignee", metavar="ASSIGNEE", help="改派给谁（用户编号，如 reviewer-ga-b）")
    reassign.add_argument("--reason", metavar="R", help="改派原因")
    approve = _leaf(leaves, "approve", commands.review_approve, "审查意见：同意", keyed)
    _case_and_step(approve)
    approve.add_argument("--opinion", metavar="TEXT", help="审查意见")
    refuse = _leaf(leaves, "refuse", commands.review_refuse, "审查意见：不同意（须写明理由）", keyed)
    _case_and_step(refuse)
    refuse.add_argument("--opinion", required=True, metavar="TEXT", help="不同意的理由")
    send_back = _leaf(
        leaves, "send-back", commands.review_send_back, "退回受理窗口补正（每件一次，计时暂停）", keyed
    )
    _case_and_step(send_back)
    send_back.add_argument(
        "--item", action="append", required=True, metavar="TEXT", help="需补正的材料或内容，可重复，一次列全"
    )
    send_back.add_argument("--reason", required=True, metavar="R", help="退回理由")
    pause = _leaf(leaves, "pause", commands.review_pause, "启动特殊环节（不计入时限）并打印告知书", keyed)
    pause.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    pause.add_argument(
        "--procedure",
        type=parse_procedure,
        required=True,
        metavar="P",
        help=PROCEDURE_HELP,
    )
    pause.add_argument("--reason", required=True, metavar="R", help="事由（写入告知书）")
    pause.add_argument("--days", type=parse_days, required=True, metavar="N", help="预计所需工作日")
    resume = _leaf(leaves, "resume", commands.review_resume, "结束特殊环节，恢复计时", keyed)
    resume.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    extend = _leaf(
        leaves, "extend", commands.review_extend, "延长审查时限（每件一次）并打印延期告知书", keyed
    )
    extend.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    extend.add_argument("--approver", required=True, metavar="NAME", help="批准延期的负责人")
    extend.add_argument("--reason", required=True, metavar="R", help="延期理由（写入告知书）")
    decide = _leaf(leaves, "decide", commands.review_decide, "作出准予或不予许可决定并打印决定书", keyed)
    decide.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    decide.add_argument("outcome", type=parse_outcome, metavar="grant|refuse", help=OUTCOME_HELP)
    decide.add_argument("--reasons", metavar="TEXT", help="理由（不予许可时必填，写入决定书）")
    reprint = _leaf(leaves, "print", commands.review_print, "打印审查文书：告知书、决定书", [common])
    reprint.add_argument("number", metavar="DOCUMENT_NO", help="文书编号")


def _add_supervision(sub: _Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser]) -> None:
    supervision = sub.add_parser(
        "supervision",
        help="电子监察",
        description="电子监察：预警、签收、监察记录校验、监察规则，以及各服务报送的事件",
    )
    leaves = supervision.add_subparsers(dest="action", metavar="ACTION", required=True)
    events = _leaf(
        leaves, "events", commands.supervision_events, "电子监察收到的事件（先收到的在前）", [common]
    )
    events.formatter_class = argparse.RawDescriptionHelpFormatter
    events.epilog = "事件类型：\n" + "\n".join(
        f"  {short_type(event_type):<26}{label}" for event_type, label in EVENT_TYPE_NAMES.items()
    )
    events.add_argument("--case", dest="case_no", metavar="CASE_NO", help="只看该办件的事件")
    events.add_argument(
        "--type",
        dest="event_type",
        type=parse_event_type,
        metavar="EVENT_TYPE",
        help="只看该类型的事件：中文名称如 受理，或类型名如 CaseAccepted（全部类型见下）",
    )
    events.add_argument(
        "--source", metavar="SERVICE", help="只看该服务报送的事件，如 acceptance（受理）、approval（审批）"
    )
    _add_paging(events)
    _add_alerts(leaves, common, keyed)


def _add_alerts(leaves: _Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser]) -> None:
    alerts = _leaf(leaves, "alerts", supervision_commands.alerts, "监察预警（新的在前）", [common])
    for option, dest, text in (
        ("--site", "site", "站点编码"),
        ("--department", "department", "部门编码，如 NJ"),
        ("--window", "window", "窗口编码"),
        ("--person", "person", "人员编号"),
        ("--rule", "rule", "规则名，如 time_limit（tongban supervision rules 列出全部）"),
        ("--case", "case_no", "办件编号"),
    ):
        alerts.add_argument(option, dest=dest, metavar="VALUE", help=f"只看：{text}")
    alerts.add_argument(
        "--severity", type=parse_severity, metavar="LEVEL", help=f"只看该级别：{SEVERITY_HELP}"
    )
    alerts.add_argument(
        "--state", type=parse_alert_state, metavar="STATE", help=f"只看该状态：{ALERT_STATE_HELP}"
    )
    _add_paging(alerts)
    ack = _leaf(leaves, "ack", supervision_commands.acknowledge, "签收预警（记入监察记录）", keyed)
    ack.add_argument("alert_id", type=parse_alert_id, metavar="ALERT_ID", help="预警编号")
    ack.add_argument("--note", metavar="TEXT", help="签收意见，如 已电话督办")
    _leaf(leaves, "verify", supervision_commands.verify, "校验监察记录：有无改动、删除、插入或调序", [common])
    _leaf(leaves, "rules", supervision_commands.rules, "本系统启用的监察规则及其参数", [common])
    _leaf(leaves, "sweep", supervision_commands.sweep, "立即巡检：对今天到期的办件运行监察规则", [common])
    conduct = _leaf(
        leaves, "conduct", supervision_commands.conduct, "记录窗口人员违反行为规范（扣分）", keyed
    )
    conduct.add_argument("--person", required=True, metavar="USER_ID", help="人员编号")
    conduct.add_argument("--window", required=True, metavar="CODE", help="窗口编码")
    conduct.add_argument(
        "--kind", required=True, type=parse_conduct_kind, metavar="KIND", help=f"类型：{CONDUCT_KIND_HELP}"
    )
    conduct.add_argument("--note", metavar="TEXT", help="情况说明")
    stats = _leaf(
        leaves, "stats", supervision_commands.statistics, "办件统计（月通报）：按窗口、部门或站点", [common]
    )
    stats.add_argument(
        "--from", dest="from_date", required=True, type=parse_date, metavar="YYYY-MM-DD", help="起始日期"
    )
    stats.add_argument(
        "--to", dest="to_date", required=True, type=parse_date, metavar="YYYY-MM-DD", help="截止日期（含）"
    )
    stats.add_argument(
        "--by",
        dest="group_by",
        type=parse_grouping,
        metavar="UNIT",
        help=f"统计口径：{GROUPING_HELP}（默认窗口）",
    )
    stats.add_argument("--site", metavar="CODE", help="只统计该站点")
    stats.add_argument("--csv", action="store_true", help="以 CSV 输出（可用电子表格打开）")


def _add_feedback(sub: _Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser]) -> None:
    run = supervision_commands
    rating = sub.add_parser("rating", help="好差评", description="好差评：窗口评价、事后评价、差评整改")
    leaves = rating.add_subparsers(dest="action", metavar="ACTION", required=True)
    give = _leaf(leaves, "give", run.rating_give, "窗口评价器：申请人为办件评价（每件一次）", keyed)
    by_link = _leaf(leaves, "by-link", run.rating_by_link, "事后评价：申请人凭评价码评价（无需登录）", keyed)
    for parser in (give, by_link):
        parser.add_argument("case_no", metavar="CASE_NO", help="办件编号")
        parser.add_argument(
            "--rating", required=True, type=parse_rating, metavar="GRADE", help=f"评价：{RATING_HELP}"
        )
        parser.add_argument("--comment", metavar="TEXT", help="评价意见")
    by_link.add_argument("--code", required=True, metavar="CODE", help="窗口交给申请人的评价码")
    link = _leaf(leaves, "link", run.rating_link, "办件的评价码（交申请人事后评价）", [common])
    link.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    rectify = _leaf(leaves, "rectify", run.rating_rectify, "登记差评的核实整改情况", keyed)
    rectify.add_argument("review_id", type=parse_alert_id, metavar="REVIEW_ID", help="评价编号")
    rectify.add_argument("--text", required=True, metavar="TEXT", help="整改情况")
    listing = _leaf(leaves, "list", run.rating_list, "评价（新的在前）", [common])
    listing.add_argument("--site", metavar="CODE", help="站点编码")
    listing.add_argument("--bad", action="store_true", help="只看差评")
    _add_paging(listing)
    complaint = sub.add_parser("complaint", help="投诉", description="投诉：登记，限期受理或不予受理")
    leaves = complaint.add_subparsers(dest="action", metavar="ACTION", required=True)
    register = _leaf(leaves, "register", run.complaint_register, "登记关于办件的投诉", keyed)
    register.add_argument("case_no", metavar="CASE_NO", help="办件编号")
    register.add_argument("--content", required=True, metavar="TEXT", help="投诉内容")
    answer = _leaf(leaves, "answer", run.complaint_answer, "受理或不予受理投诉", keyed)
    answer.add_argument("complaint_id", type=parse_alert_id, metavar="COMPLAINT_ID", help="投诉编号")
    decision = answer.add_mutually_exclusive_group(required=True)
    decision.add_argument("--accept", action="store_true", help="受理")
    decision.add_argument("--refuse", dest="accept", action="store_false", help="不予受理")
    answer.add_argument("--answer", required=True, metavar="TEXT", help="处理意见")


def _add_accountability(sub: _Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser]) -> None:
    run = supervision_commands
    group = sub.add_parser(
        "accountability", help="问责", description="问责案件：立案、要求书面说明、登记说明、决定、结案"
    )
    leaves = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    opened = _leaf(leaves, "open", run.accountability_open, "由预警立案（同一部门的一条或多条预警）", keyed)
    opened.add_argument(
        "--alert", dest="alert_ids", action="append", type=parse_alert_id, required=True, metavar="ALERT_ID",
        help="预警编号（可重复）",
    )  # fmt: skip
    opened.add_argument("--person", metavar="USER_ID", help="被问责人员（不写则针对部门）")
    opened.add_argument("--reason", required=True, metavar="TEXT", help="立案事由")
    ask = _leaf(leaves, "ask", run.accountability_ask, "要求部门在期限前书面说明", keyed)
    ask.add_argument("case_id", type=parse_alert_id, metavar="CASE_ID", help="问责案件编号")
    ask.add_argument("--question", required=True, metavar="TEXT", help="需说明的事项")
    ask.add_argument("--due", required=True, type=parse_date, metavar="YYYY-MM-DD", help="说明期限")
    explain = _leaf(leaves, "explain", run.accountability_explain, "登记部门的书面说明", keyed)
    explain.add_argument("case_id", type=parse_alert_id, metavar="CASE_ID", help="问责案件编号")
    explain.add_argument("--text", required=True, metavar="TEXT", help="书面说明内容")
    decide = _leaf(
        leaves, "decide", run.accountability_decide, "作出处理决定（记入监察记录，不可更改）", keyed
    )
    decide.add_argument("case_id", type=parse_alert_id, metavar="CASE_ID", help="问责案件编号")
    decide.add_argument(
        "--outcome", required=True, type=parse_accountability_outcome, metavar="OUTCOME",
        help=f"处理决定：{ACCOUNTABILITY_OUTCOME_HELP}",
    )  # fmt: skip
    decide.add_argument("--points", type=int, metavar="N", help="扣分（仅扣分决定）")
    decide.add_argument("--reasons", required=True, metavar="TEXT", help="决定理由")
    close = _leaf(leaves, "close", run.accountability_close, "结案", keyed)
    close.add_argument("case_id", type=parse_alert_id, metavar="CASE_ID", help="问责案件编号")
    show = _leaf(leaves, "show", run.accountability_show, "查看问责案件及其每一步", [common])
    show.add_argument("case_id", type=parse_alert_id, metavar="CASE_ID", help="问责案件编号")
    listing = _leaf(leaves, "list", run.accountability_list, "问责案件（新的在前）", [common])
    listing.add_argument(
        "--state", type=parse_accountability_state, metavar="STATE", help=f"状态：{ACCOUNTABILITY_STATE_HELP}"
    )
    listing.add_argument("--department", metavar="CODE", help="部门编码")
    _add_paging(listing)


def build_parser() -> ArgumentParser:
    common = _global_options(top=False)
    parser = ArgumentParser(
        prog="tongban",
        description="通办：县乡政务服务窗口的命令行工具",
        epilog="先登录：tongban login clerk-gaogou（演示账号的密码见 README）\n"
        "测试和脚本可用演示令牌：export TONGBAN_TOKEN=$(tongban token clerk-gaogou)\n"
        "县级审核人员如 reviewer-nj，监察人员如 inspector-county，管理员 admin-county",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_global_options(top=True)],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    keyed = [common, _keyed_options()]
    staff_parser.add_sign_in(sub, common, _leaf)
    _add_local_run(sub, common)
    _add_catalog(sub, common, keyed)
    _add_case(sub, common)
    _add_review(sub, common)
    _add_supervision(sub, common, keyed)
    _add_accountability(sub, common, keyed)
    _add_feedback(sub, common, keyed)
    staff_parser.add_org(sub, common, keyed, _leaf)
    staff_parser.add_account(sub, common, keyed, _leaf)
    staff_parser.add_leave(sub, common, keyed, _leaf)
    staff_parser.add_calendar(sub, common, keyed, _leaf)
    staff_parser.add_attendance(sub, common, keyed, _leaf)
    staff_parser.add_assessment(sub, common, keyed, _leaf)
    staff_parser.add_rotation(sub, common, keyed, _leaf)
    return parser


def _utf8_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and (stream.encoding or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8", errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_output()
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except CliError as error:
        print(error.message, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("\n已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away; nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except ImportError as error:
        print(
            f"缺少模块 {error.name}：请确认已安装 tongban（pip install -e .）并已生成契约代码。",
            file=sys.stderr,
        )
        return 1
    except Exception as error:
        if os.environ.get("TONGBAN_DEBUG"):
            raise
        print(
            f"出现意外错误（{type(error).__name__}）。设置 TONGBAN_DEBUG=1 后重试可查看详细信息。",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
