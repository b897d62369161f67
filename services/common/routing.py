"""Which services receive which events, as each event message declares it in its
(tongban.events.v1.event) option. Supervision receives every event (ARCHITECTURE.md, "Events")."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, cast

from google.protobuf.descriptor import Descriptor
from tongban.events.v1 import options_pb2

from services.common import contracts

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import MessageOptions
    from google.protobuf.internal.extension_dict import _ExtensionFieldDescriptor

# protoc's stub types the extension as a bare FieldDescriptor; this says what it extends and holds.
_EVENT = cast("_ExtensionFieldDescriptor[MessageOptions, options_pb2.EventOptions]", options_pb2.event)

SUPERVISION = "supervision"


def options_of(descriptor: Descriptor) -> options_pb2.EventOptions | None:
    """The event option of a message, or None if the message is not an event."""
    options = descriptor.GetOptions()
    return options.Extensions[_EVENT] if options.HasExtension(_EVENT) else None


@cache
def event_types() -> dict[str, Descriptor]:
    """Every event message of every area's contracts, by full name (the event type)."""
    return {
        message.full_name: message
        for module in contracts.EVENT_MODULES
        for message in module.DESCRIPTOR.message_types_by_name.values()
        if options_of(message) is not None
    }


def destinations(descriptor: Descriptor) -> tuple[str, ...]:
    """The services an event of this type is delivered to, supervision last."""
    options = options_of(descriptor)
    if options is None:
        raise ValueError(f"{descriptor.full_name} is not an event: it declares no (tongban.events.v1.event)")
    return tuple(dict.fromkeys([*options.receivers, SUPERVISION]))


def receivers() -> frozenset[str]:
    """Every service some event is delivered to."""
    return frozenset(area for descriptor in event_types().values() for area in destinations(descriptor))


def routed_to(area: str) -> frozenset[str]:
    """The event types delivered to `area` besides supervision's all: what its consumer must handle."""
    return frozenset(
        name
        for name, descriptor in event_types().items()
        if area in (options_of(descriptor) or _NONE).receivers
    )


def label(event_type: str) -> str:
    """The Chinese name of an event type ("" when unknown)."""
    descriptor = event_types().get(event_type)
    options = options_of(descriptor) if descriptor is not None else None
    return options.label if options is not None else ""


_NONE = options_pb2.EventOptions()
