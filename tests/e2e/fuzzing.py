"""Hypothesis strategies for any request, built from its descriptor and declared limits.

A request comes in one of three kinds, so generated calls reach the use cases as well as
the limits: every field well-formed (values the stack really holds, such as case numbers,
or values of the declared format); all well-formed but one hostile field; or every field
from the whole mix. Hostile values are just over the bound, huge, carry NUL and other
control characters, are undefined enum values or out-of-range integers, or are too many items.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf import symbol_database
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from hypothesis import strategies as st

from services.common.validation import is_opaque, limits_of

Known = Mapping[str, Sequence[Any]]

_CONTROLS = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\n", "\r", "\t", "\u202e", "\u2028"]
_RANGES = {
    FieldDescriptor.TYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SINT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_FIXED32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_UINT64: (0, 2**64 - 1),
    FieldDescriptor.TYPE_FIXED64: (0, 2**64 - 1),
}
# One huge value per request at most: several would only meet gRPC's own 4 MB limit.
_HUGE = [4096, 65_536, 1_000_000]
# Printable text, without the control characters the limits refuse anyway.
_CLEAN = st.characters(exclude_categories=("Cc", "Cs"))
_MAX_DEPTH = 3
# Stands for a request_id never used before; see Requests.fresh().
FRESH_KEY = "<fresh>"


def _with_control(text: str, control: str, at: int) -> str:
    at = min(at, len(text))
    return text[:at] + control + text[at:]


def _message_class(message_type: Descriptor) -> type[Message]:
    factory: type[Message] = symbol_database.Default().GetSymbol(message_type.full_name)
    return factory


def _assign(message: Message, field: FieldDescriptor, value: Any) -> None:
    if field.is_repeated:
        getattr(message, field.name).extend(value)
    elif field.message_type is not None:
        getattr(message, field.name).CopyFrom(value)
    else:
        setattr(message, field.name, value)


def _fields(message_type: Descriptor, depth: int) -> list[FieldDescriptor]:
    # Well-known types (timestamps, structs) carry no limits of ours; nesting stops somewhere.
    return [
        field
        for field in message_type.fields
        if field.message_type is None or not (is_opaque(field.message_type) or depth >= _MAX_DEPTH)
    ]


@dataclass(frozen=True)
class Requests:
    """Strategies for the requests of one stack; `known` maps field names to real values."""

    known: Known

    def of(self, message_type: Descriptor) -> st.SearchStrategy[Message]:
        fields = _fields(message_type, 0)
        return st.one_of(
            self.message(message_type, hostile=False),
            self._one_bad(message_type, fields) if fields else st.nothing(),
            self.message(message_type, hostile=True),
        )

    def message(
        self, message_type: Descriptor, *, hostile: bool, depth: int = 0
    ) -> st.SearchStrategy[Message]:
        fields = _fields(message_type, depth)
        values = {field.name: self.field(field, hostile=hostile, depth=depth) for field in fields}
        factory = _message_class(message_type)

        # A well-formed request sets most fields, so it gets past the use case's own checks.
        present = st.booleans() if hostile else st.sampled_from([True, True, True, False])

        @st.composite
        def build(draw: st.DrawFn) -> Message:
            message = factory()
            for field in fields:
                if draw(present):
                    _assign(message, field, draw(values[field.name]))
            return message

        return build()

    def _one_bad(self, message_type: Descriptor, fields: list[FieldDescriptor]) -> st.SearchStrategy[Message]:
        good = self.message(message_type, hostile=False)
        bad = {field.name: self.field(field, hostile=True, depth=0, huge=True) for field in fields}

        @st.composite
        def build(draw: st.DrawFn) -> Message:
            message = draw(good)
            field = draw(st.sampled_from(fields))
            message.ClearField(field.name)
            _assign(message, field, draw(bad[field.name]))
            return message

        return build()

    @staticmethod
    def fresh(message: Message, key: str) -> Message:
        """`message` with FRESH_KEY, if it holds it, replaced by `key`."""
        if getattr(message, "request_id", None) == FRESH_KEY:
            message.request_id = key  # type: ignore[attr-defined]
        return message

    # --- one field ---------------------------------------------------------------------------------

    def field(
        self, field: FieldDescriptor, *, hostile: bool, depth: int, huge: bool = False
    ) -> st.SearchStrategy[Any]:
        if field.is_repeated:
            return self._items(field, hostile=hostile, depth=depth)
        return self._value(field, hostile=hostile, depth=depth, huge=huge)

    def _items(self, field: FieldDescriptor, *, hostile: bool, depth: int) -> st.SearchStrategy[list[Any]]:
        bound = limits_of(field).max_items or 20
        item = self._value(field, hostile=hostile, depth=depth, huge=False)
        short = st.lists(item, max_size=min(bound, 5))
        if not hostile:
            return short
        return st.one_of(
            short,
            st.lists(item, min_size=bound, max_size=bound + 2),
            st.integers(bound + 1, bound * 3).map(lambda n: [self._filler(field)] * n),
        )

    def _value(
        self, field: FieldDescriptor, *, hostile: bool, depth: int, huge: bool
    ) -> st.SearchStrategy[Any]:
        kind = field.type
        if kind == FieldDescriptor.TYPE_STRING:
            good = self._good_string(field)
            return st.one_of(good, self._bad_string(field, huge=huge)) if hostile else good
        if kind == FieldDescriptor.TYPE_BYTES:
            return st.binary(max_size=(limits_of(field).max_bytes or 64) + 8)
        if kind == FieldDescriptor.TYPE_ENUM:
            assert field.enum_type is not None
            defined = st.sampled_from(sorted(field.enum_type.values_by_number))
            return st.one_of(defined, st.integers(-(2**31), 2**31 - 1)) if hostile else defined
        if kind == FieldDescriptor.TYPE_BOOL:
            return st.booleans()
        if kind in _RANGES:
            return self._integers(field, hostile=hostile)
        if kind in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
            return st.floats(width=32)
        assert field.message_type is not None
        return self.message(field.message_type, hostile=hostile, depth=depth + 1)

    def _good_string(self, field: FieldDescriptor) -> st.SearchStrategy[str]:
        limits = limits_of(field)
        known = list(self.known.get(field.name, ()))
        if field.name == "request_id":
            # The caller puts a key never used before in its place (Hypothesis repeats its draws),
            # so the call reaches the use case; known keys, among the hostile values, clash instead.
            return st.just(FRESH_KEY)
        if known:
            return st.sampled_from(known)
        if limits.pattern:
            return self._formatted(field)
        text = st.text(_CLEAN, min_size=1, max_size=min(limits.max_length or 50, 40))
        if limits.multiline:
            text = st.one_of(text, st.lists(text, min_size=2, max_size=3).map("\n".join))
        return text

    @staticmethod
    def _formatted(field: FieldDescriptor) -> st.SearchStrategy[str]:
        """Strings of the declared format, which name nothing the stack holds."""
        limits = limits_of(field)
        return st.from_regex(limits.pattern, fullmatch=True).filter(lambda s: len(s) <= limits.max_length)

    def _bad_string(self, field: FieldDescriptor, *, huge: bool) -> st.SearchStrategy[str]:
        limits = limits_of(field)
        bound = limits.max_length or 100
        known = list(self.known.get(field.name, ()))
        base = st.sampled_from(known) if known else st.text(max_size=20)
        options = [
            self._formatted(field) if limits.pattern else st.text(max_size=min(bound, 200)),
            st.text(max_size=min(bound, 200)),
            st.integers(bound + 1, bound + 40).map(lambda n: "字" * n),
            st.builds(_with_control, base, st.sampled_from(_CONTROLS), st.integers(0, 30)),
        ]
        if known:  # e.g. a request_id used before, with other content
            options.append(st.sampled_from(known))
        if huge:
            options.append(st.sampled_from(_HUGE).map(lambda n: "x" * n))
        return st.one_of(options)

    def _integers(self, field: FieldDescriptor, *, hostile: bool) -> st.SearchStrategy[int]:
        low, high = _RANGES[field.type]
        limits = limits_of(field)
        lo = limits.min if limits.HasField("min") else low
        hi = limits.max if limits.HasField("max") else high
        known = list(self.known.get(field.name, ()))
        good = st.one_of(st.sampled_from(known), st.integers(lo, hi)) if known else st.integers(lo, hi)
        if not hostile:
            return good
        edges = sorted({v for v in (lo - 1, lo, 0, hi, hi + 1, low, high) if low <= v <= high})
        return st.one_of(good, st.sampled_from(edges), st.integers(low, high))

    def _filler(self, field: FieldDescriptor) -> Any:
        """A plain item for a long list."""
        if field.message_type is not None:
            return _message_class(field.message_type)()
        if field.type == FieldDescriptor.TYPE_STRING:
            return "M01"
        if field.type == FieldDescriptor.TYPE_BYTES:
            return b"x"
        return 1
