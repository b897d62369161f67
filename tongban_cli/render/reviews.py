"""The county review: its clock, steps, pauses, extension, decision and activity log; the
reviewer's inbox."""

from __future__ import annotations

import re

from tongban.acceptance.v1 import catalog_pb2
from tongban.approval.v1 import approval_pb2

from services.common import labels
from tongban_cli.render.tables import table
from tongban_cli.render.text import (
    calendar_gap_text,
    days_left_text,
    label,
    labels_by_value_name,
    local_time,
    signed_days,
)

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


def review_days_left(clock: approval_pb2.Clock) -> str:
    return days_left_text(clock.days_left, clock.overdue or clock.days_left < 0)


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
    lines = [f"受理日期：{clock.accepted_on}", text]
    if clock.calendar_missing_year:
        lines.append(f"日历：{calendar_gap_text(clock.calendar_missing_year)}")
    return lines


def _inbox_flags(item: approval_pb2.InboxItem) -> str:
    flags: list[str] = []
    if item.clock.overdue:
        flags.append("超期")
    elif item.step.overdue:
        flags.append("环节超期")
    if item.clock.calendar_missing_year:
        flags.append(f"缺{item.clock.calendar_missing_year}年日历")
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
            signed_days(item.step.days_left),
            signed_days(item.clock.days_left),
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
    kind = labels.zh(catalog_pb2.StepKind, step.kind)
    if kind and kind not in name:
        name += f"（{kind}）"
    parts = [
        f"  #{step.number}  {name}",
        _step_where(step),
        label(approval_pb2.StepState, step.state),
    ]
    if step.assignee or step.state == approval_pb2.STEP_STATE_ACTIVE:
        parts.append(f"承办 {_assignee(step)}")
    if step.started_on and step.finished_on:
        parts.append(f"{step.started_on} 至 {step.finished_on}")
    elif step.started_on:
        parts.append(f"{step.started_on} 起")
    if step.state == approval_pb2.STEP_STATE_ACTIVE:
        parts.append(f"时限 {step.time_limit_days} 个工作日，{days_left_text(step.days_left, step.overdue)}")
    elif step.state == approval_pb2.STEP_STATE_DONE:
        parts.append(f"用时 {step.used_days}/{step.time_limit_days} 个工作日")
    elif step.time_limit_days:
        parts.append(f"时限 {step.time_limit_days} 个工作日")
    if step.verdict:
        verdict = label(approval_pb2.Verdict, step.verdict)
        if step.acted_by and step.acted_by != step.assignee:
            verdict += f"（{step.acted_by}）"
        parts.append(verdict)
    lines = ["  ".join(parts)]
    if step.opinion:
        lines.append(f"      意见：{step.opinion}")
    return lines


def pause_lines(pause: approval_pb2.Pause) -> list[str]:
    """A pause of the clock: a special procedure (Art. 45) or the county's send-back."""
    kind = label(approval_pb2.PauseKind, pause.kind)
    if pause.kind == approval_pb2.PAUSE_KIND_SPECIAL_PROCEDURE:
        kind += f" {label(catalog_pb2.SpecialProcedure, pause.procedure)}"
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
    parts = [f"决定：{label(approval_pb2.DecisionOutcome, decision.outcome)}"]
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
    return f"  - {ref.number}  {label(approval_pb2.ReviewDocumentKind, ref.kind)}  {ref.issued_on}"


# Enum value names the activity log uses as details, e.g. VERDICT_APPROVE → 同意.
CODE_LABELS = labels_by_value_name(
    approval_pb2.Verdict, approval_pb2.DecisionOutcome, catalog_pb2.SpecialProcedure
)
_REASSIGNED = re.compile(r"from (\S+): ?(.*)", re.DOTALL)
_EXTENDED = re.compile(r"\+(\d+)")


def _activity_detail(activity: approval_pb2.Activity) -> str:
    """The service logs codes (enum names, "+10", "from X: reason"); say them in Chinese."""
    detail = activity.detail.strip()
    if detail in CODE_LABELS:
        return CODE_LABELS[detail]
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
    state = label(approval_pb2.ReviewState, review.state)
    if review.clock.overdue and review.state == approval_pb2.REVIEW_STATE_IN_REVIEW:
        state += "【超期】"
    if review.clock.paused:
        state += "【暂停】"
    lines = [
        f"办件编号：{review.case_no}",
        f"状态：{state}",
        f"事项：{review.matter_name}（{review.matter_code}）  承办部门 {review.department_code}",
        f"受理站点：{review.site_code}  {labels.zh(catalog_pb2.ServiceMode, review.service_mode)}".rstrip(),
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
