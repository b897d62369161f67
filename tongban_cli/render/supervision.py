"""What supervision received: the events of every service, for inspectors.

Each event carries its typed message (google.protobuf.Any); its name and the Chinese label of
its type come from the protos, as do the labels of the values it holds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from google.protobuf import symbol_database
from google.protobuf.message import Message
from tongban.events.v1 import event_pb2
from tongban.supervision.v1 import supervision_pb2

from services.common import labels, routing
from tongban_cli.render.tables import one_line, table
from tongban_cli.render.text import label, local_time

# The event types the services announce, by full name, with the Chinese name each declares.
EVENT_TYPE_NAMES = {name: routing.label(name) for name in routing.event_types()}


def short_type(event_type: str) -> str:
    """CaseAccepted for tongban.acceptance.v1.CaseAccepted: what a person reads and types."""
    return event_type.rpartition(".")[2]


def _has(message: Message, field: str) -> bool:
    return field in message.DESCRIPTOR.fields_by_name and message.HasField(field)


def _event_value(message: Message, name: str) -> object:
    """The field's value in the event or in the case/review it refers to; None when unset.
    An enum value is its Chinese label."""
    for holder in (message, *(getattr(message, ref) for ref in ("case", "review") if _has(message, ref))):
        field = holder.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            continue
        value = getattr(holder, name)
        if field.enum_type is not None:
            return labels.zh(field.enum_type, value) or None
        return value
    return None


def _text(label: str = "") -> Callable[[object], str]:
    def show(value: object) -> str:
        text = one_line(value) if isinstance(value, str) else ""
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
    try:
        message = symbol_database.Default().GetSymbol(event.payload.TypeName())()
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
    return f"{label} {short_type(event_type)}" if label else one_line(event_type)


def received_events(response: supervision_pb2.ListReceivedEventsResponse) -> str:
    """What supervision received, oldest first, as a table (times in Beijing time)."""
    if not response.events:
        return "没有符合条件的事件。"
    rows = [
        (
            local_time(received.receive_time) or "-",
            local_time(received.event.occurred_time) or "-",
            one_line(received.event.source) or "-",
            event_type_text(received.event.event_type) or "-",
            one_line(received.event.aggregate_id) or "-",
            event_summary(event_payload(received.event)),
        )
        for received in response.events
    ]
    lines = table(("接收时间", "发生时间", "来源", "事件", "办件编号", "摘要"), rows)
    lines.append(f"本页 {len(response.events)} 条，按接收先后排列，时间为北京时间。")
    if response.next_page_token:
        lines.append(f"下一页：加上 --page-token {response.next_page_token}")
    return "\n".join(lines)


def alerts(response: supervision_pb2.ListAlertsResponse) -> str:
    """The alerts, newest first, as a table (times in Beijing time)."""
    if not response.alerts:
        return "没有符合条件的预警。"
    rows = [
        (
            str(alert.alert_id),
            label(supervision_pb2.AlertSeverity, alert.severity),
            label(supervision_pb2.AlertState, alert.state),
            local_time(alert.raise_time) or "-",
            alert.rule,
            alert.case_no or "-",
            alert.window_code or alert.site_code or "-",
            one_line(alert.summary),
        )
        for alert in response.alerts
    ]
    lines = table(["编号", "级别", "状态", "预警时间", "规则", "办件编号", "窗口/站点", "内容"], rows)
    if response.next_page_token:
        lines.append(f"还有更多，下一页：--page-token {response.next_page_token}")
    return "\n".join(lines)


def acknowledged(alert: supervision_pb2.Alert) -> str:
    severity = label(supervision_pb2.AlertSeverity, alert.severity)
    return f"已签收预警 {alert.alert_id}（{severity}：{one_line(alert.summary)}），已记入监察记录。"


def verification(response: supervision_pb2.VerifyRecordResponse) -> str:
    if response.intact:
        return (
            f"监察记录完整：共 {response.entries} 条，逐条校验无误，无改动、删除、插入或调序。\n"
            # Noted down, it shows a later check that the record only grew from there.
            f"末条哈希：{response.head_hash}（可记下，供日后核对记录只增未改）"
        )
    return f"监察记录被改动！自第 {response.first_bad_seq} 条起不符：{response.problem}"


def rules(response: supervision_pb2.ListRulesResponse) -> str:
    if not response.rules:
        return "未启用任何监察规则。"
    return "\n".join(
        table(["规则", "说明", "参数"], [(r.name, r.title, r.parameters_json) for r in response.rules])
    )


def accountability_case(case: supervision_pb2.AccountabilityCase) -> str:
    """One accountability case, every step, in Chinese."""
    state = label(supervision_pb2.AccountabilityState, case.state)
    lines = [
        f"问责案件 {case.case_id}（{state}）",
        f"  部门：{case.department_code}　站点：{case.site_code}　人员：{case.user_id or '（部门）'}",
        f"  预警：{'、'.join(str(a) for a in case.alert_ids)}",
        f"  立案：{local_time(case.open_time)} {case.opened_by}　事由：{one_line(case.reason)}",
    ]
    if case.question:
        lines.append(f"  要求书面说明：{one_line(case.question)}（{case.explanation_due} 前）")
    if case.explanation:
        lines.append(f"  书面说明：{one_line(case.explanation)}")
    if case.outcome:
        outcome = label(supervision_pb2.AccountabilityOutcome, case.outcome)
        points = f" {case.points} 分" if case.points else ""
        lines.append(
            f"  决定：{outcome}{points}（{local_time(case.decide_time)} {case.decided_by}）"
            f"理由：{one_line(case.decision_reasons)}"
        )
    if case.HasField("close_time"):
        lines.append(f"  结案：{local_time(case.close_time)}")
    lines.append(f"  监察记录：第 {'、'.join(str(s) for s in case.record_seqs)} 条")
    return "\n".join(lines)


def accountability_cases(response: supervision_pb2.ListAccountabilityCasesResponse) -> str:
    if not response.accountability_cases:
        return "没有符合条件的问责案件。"
    rows = [
        (
            str(case.case_id),
            label(supervision_pb2.AccountabilityState, case.state),
            case.department_code,
            case.user_id or "-",
            local_time(case.open_time) or "-",
            label(supervision_pb2.AccountabilityOutcome, case.outcome) if case.outcome else "-",
            one_line(case.reason),
        )
        for case in response.accountability_cases
    ]
    lines = table(["编号", "状态", "部门", "人员", "立案时间", "决定", "事由"], rows)
    if response.next_page_token:
        lines.append(f"还有更多，下一页：--page-token {response.next_page_token}")
    return "\n".join(lines)


_STATISTICS_HEADERS = [
    "接件", "受理", "即办件", "办结", "按时办结", "按时办结率", "平均用时(工作日)", "预警", "评价", "满意率",
]  # fmt: skip


def _statistics_cells(row: supervision_pb2.StatisticsRow) -> list[str]:
    return [
        str(row.received),
        str(row.accepted),
        str(row.instant),
        str(row.completed),
        str(row.completed_on_time),
        f"{row.on_time_rate:.1%}" if row.completed else "-",
        f"{row.average_working_days:.1f}" if row.average_working_days else "-",
        str(row.findings),
        str(row.reviews),
        f"{row.satisfaction_rate:.1%}" if row.reviews else "-",
    ]


def statistics(response: supervision_pb2.GetStatisticsResponse) -> str:
    """The monthly table, printable: one line per window, department or site, and the total."""
    unit = label(supervision_pb2.StatisticsGrouping, response.group_by)
    title = f"办件统计（{response.from_date} 至 {response.to_date}，按{unit}）"
    rows = [[row.key or "（未注明）", *_statistics_cells(row)] for row in response.rows]
    rows.append([response.total.key, *_statistics_cells(response.total)])
    return "\n".join([title, *table([unit, *_STATISTICS_HEADERS], rows)])


def statistics_csv(response: supervision_pb2.GetStatisticsResponse) -> str:
    """The same table as CSV (UTF-8), for a spreadsheet: rates as fractions, days to two places."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([label(supervision_pb2.StatisticsGrouping, response.group_by), *_STATISTICS_HEADERS])
    for row in [*response.rows, response.total]:
        writer.writerow(
            [
                row.key,
                row.received,
                row.accepted,
                row.instant,
                row.completed,
                row.completed_on_time,
                f"{row.on_time_rate:.4f}",
                f"{row.average_working_days:.2f}",
                row.findings,
                row.reviews,
                f"{row.satisfaction_rate:.4f}",
            ]
        )
    return out.getvalue().rstrip("\n")


