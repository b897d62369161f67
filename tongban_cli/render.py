"""Text for the window clerk, the county reviewer and the inspector, in Chinese: matters, sites,
departments, cases, county reviews, inboxes, documents and the events supervision received."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import TypeVar

from google.protobuf import symbol_database, timestamp_pb2
from google.protobuf.message import Message
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.approval.v1 import approval_pb2
from tongban.events.v1 import event_pb2
from tongban.supervision.v1 import supervision_pb2

from services.common import routing

_K = TypeVar("_K", bound=int)

# China Standard Time has no daylight saving time.
CHINA_TIME = timezone(timedelta(hours=8), "CST")

CASE_STATE_NAMES = {
    acceptance_pb2.CASE_STATE_RECEIVED: "收件",
    acceptance_pb2.CASE_STATE_SUPPLEMENT_REQUESTED: "待补正(一次性告知)",
    acceptance_pb2.CASE_STATE_NOT_ACCEPTED: "不予受理",
    acceptance_pb2.CASE_STATE_ACCEPTED: "已受理",
    acceptance_pb2.CASE_STATE_DECIDED: "已决定",
    acceptance_pb2.CASE_STATE_COMPLETED: "已办结",
    acceptance_pb2.CASE_STATE_RESULT_ISSUED: "已出件",
    acceptance_pb2.CASE_STATE_WITHDRAWN: "已撤回",
    acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT: "县级审查退回补正",
}
HANDLING_TYPE_NAMES = {
    catalog_pb2.HANDLING_TYPE_INSTANT: "即办件",
    catalog_pb2.HANDLING_TYPE_PROMISED: "承诺件",
}
SERVICE_MODE_NAMES = {
    catalog_pb2.SERVICE_MODE_LOCAL: "本级办理",
    catalog_pb2.SERVICE_MODE_JOINT: "县乡同办",
    catalog_pb2.SERVICE_MODE_COUNTY_WIDE: "县域通办",
}
DECIDING_LEVEL_NAMES = {
    catalog_pb2.DECIDING_LEVEL_TOWNSHIP: "乡镇自办",
    catalog_pb2.DECIDING_LEVEL_COUNTY: "县级部门审批",
}
SITE_LEVEL_NAMES = {
    catalog_pb2.SITE_LEVEL_COUNTY: "县政务服务中心",
    catalog_pb2.SITE_LEVEL_TOWNSHIP: "乡镇(园区)分中心",
    catalog_pb2.SITE_LEVEL_VILLAGE: "村(社区)便民服务站",
}
MATTER_KIND_NAMES = {
    catalog_pb2.MATTER_KIND_LICENCE: "行政许可",
    catalog_pb2.MATTER_KIND_PUBLIC_SERVICE: "公共服务",
    catalog_pb2.MATTER_KIND_OTHER: "其他行政权力",
}
MATERIAL_FORM_NAMES = {
    catalog_pb2.MATERIAL_FORM_ORIGINAL: "原件",
    catalog_pb2.MATERIAL_FORM_COPY: "复印件",
    catalog_pb2.MATERIAL_FORM_ORIGINAL_AND_COPY: "原件及复印件",
}
SPECIAL_PROCEDURE_NAMES = {
    catalog_pb2.SPECIAL_PROCEDURE_HEARING: "听证",
    catalog_pb2.SPECIAL_PROCEDURE_SITE_INSPECTION: "现场踏勘",
    catalog_pb2.SPECIAL_PROCEDURE_PUBLIC_NOTICE: "公告公示",
    catalog_pb2.SPECIAL_PROCEDURE_EXPERT_REVIEW: "专家评审",
    catalog_pb2.SPECIAL_PROCEDURE_TESTING: "检验检测",
}
DOCUMENT_KIND_NAMES = {
    acceptance_pb2.DOCUMENT_KIND_ACCEPTANCE_RECEIPT: "受理回执",
    acceptance_pb2.DOCUMENT_KIND_ONE_TIME_NOTICE: "一次性告知单",
    acceptance_pb2.DOCUMENT_KIND_NON_ACCEPTANCE_NOTICE: "不予受理通知书",
}
ISSUE_KIND_NAMES = {
    acceptance_pb2.ISSUE_KIND_MISSING: "缺少",
    acceptance_pb2.ISSUE_KIND_DEFECTIVE: "不符合要求",
}
OUTCOME_NAMES = {
    acceptance_pb2.OUTCOME_APPROVED: "准予",
    acceptance_pb2.OUTCOME_REFUSED: "不予",
}
APPLICANT_KIND_NAMES = {
    acceptance_pb2.APPLICANT_KIND_PERSON: "自然人",
    acceptance_pb2.APPLICANT_KIND_ENTERPRISE: "法人/企业",
}
REVIEW_STATE_NAMES = {
    approval_pb2.REVIEW_STATE_IN_REVIEW: "审查中",
    approval_pb2.REVIEW_STATE_SENT_BACK: "退回补正中",
    approval_pb2.REVIEW_STATE_DECIDED: "已决定",
    approval_pb2.REVIEW_STATE_WITHDRAWN: "已撤回",
}
STEP_KIND_NAMES = {
    catalog_pb2.STEP_KIND_INITIAL_REVIEW: "初审",
    catalog_pb2.STEP_KIND_REVIEW: "审核",
    catalog_pb2.STEP_KIND_PARALLEL_REVIEW: "并联审核",
    catalog_pb2.STEP_KIND_DECISION: "决定",
}
STEP_STATE_NAMES = {
    approval_pb2.STEP_STATE_WAITING: "待办",
    approval_pb2.STEP_STATE_ACTIVE: "办理中",
    approval_pb2.STEP_STATE_DONE: "已办结",
    approval_pb2.STEP_STATE_SKIPPED: "跳过",
    approval_pb2.STEP_STATE_CANCELLED: "已取消",
}
VERDICT_NAMES = {
    approval_pb2.VERDICT_APPROVE: "同意",
    approval_pb2.VERDICT_REFUSE: "不同意",
}
DECISION_OUTCOME_NAMES = {
    approval_pb2.DECISION_OUTCOME_GRANTED: "准予许可",
    approval_pb2.DECISION_OUTCOME_REFUSED: "不予许可",
}
PAUSE_KIND_NAMES = {
    approval_pb2.PAUSE_KIND_SPECIAL_PROCEDURE: "特殊环节",
    approval_pb2.PAUSE_KIND_SUPPLEMENT: "退回补正",
}
REVIEW_DOCUMENT_KIND_NAMES = {
    approval_pb2.REVIEW_DOCUMENT_KIND_SPECIAL_PROCEDURE_NOTICE: "特殊环节告知书",
    approval_pb2.REVIEW_DOCUMENT_KIND_EXTENSION_NOTICE: "延期告知书",
    approval_pb2.REVIEW_DOCUMENT_KIND_GRANT_DECISION: "准予许可决定书",
    approval_pb2.REVIEW_DOCUMENT_KIND_REFUSAL_DECISION: "不予许可决定书",
}
INBOX_SCOPE_NAMES = {
    approval_pb2.INBOX_SCOPE_MINE: "我的",
    approval_pb2.INBOX_SCOPE_UNASSIGNED: "待签收",
    approval_pb2.INBOX_SCOPE_DEPARTMENT: "本部门",
}
# The approval service's activity log actions (services/approval: log_activity).
ACTIVITY_NAMES = {
    "opened": "开始审查",
    "claimed": "签收",
    "reassigned": "改派",
    "answered": "提交审查意见",
    "sent_back": "退回补正",
    "supplemented": "补正后恢复审查",
    "procedure_started": "启动特殊环节",
    "procedure_ended": "结束特殊环节",
    "extended": "延长时限",
    "decided": "作出决定",
    "withdrawn": "申请人撤回",
}
_SYSTEM_ACTOR = "system"
# States in which the promised clock is still running.
_CLOCK_RUNNING = (acceptance_pb2.CASE_STATE_ACCEPTED, acceptance_pb2.CASE_STATE_DECIDED)


def _name(names: Mapping[_K, str], value: _K) -> str:
    return names.get(value, "未知" if value else "未填")


def yuan(amount_fen: int) -> str:
    return f"{amount_fen // 100}.{amount_fen % 100:02d} 元"


def local_time(stamp: timestamp_pb2.Timestamp) -> str:
    if not stamp.seconds and not stamp.nanos:
        return ""
    moment = datetime.fromtimestamp(stamp.seconds, UTC).astimezone(CHINA_TIME)
    return f"{moment:%Y-%m-%d %H:%M}"


def limit_text(matter: catalog_pb2.Matter) -> str:
    if matter.handling_type == catalog_pb2.HANDLING_TYPE_INSTANT:
        return "即办，当场办结"
    return f"承诺 {matter.promised_limit_days} 个工作日（法定 {matter.legal_limit_days} 个工作日）"


# --- catalogue --------------------------------------------------------------------------------


def matter_line(matter: catalog_pb2.Matter) -> str:
    handling = _name(HANDLING_TYPE_NAMES, matter.handling_type)
    if matter.handling_type == catalog_pb2.HANDLING_TYPE_PROMISED:
        handling += f" {matter.promised_limit_days}个工作日"
    mode = _name(SERVICE_MODE_NAMES, matter.service_mode)
    return f"{matter.code}  {matter.name}  [{matter.department_name}] {handling} {mode}"


def matter_list(response: catalog_pb2.ListMattersResponse) -> str:
    if not response.matters:
        return "没有符合条件的事项。"
    lines = [matter_line(m) for m in response.matters]
    lines.append(f"共 {response.total_size} 项，本页 {len(response.matters)} 项。")
    if response.next_page_token:
        lines.append(f"下一页：加上 --page-token {response.next_page_token}")
    return "\n".join(lines)


def material_line(material: catalog_pb2.Material) -> str:
    if material.requirement == catalog_pb2.MATERIAL_REQUIREMENT_CONDITIONAL:
        need = f"视情形提交（{material.condition}）" if material.condition else "视情形提交"
    else:
        need = "必要"
    form = _name(MATERIAL_FORM_NAMES, material.form)
    return f"  {material.code}  {material.name}  {need}  {form} {material.copies} 份"


def matter_detail(matter: catalog_pb2.Matter) -> str:
    levels = "、".join(_name(SITE_LEVEL_NAMES, lv) for lv in matter.accepting_levels) or "未填"
    lines = [
        f"{matter.name}（{matter.code}）",
        f"实施部门：{matter.department_name}（{matter.department_code}）",
        f"事项类型：{_name(MATTER_KIND_NAMES, matter.kind)}  "
        f"办件类型：{_name(HANDLING_TYPE_NAMES, matter.handling_type)}",
        f"办理时限：{limit_text(matter)}",
        f"办理模式：{_name(SERVICE_MODE_NAMES, matter.service_mode)}  "
        f"审批层级：{_name(DECIDING_LEVEL_NAMES, matter.deciding_level)}",
        f"可受理站点：{levels}",
        "申请材料：" if matter.materials else "申请材料：无",
        *(material_line(m) for m in matter.materials),
    ]
    if matter.fees:
        lines.append("收费：")
        lines += [f"  {fee.name}  {yuan(fee.amount_fen)}  依据：{fee.basis}" for fee in matter.fees]
    else:
        lines.append("收费：不收费")
    if matter.special_procedures:
        names = "、".join(_name(SPECIAL_PROCEDURE_NAMES, p) for p in matter.special_procedures)
        lines.append(f"特殊环节（不计入时限）：{names}")
    if matter.legal_basis:
        lines.append(f"设定依据：{matter.legal_basis}")
    return "\n".join(lines)


def site_list(sites: Iterable[catalog_pb2.Site]) -> str:
    lines: list[str] = []
    for site in sites:
        parent = f"，上级 {site.parent_code}" if site.parent_code else ""
        lines.append(f"{site.code}  {site.name}（{_name(SITE_LEVEL_NAMES, site.level)}{parent}）")
        for window in site.windows:
            kind = f"专业窗口 {window.department_code}" if window.department_code else "综合窗口"
            lines.append(f"    窗口 {window.code}  {window.name}（{kind}）")
    return "\n".join(lines) or "没有站点。"


def department_list(departments: Iterable[catalog_pb2.Department]) -> str:
    lines = [f"{d.code}  {d.name}  {d.matter_count} 项事项" for d in departments]
    return "\n".join(lines) or "没有部门。"


# --- cases ------------------------------------------------------------------------------------


def _county_reviewing(case: acceptance_pb2.Case) -> bool:
    """The county is reviewing: its clock (pauses, extension) is in `tongban review show`."""
    return case.deciding_level == catalog_pb2.DECIDING_LEVEL_COUNTY and case.state in (
        acceptance_pb2.CASE_STATE_ACCEPTED,
        acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT,
    )


def _days_left_text(days_left: int, overdue: bool) -> str:
    if overdue:
        return f"超期 {abs(days_left)} 个工作日"
    if days_left == 0:
        return "今天到期"
    return f"剩余 {days_left} 个工作日"


def clock_text(case: acceptance_pb2.Case) -> str:
    """Promised date, working days left, 超期 when overdue; empty when there is no clock.

    A county-decided case counts down at the county while it is reviewed (the window's count is
    0 then), and from the decision on towards the issue deadline (see `issue_clock_text`).
    """
    if case.handling_type == catalog_pb2.HANDLING_TYPE_INSTANT:
        return "即办件，当场办结"
    if not case.promised_date:
        return ""
    text = f"承诺办结日期 {case.promised_date}（{case.promised_limit_days} 个工作日）"
    if _county_reviewing(case):
        paused = "，计时暂停" if case.state == acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT else ""
        return f"{text}，县级部门审查中{paused}（审查时限见 tongban review show {case.case_no}）"
    if case.issue_due_on:
        return text
    if case.overdue:
        return f"{text}，{_days_left_text(case.working_days_left, True)}"
    if case.state in _CLOCK_RUNNING:
        return f"{text}，{_days_left_text(case.working_days_left, False)}"
    return text


def issue_clock_text(case: acceptance_pb2.Case) -> str:
    """Art. 44: the result is issued within 10 working days of the county's decision."""
    if not case.issue_due_on:
        return ""
    text = f"{case.issue_due_on}（决定后 10 个工作日内出件）"
    if case.state == acceptance_pb2.CASE_STATE_DECIDED:
        return f"{text}，{_days_left_text(case.working_days_left, case.overdue)}"
    return text


