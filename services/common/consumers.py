"""Applying delivered events by their type: each payload is decoded into its own message.

A receiving service lists the event types it handles with `on(MessageType, handler)`; the
inbox calls the resulting consumer once per event, inside the transaction that records it.
An event of a type the service does not handle, a payload that does not decode, or a date
that is not YYYY-MM-DD is refused with a DomainError, which the inbox records as rejected
and acknowledges: it never blocks the queue behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from google.protobuf.message import DecodeError, Message
from sqlmodel import Session
from tongban.events.v1 import event_pb2

from services.common.errors import DomainError, FieldProblem, invalid_input

Payload = TypeVar("Payload", bound=Message)


@dataclass(frozen=True)
class Route(Generic[Payload]):
    payload_type: type[Payload]
    handle: Callable[[Session, event_pb2.Event, Payload], None]


def on(
    payload_type: type[Payload], handle: Callable[[Session, event_pb2.Event, Payload], None]
) -> Route[Payload]:
    """Handle events whose payload is a `payload_type`."""
    return Route(payload_type, handle)


def _refused(message: str, field: str, description: str) -> DomainError:
    return invalid_input(message, [FieldProblem(field, description)])


def payload_of(event: event_pb2.Event, payload_type: type[Payload]) -> Payload:
    """The event's payload decoded as `payload_type`; a mismatch or bad bytes refuse the event."""
    payload = payload_type()
    try:
        unpacked = event.payload.Unpack(payload)
    except DecodeError:
        unpacked = False
    if not unpacked:
        raise _refused(
            f"事件内容无法解析 / the payload is not a valid {payload_type.DESCRIPTOR.full_name}",
            "payload",
            "does not decode as its declared type",
        )
    return payload


class Consumer:
    """Dispatches each event to the handler of its payload's type (an inbox EventHandler)."""

    def __init__(self, *routes: Route[Any]) -> None:
        self._routes = {route.payload_type.DESCRIPTOR.full_name: route for route in routes}

    @property
    def handled_types(self) -> frozenset[str]:
        return frozenset(self._routes)

    def __call__(self, session: Session, event: event_pb2.Event) -> None:
        route = self._routes.get(event.payload.TypeName())
        if route is None:
            raise _refused(
                "本服务不处理此类事件 / this service does not handle events of this type",
                "payload",
                f"unhandled type {event.payload.TypeName()[:80]}",
            )
        route.handle(session, event, payload_of(event, route.payload_type))


def iso_date(value: str, field: str) -> date:
    """A YYYY-MM-DD date an event carries; a malformed one refuses the event."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _refused(
            f"事件缺少日期 {field} / the event lacks a valid {field}", field, "a YYYY-MM-DD date"
        ) from None
