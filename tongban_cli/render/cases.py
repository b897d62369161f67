"""Cases at the window: state, clock, applicant, one-time notice, decision, issue, documents."""

from __future__ import annotations

from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from services.common import labels
from tongban_cli.render.text import calendar_gap_text, days_left_text, label, local_time

# States in which the promised clock is still running.
_CLOCK_RUNNING = (acceptance_pb2.CASE_STATE_ACCEPTED, acceptance_pb2.CASE_STATE_DECIDED)


def _county_reviewing(case: acceptance_pb2.Case) -> bool:
    """The county is reviewing: the case runs on its clock (`tongban review show` details it)."""
    return case.deciding_level == catalog_pb2.DECIDING_LEVEL_COUNTY and case.state in (
        acceptance_pb2.CASE_STATE_ACCEPTED,
        acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT,
    )


def clock_text(case: acceptance_pb2.Case) -> str:
    """Promised date, working days left, 超期 when overdue; empty when there is no clock.

    A county-decided case counts down on the county's clock while it is reviewed (its pauses and
    extension included, as `tongban review show` details it), and from the decision on towards
    the issue deadline (see `issue_clock_text`).
    """
    if case.handling_type == catalog_pb2.HANDLING_TYPE_INSTANT:
        return "即办件，当场办结"
    if not case.promised_date:
        return ""
    text = f"承诺办结日期 {case.promised_date}（{case.promised_limit_days} 个工作日）"
    if _county_reviewing(case):
        paused = "，计时暂停" if case.state == acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT else ""
        left = days_left_text(case.working_days_left, case.overdue)
        return f"{text}，县级部门审查中{paused}，{left}（详见 tongban review show {case.case_no}）"
    if case.issue_due_on:
        return text
    if case.overdue:
        return f"{text}，{days_left_text(case.working_days_left, True)}"
    if case.state in _CLOCK_RUNNING:
        return f"{text}，{days_left_text(case.working_days_left, False)}"
    return text


def issue_clock_text(case: acceptance_pb2.Case) -> str:
    """Art. 44: the result is issued within 10 working days of the county's decision."""
    if not case.issue_due_on:
        return ""
    text = f"{case.issue_due_on}（决定后 10 个工作日内出件）"
    if case.state == acceptance_pb2.CASE_STATE_DECIDED:
        return f"{text}，{days_left_text(case.working_days_left, case.overdue)}"
    return text


def applicant_text(applicant: acceptance_pb2.Applicant) -> str:
    parts = [applicant.name, applicant.id_number, applicant.phone, applicant.address]
    kind = labels.zh(acceptance_pb2.ApplicantKind, applicant.kind)
    body = "  ".join(p for p in parts if p)
    return f"{body}（{kind}）" if kind else body


def issue_line(issue: acceptance_pb2.MaterialIssue) -> str:
    kind = label(acceptance_pb2.IssueKind, issue.kind)
    if issue.detail.startswith(kind):  # e.g. "缺少, 需原件1份" already says what is wrong
        return f"  - {issue.material_code} {issue.material_name} {issue.detail}"
    detail = f"：{issue.detail}" if issue.detail else ""
    return f"  - {issue.material_code} {issue.material_name} {kind}{detail}"


def document_ref_line(ref: acceptance_pb2.DocumentRef) -> str:
    return f"  - {ref.number}  {label(acceptance_pb2.DocumentKind, ref.kind)}  {ref.issued_on}"


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
    state = label(acceptance_pb2.CaseState, case.state)
    if case.overdue:
        state += "【超期】"
    window = f" 窗口 {case.window_code}" if case.window_code else ""
    lines = [
        f"办件编号：{case.case_no}",
        f"状态：{state}",
        f"事项：{case.matter_name}（{case.matter_code}） {case.department_name}",
        f"类型：{label(catalog_pb2.HandlingType, case.handling_type)}  "
        f"{label(catalog_pb2.ServiceMode, case.service_mode)}",
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
    if case.calendar_missing_year:
        lines.append(f"日历：{calendar_gap_text(case.calendar_missing_year)}")
    if case.outstanding:
        lines.append(f"需补正材料（一次性告知，第 {case.notice_count} 次）：")
        lines += [issue_line(issue) for issue in case.outstanding]
    if case.non_acceptance.reason:
        lines.append(f"不予受理理由：{case.non_acceptance.reason}")
        if case.non_acceptance.competent_agency:
            lines.append(f"请向以下机关申请：{case.non_acceptance.competent_agency}")
    lines += review_supplement_lines(case)
    if case.outcome:
        lines.append(f"决定：{label(acceptance_pb2.Outcome, case.outcome)}")
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
    state = label(acceptance_pb2.CaseState, case.state) + ("【超期】" if case.overdue else "")
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