def review(item: supervision_pb2.Review) -> str:
    rating = label(supervision_pb2.ReviewRating, item.rating)
    channel = label(supervision_pb2.ReviewChannel, item.channel)
    lines = [
        f"评价 {item.review_id}：办件 {item.case_no}，{rating}（{channel}，{local_time(item.review_time)}）"
    ]
    if item.comment:
        lines.append(f"  意见：{one_line(item.comment)}")
    if item.rectify_by and not item.rectification:
        lines.append(f"  差评：须于 {item.rectify_by} 前核实整改")
    if item.rectification:
        lines.append(
            f"  整改：{one_line(item.rectification)}（{item.rectified_by}，{local_time(item.rectify_time)}）"
        )
    return "\n".join(lines)


def reviews(response: supervision_pb2.ListReviewsResponse) -> str:
    if not response.reviews:
        return "没有符合条件的评价。"
    rows = [
        (
            str(r.review_id),
            r.case_no,
            label(supervision_pb2.ReviewRating, r.rating),
            label(supervision_pb2.ReviewChannel, r.channel),
            local_time(r.review_time) or "-",
            "已整改" if r.rectification else (f"{r.rectify_by} 前整改" if r.rectify_by else "-"),
            one_line(r.comment),
        )
        for r in response.reviews
    ]
    lines = table(["编号", "办件编号", "评价", "渠道", "时间", "整改", "意见"], rows)
    if response.next_page_token:
        lines.append(f"还有更多，下一页：--page-token {response.next_page_token}")
    return "\n".join(lines)


def complaint(item: supervision_pb2.Complaint) -> str:
    state = label(supervision_pb2.ComplaintState, item.state)
    lines = [
        f"投诉 {item.complaint_id}：办件 {item.case_no}（{state}）",
        f"  登记：{local_time(item.register_time)} {item.registered_by}，"
        f"须于 {item.answer_by} 前受理或不予受理",
        f"  内容：{one_line(item.content)}",
    ]
    if item.answer:
        lines.append(
            f"  处理意见：{one_line(item.answer)}（{item.answered_by}，{local_time(item.answer_time)}）"
        )
    return "\n".join(lines)