def applicant_text(applicant: acceptance_pb2.Applicant) -> str:
    parts = [applicant.name, applicant.id_number, applicant.phone, applicant.address]
    kind = APPLICANT_KIND_NAMES.get(applicant.kind, "")
    body = "  ".join(p for p in parts if p)
    return f"{body}（{kind}）" if kind else body


def issue_line(issue: acceptance_pb2.MaterialIssue) -> str:
    kind = _name(ISSUE_KIND_NAMES, issue.kind)
    if issue.detail.startswith(kind):  # e.g. "缺少, 需原件1份" already says what is wrong
        return f"  - {issue.material_code} {issue.material_name} {issue.detail}"
    detail = f"：{issue.detail}" if issue.detail else ""
    return f"  - {issue.material_code} {issue.material_name} {kind}{detail}"


def document_ref_line(ref: acceptance_pb2.DocumentRef) -> str:
    return f"  - {ref.number}  {_name(DOCUMENT_KIND_NAMES, ref.kind)}  {ref.issued_on}"


def review_supplement_lines(case: acceptance_pb2.Case) -> list[str]:
    """What the county sent back for supplement, and how the window records it."""
    if not case.review_supplement_items and not case.review_supplement_reason:
        return []
    lines = [f"县级审查退回补正：{case.review_supplement_reason or '（未写明理由）'}"]
    if case.review_supplement_items:
        lines.append("需补正：")
        lines += [f"  - {item}" for item in case.review_supplement_items]
    if case.state == acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT:
        lines.append(f"申请人补齐后登记：tongban case supplement {case.case_no}（补正后县级审查继续计时）")
    return lines


