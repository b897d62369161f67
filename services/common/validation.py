"""Input limits declared on request fields (`tongban.input.v1.limits`), checked on every call.

The rules of a message type are read once from its descriptor and cached, so a call only
walks the fields that have a rule. Enum fields must hold a defined value and strings must
hold no control characters, with no option needed. A violation names the field path
("applicant.name", "materials[0].material_code") and says what is allowed, in Chinese and
English; it never repeats the value, which may be personal data or a megabyte long.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError, Message
from tongban.input.v1 import input_pb2

from services.common.errors import FieldProblem, invalid_input

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import FieldOptions
    from google.protobuf.internal.extension_dict import _ExtensionFieldDescriptor

# protoc's stubs type extensions as bare FieldDescriptors; these say what they extend and hold.
_LIMITS = cast("_ExtensionFieldDescriptor[FieldOptions, input_pb2.Limits]", input_pb2.limits)
_PERSONAL = cast("_ExtensionFieldDescriptor[FieldOptions, bool]", input_pb2.personal)

# C0 and C1 controls and DEL (NUL included), and the bidirectional overrides that make a printed
# document read otherwise than what was stored. Line breaks and tabs only in multiline text.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_CONTROL_IN_TEXT = re.compile(f"[{_CONTROLS}]")
_CONTROL_IN_LINE = re.compile(f"[{_CONTROLS}\t\n\r\u2028\u2029]")

NOT_PROTOBUF = "请求格式无效 / the request is not a valid protobuf message"
_BROKEN_LIMITS = "请求内容不符合输入要求 / the request breaks the input limits"

_INTEGERS = frozenset(
    {
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT32,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_FIXED32,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_SFIXED32,
        FieldDescriptor.TYPE_SFIXED64,
    }
)


def limits_of(field: FieldDescriptor) -> input_pb2.Limits:
    """The field's declared limits (an empty Limits if it declares none)."""
    options = field.GetOptions()
    return options.Extensions[_LIMITS] if options.HasExtension(_LIMITS) else input_pb2.Limits()


def is_personal(field: FieldDescriptor) -> bool:
    return bool(field.GetOptions().Extensions[_PERSONAL])


def is_opaque(message_type: Descriptor) -> bool:
    """Well-known types (Timestamp, Struct...) carry no limits of their own and are not walked."""
    return message_type.full_name.startswith("google.protobuf.")


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


# --- descriptions: what is allowed, never the value ---------------------------------------------


def _too_long(limit: int) -> str:
    return f"最多 {limit} 个字 / at most {limit} characters"


def _too_many(limit: int) -> str:
    return f"最多 {limit} 项 / at most {limit} items"


def _too_big(limit: int) -> str:
    return f"内容过大, 最多 {limit} 字节 / too large: at most {limit} bytes"


def _wrong_format(example: str) -> str:
    if example:
        return f"格式不对, 应如 {example} / not in the expected format, e.g. {example}"
    return "格式不对 / not in the expected format"


_CONTROL_TEXT = "不能含控制字符 / must not contain control characters"
_CONTROL_LINE = (
    "不能含换行、制表符等控制字符 / must not contain line breaks, tabs or other control characters"
)
_UNDEFINED = "不是可选的值 / not one of the defined values"


# --- the rules of one field ------------------------------------------------------------------------

# A value's problem (a description), or None when it is fine.
_ValueCheck = Callable[[Any], "str | None"]


def _string_check(limits: input_pb2.Limits) -> _ValueCheck:
    control = _CONTROL_IN_TEXT if limits.multiline else _CONTROL_IN_LINE
    control_problem = _CONTROL_TEXT if limits.multiline else _CONTROL_LINE
    pattern = re.compile(limits.pattern) if limits.pattern else None

    def check(value: str) -> str | None:
        # Length first: nothing else is worth running over an oversized value.
        if limits.max_length and len(value) > limits.max_length:
            return _too_long(limits.max_length)
        if control.search(value):
            return control_problem
        if pattern is not None and value and not pattern.fullmatch(value):
            return _wrong_format(limits.example)
        return None

    return check


