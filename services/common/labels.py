"""What enum values are called: the `tongban.labels.v1.label` option on each value, read from
the descriptors.

The protos are the one source of every label a clerk reads (`zh`) and of its English name for
engineers (`en`); services and clients read them here, the way access.py reads the access rules.
Lookups accept a generated enum (`acceptance_pb2.CaseState`) or its EnumDescriptor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, TypeAlias, cast

from google.protobuf.descriptor import EnumDescriptor
from tongban.labels.v1 import labels_pb2

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import EnumValueOptions
    from google.protobuf.internal.extension_dict import _ExtensionFieldDescriptor

# protoc's stub types the extension as a bare FieldDescriptor; this says what it extends and holds.
_LABEL = cast("_ExtensionFieldDescriptor[EnumValueOptions, labels_pb2.Label]", labels_pb2.label)


class _GeneratedEnum(Protocol):
    """A generated enum wrapper such as acceptance_pb2.CaseState."""

    DESCRIPTOR: EnumDescriptor


EnumType: TypeAlias = "EnumDescriptor | type[_GeneratedEnum] | _GeneratedEnum"


@dataclass(frozen=True)
class Label:
    zh: str
    en: str


def descriptor_of(enum_type: EnumType) -> EnumDescriptor:
    if isinstance(enum_type, EnumDescriptor):
        return enum_type
    return enum_type.DESCRIPTOR


@cache
def _labels(descriptor: EnumDescriptor) -> Mapping[int, Label]:
    found: dict[int, Label] = {}
    for value in descriptor.values:
        options = value.GetOptions()
        if options.HasExtension(_LABEL):
            label = options.Extensions[_LABEL]
            found[value.number] = Label(zh=label.zh, en=label.en)
    return MappingProxyType(found)


def labels(enum_type: EnumType) -> Mapping[int, Label]:
    """Every labelled value of the enum, by number (UNSPECIFIED has none)."""
    return _labels(descriptor_of(enum_type))


def zh(enum_type: EnumType, value: int) -> str:
    """The Chinese label of a value; "" for UNSPECIFIED or a number the enum does not define."""
    label = labels(enum_type).get(value)
    return label.zh if label else ""


def en(enum_type: EnumType, value: int) -> str:
    """The English label of a value; "" for UNSPECIFIED or a number the enum does not define."""
    label = labels(enum_type).get(value)
    return label.en if label else ""


def _prefix(descriptor: EnumDescriptor) -> str:
    """CASE_STATE_ for CaseState: buf's lint makes every value start with it."""
    zero = descriptor.values_by_number.get(0)
    if zero is not None and zero.name.endswith("_UNSPECIFIED"):
        return zero.name.removesuffix("UNSPECIFIED")
    return ""


@cache
def _short_names(descriptor: EnumDescriptor) -> Mapping[int, str]:
    prefix = _prefix(descriptor)
    return MappingProxyType(
        {value.number: value.name.removeprefix(prefix).lower() for value in descriptor.values if value.number}
    )


def short_name(enum_type: EnumType, value: int) -> str:
    """The value's name without the enum's prefix, lower case: site_inspection; "" if unknown."""
    return _short_names(descriptor_of(enum_type)).get(value, "")


@cache
def _by_text(descriptor: EnumDescriptor) -> Mapping[str, int]:
    found: dict[str, int] = {}
    for number, label in _labels(descriptor).items():
        name = descriptor.values_by_number[number].name.lower()
        for text in {label.zh, name, _short_names(descriptor)[number]}:
            if text in found and found[text] != number:
                raise ValueError(f"{descriptor.full_name}: {text!r} names two values")
            found[text] = number
    return MappingProxyType(found)


def by_text(enum_type: EnumType) -> Mapping[str, int]:
    """The labelled values by what a person types: the Chinese label (已受理), the short name
    (accepted) or the full name (case_state_accepted), names in lower case."""
    return _by_text(descriptor_of(enum_type))
