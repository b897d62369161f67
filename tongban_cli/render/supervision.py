"""What supervision received: the events of every service, for inspectors.

Each event carries its typed message (google.protobuf.Any); its name and the Chinese label of
its type come from the protos, as do the labels of the values it holds.
"""

from __future__ import annotations

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
        return f"监察记录完整：共 {response.entries} 条，逐条校验无误，无改动、删除、插入或调序。"
    return f"监察记录被改动！自第 {response.first_bad_seq} 条起不符：{response.problem}"


def rules(response: supervision_pb2.ListRulesResponse) -> str:
    if not response.rules:
        return "未启用任何监察规则。"
    return "\n".join(
        table(["规则", "说明", "参数"], [(r.name, r.title, r.parameters_json) for r in response.rules])
    )