def case_summary(case: acceptance_pb2.Case, *, full: bool = False) -> str:
    state = _name(CASE_STATE_NAMES, case.state)
    if case.overdue:
        state += "【超期】"
    window = f" 窗口 {case.window_code}" if case.window_code else ""
    lines = [
        f"办件编号：{case.case_no}",
        f"状态：{state}",
        f"事项：{case.matter_name}（{case.matter_code}） {case.department_name}",
        f"类型：{_name(HANDLING_TYPE_NAMES, case.handling_type)}  "
        f"{_name(SERVICE_MODE_NAMES, case.service_mode)}",
        f"受理站点：{case.site_name or case.site_code}{window}",
        f"申请人：{applicant_text(case.applicant)}",
    ]
    received = local_time(case.received_time)
    if received:
        lines.append(f"收件时间：{received}" + (f"  经办 {case.received_by}" if case.received_by else ""))
    if case.accepted_on:
        lines.append(f"受理日期：{case.accepted_on}")
    clock = clock_text(case)
    if clock:
        lines.append(f"时限：{clock}")
    if case.outstanding:
        lines.append(f"需补正材料（一次性告知，第 {case.notice_count} 次）：")
        lines += [issue_line(issue) for issue in case.outstanding]
    if case.non_acceptance.reason:
        lines.append(f"不予受理理由：{case.non_acceptance.reason}")
        if case.non_acceptance.competent_agency:
            lines.append(f"请向以下机关申请：{case.non_acceptance.competent_agency}")
    lines += review_supplement_lines(case)
    if case.outcome:
        lines.append(f"决定：{_name(OUTCOME_NAMES, case.outcome)}")
    if case.decided_on:
        # Whether the county decided within its limit is the 办结 line's 按时/超期 below.
        lines.append(f"县级决定日期：{case.decided_on}")
    if case.decision_number:
        lines.append(f"决定文书：{case.decision_number}（打印：tongban review print {case.decision_number}）")
    issue_clock = issue_clock_text(case)
    if issue_clock:
        lines.append(f"出件期限：{issue_clock}")
    if case.result_summary:
        lines.append(f"办理结果：{case.result_summary}")
    if case.completed_on:
        on_time = "按时办结" if case.completed_on_time else "超期办结"
        lines.append(f"办结日期：{case.completed_on}（{on_time}）")
    if case.issued_on:
        on_time = ""
        if case.issue_due_on:
            on_time = "（按时出件）" if case.issued_on_time else "（超期出件）"
        by = f"  经办 {case.issued_by}" if case.issued_by else ""
        lines.append(f"出件日期：{case.issued_on}{on_time}{by}")
    if case.withdrawal_reason:
        lines.append(f"撤回原因：{case.withdrawal_reason}")
    if full:
        if case.documents:
            lines.append("文书：")
            lines += [document_ref_line(ref) for ref in case.documents]
        if case.trace_id:
            lines.append(f"追踪编号(trace id)：{case.trace_id}")
    return "\n".join(lines)


