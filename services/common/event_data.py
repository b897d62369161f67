"""Reading an event's data on the receiving side: plain values, with dates checked."""

from __future__ import annotations

from datetime import date
from typing import Any

from google.protobuf import json_format
from tongban.events.v1 import event_pb2

from services.common.errors import FieldProblem, invalid_input


def data_of(event: event_pb2.Event) -> dict[str, Any]:
    return json_format.MessageToDict(event.data)


def date_field(data: dict[str, Any], key: str) -> date:
    """An ISO date from the data; a malformed one rejects the event (the inbox records why)."""
    try:
        return date.fromisoformat(str(data[key]))
    except (KeyError, ValueError):
        raise invalid_input(
            f"事件缺少日期 {key} / the event lacks a valid {key}", [FieldProblem(f"data.{key}", "ISO date")]
        ) from None
