"""Spans about a case live in the case's own trace, whichever request caused them.

The case's trace starts with the request that received it; later requests (other
days, other services) put their spans under that trace and link the request's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from opentelemetry import trace
from opentelemetry.trace import Link, NonRecordingSpan, Span, SpanContext, TraceFlags

_tracer = trace.get_tracer("tongban.case")


def current_ids() -> tuple[str, str]:
    """(trace id, span id) of the current span, as hex."""
    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


def case_traceparent(trace_id: str, span_id: str) -> str:
    return f"00-{trace_id}-{span_id}-01"


_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def case_ids_from(traceparent: str) -> tuple[str, str]:
    """(trace id, span id) of a case's traceparent; a case without one starts a trace here."""
    match = _TRACEPARENT.match(traceparent)
    return (match.group(1), match.group(2)) if match else current_ids()


class TracedCase(Protocol):
    case_no: str
    trace_id: str
    root_span_id: str


@contextmanager
def case_span(name: str, case: TracedCase) -> Iterator[Span]:
    request = trace.get_current_span().get_span_context()
    parent = SpanContext(
        trace_id=int(case.trace_id, 16),
        span_id=int(case.root_span_id, 16),
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    links = [Link(request)] if request.is_valid and request.trace_id != parent.trace_id else []
    context = trace.set_span_in_context(NonRecordingSpan(parent))
    with _tracer.start_as_current_span(name, context=context, links=links) as span:
        span.set_attribute("tongban.case_no", case.case_no)
        yield span


@contextmanager
def new_case_span(name: str) -> Iterator[Span]:
    with _tracer.start_as_current_span(name) as span:
        yield span
