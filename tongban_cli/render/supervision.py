"""What supervision received: the events of every service, for inspectors.

Kept apart from the other renderers: events are becoming typed messages, and this module will
be rewritten with them.
"""

from __future__ import annotations

from collections.abc import Callable

from google.protobuf import struct_pb2
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.approval.v1 import approval_pb2
from tongban.supervision.v1 import supervision_pb2

from tongban_cli.render.tables import one_line, table
from tongban_cli.render.text import labels_by_value_name, local_time

# The event types the services announce (services/acceptance: intake; services/approval).
EVENT_TYPE_NAMES = {
    "case.received": "收件",
    "case.accepted": "受理",
    "case.supplement_requested": "一次性告知",
    "case.not_accepted": "不予受理",
    "case.withdrawn": "撤回",
    "case.completed": "即办办结",
    "case.result_issued": "出件",
    "case.review_supplemented": "审查退回后补正",
    "review.opened": "开始审查",
    "review.step_completed": "环节办结",
    "review.sent_back": "退回补正",
    "review.resumed": "恢复审查",
    "review.procedure_started": "特殊环节开始",
    "review.procedure_ended": "特殊环节结束",
    "review.extended": "延长时限",
    "review.decided": "作出决定",
}
# Enum value names the events carry as data, e.g. CASE_STATE_ACCEPTED → 已受理.
_EVENT_CODE_LABELS = labels_by_value_name(
    acceptance_pb2.CaseState,
    acceptance_pb2.Outcome,
    approval_pb2.ReviewState,
    approval_pb2.Verdict,
    approval_pb2.DecisionOutcome,
    catalog_pb2.SpecialProcedure,
)


def _event_text(value: struct_pb2.Value) -> str:
    """A text field on one line, an enum name said in Chinese; empty for any other kind."""
    if value.WhichOneof("kind") != "string_value":
        return ""
    text = one_line(value.string_value)
    return _EVENT_CODE_LABELS.get(text, text)


def _event_days(value: struct_pb2.Value) -> str:
    if value.WhichOneof("kind") != "number_value":
        return ""
    days = value.number_value
    return str(int(days)) if days.is_integer() else f"{days:g}"


def _text_field(label: str = "") -> Callable[[struct_pb2.Value], str]:
    def show(value: struct_pb2.Value) -> str:
        text = _event_text(value)
        return f"{label} {text}" if label and text else text

    return show


def _days_field(label: str, *, zero: bool = True) -> Callable[[struct_pb2.Value], str]:
    def show(value: struct_pb2.Value) -> str:
        days = _event_days(value)
        if not days or (days == "0" and not zero):
            return ""
        return f"{label} {days} 个工作日"

    return show


def _flag_field(yes: str, no: str) -> Callable[[struct_pb2.Value], str]:
    def show(value: struct_pb2.Value) -> str:
        if value.WhichOneof("kind") != "bool_value":
            return ""
        return yes if value.bool_value else no

    return show


# The data fields an inspector looks at, in this order; every other field is left out (the
# events carry no personal data, but free text such as a send-back's reason stays unprinted).
_EVENT_FIELDS: dict[str, Callable[[struct_pb2.Value], str]] = {
    "state": _text_field("状态"),
    "step": _text_field("环节"),
    "verdict": _text_field("意见"),
    "outcome": _text_field("结果"),
    "procedure": _text_field(),
    "planned_days": _days_field("计划"),
    "paused_days": _days_field("不计时"),
    # review.decided carries 0 when the limit was never extended.
    "extension_days": _days_field("延长", zero=False),
    "repeated_notice": _flag_field("重复告知", "首次告知"),
    "on_time": _flag_field("按时", "超期"),
}


def event_summary(data: struct_pb2.Struct) -> str:
    """The fields of an event's data that matter to supervision, said in Chinese."""
    parts = [show(data.fields[name]) for name, show in _EVENT_FIELDS.items() if name in data.fields]
    return "，".join(part for part in parts if part)


def event_type_text(event_type: str) -> str:
    """收件 case.received: the Chinese name and the type to filter with; unknown types as they are."""
    label = EVENT_TYPE_NAMES.get(event_type)
    return f"{label} {event_type}" if label else one_line(event_type)


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
            event_summary(received.event.data),
        )
        for received in response.events
    ]
    lines = table(("接收时间", "发生时间", "来源", "事件", "办件编号", "摘要"), rows)
    lines.append(f"本页 {len(response.events)} 条，按接收先后排列，时间为北京时间。")
    if response.next_page_token:
        lines.append(f"下一页：加上 --page-token {response.next_page_token}")
    return "\n".join(lines)