def _bytes_check(limits: input_pb2.Limits) -> _ValueCheck:
    def check(value: bytes) -> str | None:
        return _too_big(limits.max_bytes) if limits.max_bytes and len(value) > limits.max_bytes else None

    return check


def _integer_check(limits: input_pb2.Limits) -> _ValueCheck:
    low = limits.min if limits.HasField("min") else None
    high = limits.max if limits.HasField("max") else None

    def check(value: int) -> str | None:
        if low is not None and value < low:
            return f"不能小于 {low} / must be at least {low}"
        if high is not None and value > high:
            return f"不能大于 {high} / must be at most {high}"
        return None

    return check


def _enum_check(field: FieldDescriptor) -> _ValueCheck:
    assert field.enum_type is not None
    defined = frozenset(field.enum_type.values_by_number)

    def check(value: int) -> str | None:
        return None if value in defined else _UNDEFINED

    return check


def _opaque_check(limits: input_pb2.Limits) -> _ValueCheck:
    def check(value: Message) -> str | None:
        size = value.ByteSize()
        return _too_big(limits.max_bytes) if limits.max_bytes and size > limits.max_bytes else None

    return check


@dataclass(frozen=True)
class _FieldRule:
    name: str
    repeated: bool
    # Repeated fields: most items (0: no bound).
    max_items: int
    # A singular message field is checked only when set.
    message: bool
    # Message fields whose own rules apply; otherwise `value_check` (None: items are only counted).
    walked: bool
    value_check: _ValueCheck | None

    def problems(self, message: Message, path: str) -> list[FieldProblem]:
        if not self.repeated:
            if self.message and not message.HasField(self.name):
                return []
            return self._value_problems(getattr(message, self.name), path)
        items = getattr(message, self.name)
        if self.max_items and len(items) > self.max_items:
            return [FieldProblem(path, _too_many(self.max_items))]
        found: list[FieldProblem] = []
        if self.walked or self.value_check is not None:
            for index, item in enumerate(items):
                found += self._value_problems(item, f"{path}[{index}]")
        return found

    def _value_problems(self, value: Any, path: str) -> list[FieldProblem]:
        if self.walked:
            return problems(value, f"{path}.")
        problem = self.value_check(value) if self.value_check is not None else None
        return [FieldProblem(path, problem)] if problem else []


def _rule(field: FieldDescriptor) -> _FieldRule | None:
    """How to check one field, or None when nothing about it can be wrong."""
    limits = limits_of(field)
    check: _ValueCheck | None = None
    walked = False
    if _is_map(field):
        pass  # only counted: map entries cannot carry options
    elif field.type == FieldDescriptor.TYPE_STRING:
        check = _string_check(limits)
    elif field.type == FieldDescriptor.TYPE_BYTES:
        check = _bytes_check(limits)
    elif field.type == FieldDescriptor.TYPE_ENUM:
        check = _enum_check(field)
    elif field.type in _INTEGERS and (limits.HasField("min") or limits.HasField("max")):
        check = _integer_check(limits)
    elif field.message_type is not None:
        if not is_opaque(field.message_type):
            walked = True
        elif limits.max_bytes:
            check = _opaque_check(limits)
    if check is None and not walked and not (field.is_repeated and limits.max_items):
        return None
    return _FieldRule(
        name=field.name,
        repeated=field.is_repeated,
        max_items=limits.max_items if field.is_repeated else 0,
        message=field.message_type is not None,
        walked=walked,
        value_check=check,
    )


@cache
def _rules(message_type: Descriptor) -> tuple[_FieldRule, ...]:
    return tuple(rule for field in message_type.fields if (rule := _rule(field)) is not None)


# --- checking a request ------------------------------------------------------------------------------


def problems(message: Message, prefix: str = "") -> list[FieldProblem]:
    """Every limit `message` breaks, with its field path (prefixed by `prefix`)."""
    found: list[FieldProblem] = []
    for rule in _rules(message.DESCRIPTOR):
        found += rule.problems(message, prefix + rule.name)
    return found