def case_line(case: acceptance_pb2.Case) -> str:
    state = _name(CASE_STATE_NAMES, case.state) + ("【超期】" if case.overdue else "")
    due = f" 承诺 {case.promised_date}" if case.promised_date else ""
    if case.issue_due_on and case.state == acceptance_pb2.CASE_STATE_DECIDED:
        due += f" 出件期限 {case.issue_due_on}"
    return (
        f"{case.case_no}  {state}  {case.matter_name}  {case.applicant.name}"
        f"  收件 {local_time(case.received_time)}{due}"
    )


def case_list(response: acceptance_pb2.ListCasesResponse) -> str:
    if not response.cases:
        return "没有符合条件的办件。"
    lines = [case_line(c) for c in response.cases]
    lines.append(f"共 {response.total_size} 件，本页 {len(response.cases)} 件。")
    if response.next_page_token:
        lines.append(f"下一页：加上 --page-token {response.next_page_token}")
    return "\n".join(lines)


def document_text(document: acceptance_pb2.Document, *, html: bool = False) -> str:
    """The stored document, verbatim: reprints are identical to the first print."""
    return document.html if html else document.text


# --- county review ----------------------------------------------------------------------------


def cell_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """Columns padded to the widest cell (CJK-aware); the last column is not padded."""
    body = [list(headers), *(list(row) for row in rows)]
    widths = [max(cell_width(row[i]) for row in body) for i in range(len(headers))]
    lines: list[str] = []
    for row in body:
        cells = [cell + " " * (widths[i] - cell_width(cell)) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def _signed_days(days_left: int) -> str:
    return str(days_left) if days_left >= 0 else f"超{-days_left}"


def review_days_left(clock: approval_pb2.Clock) -> str:
    return _days_left_text(clock.days_left, clock.overdue or clock.days_left < 0)


def review_clock_lines(
    clock: approval_pb2.Clock, state: int = approval_pb2.REVIEW_STATE_IN_REVIEW
) -> list[str]:
    """Accepted on, budget + extension, used and paused days, days left, due date.

    A decided review's clock stopped on the day of the decision; a withdrawn one has no countdown.
    """
    if not clock.accepted_on:
        return []
    limit = f"承诺 {clock.budget_days} 个工作日"
    if clock.extension_days:
        limit += f" + 延长 {clock.extension_days} 个工作日"
    used = f"已用 {clock.used_days} 个工作日"
    if clock.paused_days:
        used += f"（暂停不计 {clock.paused_days} 个工作日）"
    text = f"时限：{limit}，{used}"
    if state != approval_pb2.REVIEW_STATE_WITHDRAWN:
        when = "决定时" if state == approval_pb2.REVIEW_STATE_DECIDED else ""
        text += f"，{when}{review_days_left(clock)}"
        if clock.due_on:
            text += f"，到期日 {clock.due_on}"
        if clock.paused:
            text += "（计时暂停中）"
    return [f"受理日期：{clock.accepted_on}", text]


def _inbox_flags(item: approval_pb2.InboxItem) -> str:
    flags: list[str] = []
    if item.clock.overdue:
        flags.append("超期")
    elif item.step.overdue:
        flags.append("环节超期")
    if item.clock.paused:
        flags.append("暂停")
    return " ".join(flags)


def _assignee(step: approval_pb2.Step, mine: bool = False) -> str:
    if not step.assignee:
        return "待签收"
    return f"{step.assignee}(我)" if mine else step.assignee


def inbox(response: approval_pb2.ListInboxResponse) -> str:
    """The steps waiting for me, most urgent first, as a table."""
    if not response.items:
        return "没有待办的审查环节。"
    rows = [
        (
            item.case_no,
            item.matter_name,
            f"#{item.step.number} {item.step.name}",
            _assignee(item.step, item.assigned_to_me),
            _signed_days(item.step.days_left),
            _signed_days(item.clock.days_left),
            item.clock.due_on,
            _inbox_flags(item),
        )
        for item in response.items
    ]
    headers = ("办件编号", "事项", "环节", "承办人", "环节剩余", "办件剩余", "到期日", "标记")
    lines = table(headers, rows)
    lines.append(
        f"共 {response.total_size} 件，本页 {len(response.items)} 件。"
        "剩余按工作日计，超N 为已超期 N 个工作日。"
    )
    if response.next_page_token:
        lines.append(f"下一页：加上 --page-token {response.next_page_token}")
    return "\n".join(lines)


def _step_where(step: approval_pb2.Step) -> str:
    where = f"部门 {step.department_code}" if step.department_code else f"站点 {step.site_code}"
    return where + ("（牵头）" if step.lead else "")


def step_lines(step: approval_pb2.Step) -> list[str]:
    """One step: id, position, name, who acts, state, assignee, dates, days, verdict, opinion."""
    name = step.name
    kind = STEP_KIND_NAMES.get(step.kind, "")
    if kind and kind not in name:
        name += f"（{kind}）"
    parts = [
        f"  #{step.number}  {name}",
        _step_where(step),
        _name(STEP_STATE_NAMES, step.state),
    ]
    if step.assignee or step.state == approval_pb2.STEP_STATE_ACTIVE:
        parts.append(f"承办 {_assignee(step)}")
    if step.started_on and step.finished_on:
        parts.append(f"{step.started_on} 至 {step.finished_on}")
    elif step.started_on:
        parts.append(f"{step.started_on} 起")
    if step.state == approval_pb2.STEP_STATE_ACTIVE:
        parts.append(f"时限 {step.time_limit_days} 个工作日，{_days_left_text(step.days_left, step.overdue)}")
    elif step.state == approval_pb2.STEP_STATE_DONE:
        parts.append(f"用时 {step.used_days}/{step.time_limit_days} 个工作日")
    elif step.time_limit_days:
        parts.append(f"时限 {step.time_limit_days} 个工作日")
    if step.verdict:
        verdict = _name(VERDICT_NAMES, step.verdict)
        if step.acted_by and step.acted_by != step.assignee:
            verdict += f"（{step.acted_by}）"
        parts.append(verdict)
    lines = ["  ".join(parts)]
    if step.opinion:
        lines.append(f"      意见：{step.opinion}")
    return lines


def pause_lines(pause: approval_pb2.Pause) -> list[str]:
    """A pause of the clock: a special procedure (Art. 45) or the county's send-back."""
    kind = _name(PAUSE_KIND_NAMES, pause.kind)
    if pause.kind == approval_pb2.PAUSE_KIND_SPECIAL_PROCEDURE:
        kind += f" {_name(SPECIAL_PROCEDURE_NAMES, pause.procedure)}"
    parts = [f"  - {kind}：{pause.reason}" if pause.reason else f"  - {kind}"]
    if pause.planned_days:
        planned = f"计划 {pause.planned_days} 个工作日"
        if pause.planned_end_on:
            planned += f"（至 {pause.planned_end_on}）"
        parts.append(planned)
    if pause.started_on:
        period = pause.started_on
        period += f" 至 {pause.ended_on}" if pause.ended_on else " 起，进行中"
        parts.append(period)
    parts.append(f"不计时 {pause.paused_days} 个工作日")
    if pause.notice_number:
        parts.append(f"告知书 {pause.notice_number}")
    who = [f"{pause.started_by} 开始"] if pause.started_by else []
    if pause.ended_by:
        who.append(f"{pause.ended_by} 结束")
    if who:
        parts.append("，".join(who))
    lines = ["  ".join(parts)]
    if pause.items:
        lines.append("      需补正：")
        lines += [f"        - {item}" for item in pause.items]
    return lines


def extension_line(extension: approval_pb2.Extension) -> str:
    parts = [f"延长时限：{extension.days} 个工作日"]
    if extension.approver:
        parts.append(f"批准人 {extension.approver}")
    if extension.reason:
        parts.append(f"理由：{extension.reason}")
    if extension.granted_on:
        parts.append(extension.granted_on + (f" 经办 {extension.granted_by}" if extension.granted_by else ""))
    if extension.notice_number:
        parts.append(f"告知书 {extension.notice_number}")
    return "  ".join(parts)


def decision_lines(decision: approval_pb2.Decision) -> list[str]:
    parts = [f"决定：{_name(DECISION_OUTCOME_NAMES, decision.outcome)}"]
    if decision.document_number:
        parts.append(f"文书 {decision.document_number}")
    if decision.decided_on:
        parts.append(decision.decided_on)
    if decision.department_code:
        parts.append(f"部门 {decision.department_code}")
    if decision.decided_by:
        parts.append(f"经办 {decision.decided_by}")
    parts.append("在时限内" if decision.on_time else "超出时限")
    lines = ["  ".join(parts)]
    if decision.reasons:
        lines.append("理由：")
        lines += [
            f"  - {r.department_code}：{r.reason}" if r.department_code else f"  - {r.reason}"
            for r in decision.reasons
        ]
    return lines


def review_document_ref_line(ref: approval_pb2.ReviewDocumentRef) -> str:
    return f"  - {ref.number}  {_name(REVIEW_DOCUMENT_KIND_NAMES, ref.kind)}  {ref.issued_on}"


# Enum value names the activity log uses as details, e.g. VERDICT_APPROVE → 同意.
_CODE_LABELS: dict[str, str] = {
    **{approval_pb2.Verdict.Name(v): label for v, label in VERDICT_NAMES.items()},
    **{approval_pb2.DecisionOutcome.Name(v): label for v, label in DECISION_OUTCOME_NAMES.items()},
    **{catalog_pb2.SpecialProcedure.Name(v): label for v, label in SPECIAL_PROCEDURE_NAMES.items()},
}
_REASSIGNED = re.compile(r"from (\S+): ?(.*)", re.DOTALL)
_EXTENDED = re.compile(r"\+(\d+)")


def _activity_detail(activity: approval_pb2.Activity) -> str:
    """The service logs codes (enum names, "+10", "from X: reason"); say them in Chinese."""
    detail = activity.detail.strip()
    if detail in _CODE_LABELS:
        return _CODE_LABELS[detail]
    if activity.action == "reassigned" and (match := _REASSIGNED.fullmatch(detail)):
        previous = "无" if match.group(1) == "-" else match.group(1)
        reason = match.group(2).strip()
        return f"原承办人 {previous}" + (f"，理由：{reason}" if reason else "")
    if activity.action == "extended" and (match := _EXTENDED.fullmatch(detail)):
        return f"{match.group(1)} 个工作日"
    return detail


def activity_line(activity: approval_pb2.Activity) -> str:
    actor = "系统" if activity.actor == _SYSTEM_ACTOR else activity.actor
    parts = [
        f"  {local_time(activity.time) or '-'}",
        actor,
        ACTIVITY_NAMES.get(activity.action, activity.action),
    ]
    if activity.step_number:
        parts.append(f"环节 #{activity.step_number}")
    if activity.target:
        parts.append(f"→ {activity.target}")
    detail = _activity_detail(activity)
    if detail:
        parts.append(detail)
    return "  ".join(parts)


def review_summary(review: approval_pb2.Review, *, full: bool = False) -> str:
    """A county review: state, clock, steps, pauses, extension, decision; `full` adds the
    documents, the activity log and the trace id."""
    state = _name(REVIEW_STATE_NAMES, review.state)
    if review.clock.overdue and review.state == approval_pb2.REVIEW_STATE_IN_REVIEW:
        state += "【超期】"
    if review.clock.paused:
        state += "【暂停】"
    lines = [
        f"办件编号：{review.case_no}",
        f"状态：{state}",
        f"事项：{review.matter_name}（{review.matter_code}）  承办部门 {review.department_code}",
        f"受理站点：{review.site_code}  {SERVICE_MODE_NAMES.get(review.service_mode, '')}".rstrip(),
        *review_clock_lines(review.clock, review.state),
    ]
    if review.steps:
        lines.append("审查环节：")
        for step in review.steps:
            lines += step_lines(step)
    if review.pauses:
        lines.append("暂停计时：")
        for pause in review.pauses:
            lines += pause_lines(pause)
    if review.HasField("extension") and review.extension.days:
        lines.append(extension_line(review.extension))
    if review.HasField("decision") and review.decision.outcome:
        lines += decision_lines(review.decision)
    if full:
        if review.sent_back_used and review.state != approval_pb2.REVIEW_STATE_SENT_BACK:
            lines.append("退回补正：已用过（每件只可退回一次）")
        if review.documents:
            lines.append("文书（打印：tongban review print 文书编号）：")
            lines += [review_document_ref_line(ref) for ref in review.documents]
        if review.activities:
            lines.append("办理记录：")
            lines += [activity_line(a) for a in review.activities]
        if review.trace_id:
            lines.append(f"追踪编号(trace id)：{review.trace_id}")
    return "\n".join(lines)


def review_document_text(document: approval_pb2.ReviewDocument) -> str:
    """The stored document, verbatim: reprints are identical to the first print."""
    return document.text


# --- supervision ------------------------------------------------------------------------------

# The event types the services announce, by full name, with the Chinese name each declares.
EVENT_TYPE_NAMES = {name: routing.label(name) for name in routing.event_types()}
# Enum value names shown in Chinese, e.g. CASE_STATE_ACCEPTED → 已受理.
_EVENT_CODE_LABELS: dict[str, str] = {
    **{acceptance_pb2.CaseState.Name(v): label for v, label in CASE_STATE_NAMES.items()},
    **{approval_pb2.ReviewState.Name(v): label for v, label in REVIEW_STATE_NAMES.items()},
    **{acceptance_pb2.Outcome.Name(v): label for v, label in OUTCOME_NAMES.items()},
    **_CODE_LABELS,
}


def _one_line(text: str) -> str:
    """A table cell: a line break or tab in what a service sent must not break the table."""
    return " ".join(text.split())


def short_type(event_type: str) -> str:
    """CaseAccepted for tongban.acceptance.v1.CaseAccepted: what a person reads and types."""
    return event_type.rpartition(".")[2]


def _event_value(message: Message, name: str) -> object:
    """The field's value in the event or in the case/review it refers to; None when unset."""
    for holder in (message, *(getattr(message, ref) for ref in ("case", "review") if _has(message, ref))):
        field = holder.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            continue
        value = getattr(holder, name)
        if field.enum_type is not None:
            code = field.enum_type.values_by_number.get(value)
            return _EVENT_CODE_LABELS.get(code.name, code.name) if code is not None and value else None
        return value
    return None


def _has(message: Message, field: str) -> bool:
    return field in message.DESCRIPTOR.fields_by_name and message.HasField(field)


def _text(label: str = "") -> Callable[[object], str]:
    def show(value: object) -> str:
        text = _one_line(value) if isinstance(value, str) else ""
        return f"{label} {text}" if label and text else text

    return show


def _days(label: str, *, zero: bool = True) -> Callable[[object], str]:
    def show(value: object) -> str:
        if not isinstance(value, int) or isinstance(value, bool) or (value == 0 and not zero):
            return ""
        return f"{label} {value} 个工作日"

    return show


def _flag(yes: str, no: str) -> Callable[[object], str]:
    def show(value: object) -> str:
        if not isinstance(value, bool):
            return ""
        return yes if value else no

    return show


# The fields an inspector looks at, in this order; every other field is left out (the events
# carry no personal data, but free text such as a send-back's reason stays unprinted).
_EVENT_FIELDS: dict[str, Callable[[object], str]] = {
    "state": _text("状态"),
    "step_name": _text("环节"),
    "verdict": _text("意见"),
    "outcome": _text("结果"),
    "procedure": _text(),
    "planned_days": _days("计划"),
    "paused_days": _days("不计时"),
    # ReviewDecided carries 0 when the limit was never extended.
    "extension_days": _days("延长", zero=False),
    "repeated_notice": _flag("重复告知", "首次告知"),
    "on_time": _flag("按时", "超期"),
}


def event_payload(event: event_pb2.Event) -> Message | None:
    """The event's typed payload, or None when this CLI does not know its type."""
    name = event.payload.TypeName()
    try:
        message = symbol_database.Default().GetSymbol(name)()
    except KeyError:
        return None
    return message if event.payload.Unpack(message) else None


def event_summary(payload: Message | None) -> str:
    """The fields of an event that matter to supervision, said in Chinese."""
    if payload is None:
        return ""
    parts = [
        show(value)
        for name, show in _EVENT_FIELDS.items()
        if (value := _event_value(payload, name)) is not None
    ]
    return "，".join(part for part in parts if part)


def event_type_text(event_type: str) -> str:
    """受理 CaseAccepted: the Chinese name and the name to filter with; unknown types as they are."""
    label = EVENT_TYPE_NAMES.get(event_type)
    return f"{label} {short_type(event_type)}" if label else _one_line(event_type)


def received_events(response: supervision_pb2.ListReceivedEventsResponse) -> str:
    """What supervision received, oldest first, as a table (times in Beijing time)."""
    if not response.events:
        return "没有符合条件的事件。"
    rows = [
        (
            local_time(received.receive_time) or "-",
            local_time(received.event.occurred_time) or "-",
            _one_line(received.event.source) or "-",
            event_type_text(received.event.event_type) or "-",
            _one_line(received.event.aggregate_id) or "-",
            event_summary(event_payload(received.event)),
        )
        for received in response.events
    ]
    lines = table(("接收时间", "发生时间", "来源", "事件", "办件编号", "摘要"), rows)
    lines.append(f"本页 {len(response.events)} 条，按接收先后排列，时间为北京时间。")
    if response.next_page_token:
        lines.append(f"下一页：加上 --page-token {response.next_page_token}")
    return "\n".join(lines)
