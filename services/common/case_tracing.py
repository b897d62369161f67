"""Spans about a case live in the case's own trace, as one tree with one root.

The root is the span that received the case (`acceptance.receive`), with the ids computed
from the case number (services.common.case_trace_ids), so clients can put their calls into
the case's trace from the case number alone; cases stored earlier keep their stored ids.
Later work about the case nests under the current span when the request is already in the
case's trace (a client that knew the case), and otherwise under the case's root with a link
to the request that caused it. An expected refusal (a DomainError) marks the span with its
code and no stack trace; an unexpected error names its class only (messages can quote data).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, NonRecordingSpan, Span, SpanContext, Status, StatusCode
from opentelemetry.util.types import AttributeValue
from sqlalchemy import event
from sqlmodel import Session

from services.common import telemetry
from services.common.case_trace_ids import CaseTraceIds, case_trace_ids
from services.common.chosen_ids import chosen_ids
from services.common.errors import DomainError

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("tongban.case")
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
CASE_NO = "tongban.case_no"


class TracedCase(Protocol):
    case_no: str
    trace_id: str
    root_span_id: str


def root_context(case: TracedCase) -> SpanContext:
    """The case's root span as a remote parent."""
    return CaseTraceIds(case.trace_id, case.root_span_id).root_context()


def _in_case_trace(case: TracedCase) -> SpanContext | None:
    """The current span's context, if the current request is already in the case's trace."""
    current = trace.get_current_span().get_span_context()
    return current if current.is_valid and f"{current.trace_id:032x}" == case.trace_id else None


@contextmanager
def case_span(name: str, case: TracedCase) -> Iterator[Span]:
    """A span about `case` in the case's trace (see the module's docstring)."""
    context: Context | None = None
    links: list[Link] = []
    if _in_case_trace(case) is None:
        request = trace.get_current_span().get_span_context()
        links = [Link(request)] if request.is_valid else []
        context = trace.set_span_in_context(NonRecordingSpan(root_context(case)))
    with _tracer.start_as_current_span(
        name, context=context, links=links, record_exception=False, set_status_on_exception=False
    ) as span:
        span.set_attribute(CASE_NO, case.case_no)
        with _outcome_on(span):
            yield span


@contextmanager
def _outcome_on(span: Span) -> Iterator[None]:
    try:
        yield
    except DomainError as refused:
        # The clerk's request was refused as designed: no error status, no traceback.
        span.set_attribute("tongban.refused", refused.code.name)
        raise
    except Exception as error:
        span.set_attribute("error.type", type(error).__qualname__)
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        raise


def event_traceparent(case: TracedCase) -> str:
    """The trace context an event about `case` is written with: the span writing it, in the
    case's trace (else the case's root). The relay sends the event under that span."""
    context = _in_case_trace(case) or root_context(case)
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


def review_trace_ids(case_no: str, traceparent: str) -> CaseTraceIds:
    """The trace ids another service keeps for a case it learnt of through an event.

    The case's computed ids when the event is in that trace; for a case stored before
    computed ids, the event's trace and the span that sent it (a span of that trace).
    """
    computed = case_trace_ids(case_no)
    match = _TRACEPARENT.match(traceparent)
    if match is None or match.group(1) == computed.trace_id:
        return computed
    return CaseTraceIds(match.group(1), match.group(2))


class CaseRoot:
    """The root span of a new case's trace, made once the transaction storing the case commits.

    Made at commit, so a use case that rolls back (its case number is then used again)
    leaves no root behind; the work of receiving the case is under the request's span,
    which the root links to.
    """

    def __init__(self, name: str, case: TracedCase) -> None:
        self._name = name
        self._case = case
        self._start = time.time_ns()
        request = trace.get_current_span().get_span_context()
        self._links = [Link(request)] if request.is_valid else []
        self._attributes: dict[str, AttributeValue] = {CASE_NO: case.case_no}
        self._armed = False

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        self._attributes[key] = value

    def arm(self, session: Session) -> None:
        if not telemetry.records_spans():
            return  # no span would be kept; listening on the session cost 2 % of a submission
        self._armed = True
        event.listen(session, "after_commit", self._emit, once=True)
        event.listen(session, "after_rollback", self._disarm, once=True)

    def _disarm(self, _session: Session) -> None:
        self._armed = False

    def _emit(self, _session: Session) -> None:
        if not self._armed:
            return
        self._armed = False
        trace_id, span_id = int(self._case.trace_id, 16), int(self._case.root_span_id, 16)
        with chosen_ids(trace_id, span_id):
            span = _tracer.start_span(
                self._name,
                # No parent: this is the root (an empty context, not the request's).
                context=Context(),
                links=self._links,
                attributes=self._attributes,
                start_time=self._start,
            )
        if span.is_recording() and span.get_span_context().span_id != span_id:
            log.warning("case roots need services.common.telemetry's tracer provider (chosen ids)")
        span.end()


@contextmanager
def case_root_span(name: str, case: TracedCase, session: Session) -> Iterator[CaseRoot]:
    """Receive a new case: its trace's root span is made if `session`'s transaction commits."""
    root = CaseRoot(name, case)
    yield root
    root.arm(session)
