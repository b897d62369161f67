"""Reading an event's data on the receiving side: plain values, with dates checked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from google.protobuf import json_format
from tongban.events.v1 import event_pb2

from services.common.errors import FieldProblem, invalid_input

Handler = TypeVar("Handler", bound=Callable[..., None])


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


def rejects_malformed(handle: Handler) -> Handler:
    """A handler for which missing or malformed fields reject the event (recorded by the inbox)
    instead of failing the delivery, which the relay would retry for ever."""

    @wraps(handle)
    def checked(*args: Any, **kwargs: Any) -> None:
        try:
            handle(*args, **kwargs)
        except (KeyError, ValueError, json_format.ParseError) as bad:
            raise invalid_input(
                f"事件数据无效 / malformed event data ({type(bad).__name__})",
                [FieldProblem("data", str(bad)[:200])],
            ) from bad

    return checked  # type: ignore[return-value]
