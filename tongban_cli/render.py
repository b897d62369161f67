"""Text for the window clerk: matters, sites, departments, cases and documents, in Chinese."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import TypeVar

from google.protobuf import timestamp_pb2
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

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
    catalog_pb2.SPECIAL_PROCEDURE_PUBLIC_NOTICE: "公告",
    catalog_pb2.SPECIAL_PROCEDURE_EXPERT_REVIEW: "专家论证",
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


def clock_text(case: acceptance_pb2.Case) -> str:
    """Promised date, working days left, 超期 when overdue; empty when there is no clock."""
    if case.handling_type == catalog_pb2.HANDLING_TYPE_INSTANT:
        return "即办件，当场办结"
    if not case.promised_date:
        return ""
    text = f"承诺办结日期 {case.promised_date}（{case.promised_limit_days} 个工作日）"
    if case.overdue:
        return f"{text}，超期 {abs(case.working_days_left)} 个工作日"
    if case.state in _CLOCK_RUNNING:
        if case.working_days_left == 0:
            return f"{text}，今天到期"
        return f"{text}，剩余 {case.working_days_left} 个工作日"
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
    if case.outcome:
        lines.append(f"决定：{_name(OUTCOME_NAMES, case.outcome)}")
    if case.result_summary:
        lines.append(f"办理结果：{case.result_summary}")
    if case.completed_on:
        on_time = "按时办结" if case.completed_on_time else "超期办结"
        lines.append(f"办结日期：{case.completed_on}（{on_time}）")
    if case.issued_on:
        lines.append(f"出件日期：{case.issued_on}" + (f"  经办 {case.issued_by}" if case.issued_by else ""))
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
