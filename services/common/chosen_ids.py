"""A span whose ids are chosen in advance: the root span of a case's trace.

The SDK draws a new span's ids from its tracer provider's IdGenerator. The generator
here hands out the ids set with `chosen_ids()` to the span started inside that block,
and random ids to every other span; services.common.telemetry installs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

_chosen: ContextVar[tuple[int, int] | None] = ContextVar("tongban_chosen_span_ids", default=None)


class ChosenIdGenerator(RandomIdGenerator):
    def generate_trace_id(self) -> int:
        chosen = _chosen.get()
        return chosen[0] if chosen is not None else super().generate_trace_id()

    def generate_span_id(self) -> int:
        chosen = _chosen.get()
        return chosen[1] if chosen is not None else super().generate_span_id()

    def is_trace_id_random(self) -> bool:
        # A chosen id is a hash, not drawn at random: do not claim W3C's random flag for it.
        return _chosen.get() is None


@contextmanager
def chosen_ids(trace_id: int, span_id: int) -> Iterator[None]:
    """Start exactly one span inside: it gets these ids (with a ChosenIdGenerator installed)."""
    token = _chosen.set((trace_id, span_id))
    try:
        yield
    finally:
        _chosen.reset(token)
