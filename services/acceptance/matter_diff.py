"""A readable diff of two versions of a matter, field by field.

Fields are named by their path and by the Chinese label their input limits declare (one source
for what a person calls a field); enum values are printed by their labels. Materials are matched
by code, so a material moved in the list is no change; fees and steps by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from tongban.acceptance.v1 import catalog_pb2 as C

from services.common import labels
from services.common.validation import limits_of

# Set by the catalogue itself, not by the person drafting: never a change of content.
_BOOKKEEPING = frozenset({"version", "effective_on", "department_name"})


@dataclass(frozen=True)
class Change:
    path: str
    label: str
    before: str
    after: str

    def line(self) -> str:
        if not self.before:
            return f"+ {self.label}: {self.after}"
        if not self.after:
            return f"- {self.label}: {self.before}"
        return f"~ {self.label}: {self.before} → {self.after}"


def _label(field: FieldDescriptor) -> str:
    return limits_of(field).label or field.name


def _scalar(field: FieldDescriptor, value: object) -> str:
    if field.type == FieldDescriptor.TYPE_ENUM:
        assert field.enum_type is not None and isinstance(value, int)
        return labels.zh(field.enum_type, value) or ""
    if field.type == FieldDescriptor.TYPE_BOOL:
        return "是" if value else ""
    text = str(value)
    return "" if text == "0" and field.type != FieldDescriptor.TYPE_STRING else text


def _flatten(message: Message, path: str = "", label: str = "") -> dict[str, tuple[str, str]]:
    """path -> (label, printed value) of every field that holds something."""
    found: dict[str, tuple[str, str]] = {}
    # protobuf's stubs add upb's Descriptor to the union; both are the same descriptor API.
    descriptor = cast(Descriptor, message.DESCRIPTOR)
    for field in descriptor.fields:
        if not path and field.name in _BOOKKEEPING:
            continue
        name, title = f"{path}{field.name}", f"{label}{_label(field)}"
        value = getattr(message, field.name)
        if field.type == FieldDescriptor.TYPE_MESSAGE and field.is_repeated:
            for i, item in enumerate(value):
                key = getattr(item, "code", "") or str(i + 1)
                found |= _flatten(item, f"{name}[{key}].", f"{title} {key} ")
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            found |= _flatten(value, f"{name}.", f"{title} ")
        elif field.is_repeated:
            printed = "、".join(_scalar(field, v) for v in value)
            if printed:
                found[name] = (title, printed)
        else:
            printed = _scalar(field, value)
            if printed:
                found[name] = (title, printed)
    return found


def diff(before: C.Matter, after: C.Matter) -> list[Change]:
    old, new = _flatten(before), _flatten(after)
    changes = []
    for path in [*old, *(p for p in new if p not in old)]:
        was, now = old.get(path, ("", ""))[1], new.get(path, ("", ""))[1]
        if was != now:
            changes.append(Change(path, (new.get(path) or old[path])[0], was, now))
    return changes


def text(changes: list[Change]) -> str:
    return "\n".join(change.line() for change in changes) if changes else "无变化 / no changes"