def check(message: Message) -> None:
    """Raise INVALID_ARGUMENT listing every limit `message` breaks."""
    found = problems(message)
    if found:
        raise invalid_input(_BROKEN_LIMITS, found)


def decode(parse: Callable[[bytes], Message], body: bytes) -> Message:
    """The request parsed from its wire bytes; INVALID_ARGUMENT (not INTERNAL) if it is no protobuf."""
    try:
        return parse(body)
    except DecodeError:
        raise invalid_input(NOT_PROTOBUF, []) from None


# --- reading the declarations (tests, masking) ---------------------------------------------------------


def unbounded_fields(message_type: Descriptor) -> list[str]:
    """Paths of string, bytes, repeated and well-known-type fields that declare no bound."""
    return _unbounded(message_type, "", frozenset())


def _unbounded(message_type: Descriptor, prefix: str, seen: frozenset[str]) -> list[str]:
    if message_type.full_name in seen:
        return []
    seen = seen | {message_type.full_name}
    found: list[str] = []
    for field in message_type.fields:
        path = prefix + field.name
        limits = limits_of(field)
        if _is_map(field):
            found.append(f"{path} (map fields are not supported in requests)")
            continue
        if field.is_repeated and not limits.max_items:
            found.append(f"{path} (max_items)")
        if field.type == FieldDescriptor.TYPE_STRING and not limits.max_length:
            found.append(f"{path} (max_length)")
        elif field.type == FieldDescriptor.TYPE_BYTES and not limits.max_bytes:
            found.append(f"{path} (max_bytes)")
        elif field.message_type is not None:
            if not is_opaque(field.message_type):
                found += _unbounded(field.message_type, f"{path}.", seen)
            elif _can_grow(field.message_type) and not limits.max_bytes:
                found.append(f"{path} (max_bytes)")
    return found


def _can_grow(message_type: Descriptor) -> bool:
    """Whether a message can be arbitrarily large (Struct, Any) or not (Timestamp)."""
    return any(
        field.is_repeated
        or field.message_type is not None
        or field.type in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES)
        for field in message_type.fields
    )


def personal_fields(message_type: Descriptor) -> list[str]:
    """Paths of the fields marked `personal`, through nested messages (e.g. "applicant.name")."""
    return _personal(message_type, "", frozenset())


def _personal(message_type: Descriptor, prefix: str, seen: frozenset[str]) -> list[str]:
    if message_type.full_name in seen or is_opaque(message_type):
        return []
    seen = seen | {message_type.full_name}
    found: list[str] = []
    for field in message_type.fields:
        if is_personal(field):
            found.append(prefix + field.name)
        elif field.message_type is not None and not _is_map(field):
            found += _personal(field.message_type, f"{prefix}{field.name}.", seen)
    return found


_SEGMENT = re.compile(r"(\w+)(?:\[(\d+)\])?")


def field_label(message_type: Descriptor, path: str) -> str:
    """What a person calls the field at `path` ("materials[1].material_code" → "材料第2项 材料编码"),
    from the labels declared with the limits; the path itself where a field declares none."""
    parts: list[str] = []
    current: Descriptor | None = message_type
    for segment in path.split("."):
        match = _SEGMENT.fullmatch(segment)
        field = current.fields_by_name.get(match.group(1)) if match and current is not None else None
        if field is None or match is None:
            return path
        name = limits_of(field).label or field.name
        parts.append(f"{name}第{int(match.group(2)) + 1}项" if match.group(2) is not None else name)
        current = field.message_type
    # The innermost name says what the field is; an indexed parent says which item.
    return " ".join([*(part for part in parts[:-1] if "第" in part), parts[-1]])


def unlabelled_fields(message_type: Descriptor) -> list[str]:
    """Paths of the fields (through nested messages) that declare no label."""
    found: list[str] = []
    for field in message_type.fields:
        if not limits_of(field).label:
            found.append(field.name)
        if field.message_type is not None and not is_opaque(field.message_type) and not _is_map(field):
            found += [f"{field.name}.{path}" for path in unlabelled_fields(field.message_type)]
    return found
