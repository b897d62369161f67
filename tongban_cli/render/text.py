"""Small pieces every renderer uses: enum labels, Beijing time, working days, money."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

from google.protobuf import timestamp_pb2

from services.common import labels
from services.common.labels import EnumType

# China Standard Time has no daylight saving time.
CHINA_TIME = timezone(timedelta(hours=8), "CST")


def label(enum_type: EnumType, value: int) -> str:
    """The value's Chinese label from the protos; 未填 when unset, 未知 when this CLI is older."""
    return labels.zh(enum_type, value) or ("未知" if value else "未填")


def labels_by_value_name(*enum_types: EnumType) -> Mapping[str, str]:
    """Enum value names a service writes as text (VERDICT_APPROVE), said in Chinese (同意)."""
    found: dict[str, str] = {}
    for enum_type in enum_types:
        descriptor = labels.descriptor_of(enum_type)
        for number, text in labels.labels(descriptor).items():
            found[descriptor.values_by_number[number].name] = text.zh
    return found


def yuan(amount_fen: int) -> str:
    return f"{amount_fen // 100}.{amount_fen % 100:02d} 元"


def calendar_gap_text(year: int) -> str:
    """What a clerk reads when today's clock needs a year the working-day calendar lacks."""
    return (
        f"缺少{year}年的工作日历：工作日只计算到{year - 1}年12月31日；需要计算日期的办理"
        f"（受理、决定、延期）须等管理员载入{year}年的节假日安排"
    )


def local_time(stamp: timestamp_pb2.Timestamp) -> str:
    if not stamp.seconds and not stamp.nanos:
        return ""
    moment = datetime.fromtimestamp(stamp.seconds, UTC).astimezone(CHINA_TIME)
    return f"{moment:%Y-%m-%d %H:%M}"


def days_left_text(days_left: int, overdue: bool) -> str:
    if overdue:
        return f"超期 {abs(days_left)} 个工作日"
    if days_left == 0:
        return "今天到期"
    return f"剩余 {days_left} 个工作日"


def signed_days(days_left: int) -> str:
    """A table cell: 3 left, or 超2 for two working days overdue."""
    return str(days_left) if days_left >= 0 else f"超{-days_left}"
