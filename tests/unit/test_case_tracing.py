"""A case's trace as a tree: its computed ids, its root made at commit, spans nested or linked."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, StatusCode
from sqlalchemy import text

from services.common.case_trace_ids import CaseTraceIds, case_trace_ids
from services.common.case_tracing import case_root_span, case_span, event_traceparent, review_trace_ids
from services.common.db import Database
from services.common.errors import wrong_state

CASE_NO = "320826101-20260928-0001"
_tracer = trace.get_tracer("tests")


@dataclass
class Case:
    case_no: str
    trace_id: str
    root_span_id: str


def _new_case(case_no: str = CASE_NO) -> Case:
    ids = case_trace_ids(case_no)
    return Case(case_no, ids.trace_id, ids.root_span_id)


def _hex(span: ReadableSpan) -> tuple[str, str]:
    assert span.context is not None
    return f"{span.context.trace_id:032x}", f"{span.context.span_id:016x}"


def _parent(span: ReadableSpan) -> str:
    return f"{span.parent.span_id:016x}" if span.parent is not None else ""


def _named(recorded: InMemorySpanExporter, name: str) -> ReadableSpan:
    [span] = [s for s in recorded.get_finished_spans() if s.name == name]
    return span


def test_the_ids_come_from_the_case_number_alone() -> None:
    ids = case_trace_ids(CASE_NO)
    assert ids == case_trace_ids(f" {CASE_NO} ") != case_trace_ids("320826101-20260928-0002")
    # Pinned: every client and service must compute the same ids, release after release.
    assert ids == CaseTraceIds("30e51589cdc310f87d2f9ddca714fdd0", "423f0c7b0138468b")
    root = ids.root_context()
    assert (f"{root.trace_id:032x}", f"{root.span_id:016x}") == (ids.trace_id, ids.root_span_id)
    assert root.is_remote and root.trace_flags.sampled


def test_the_root_is_made_with_the_case_ids_once_the_case_is_stored(recorded: InMemorySpanExporter) -> None:
    case = _new_case()
    database = Database("sqlite://", [])
    with _tracer.start_as_current_span("SubmitApplication") as request, database.transaction() as session:
        session.execute(text("SELECT 1"))
        with case_root_span("acceptance.receive", case, session) as root:
            root.set_attribute("tongban.matter_code", "320826-NJ-XK-001")
        assert not [s for s in recorded.get_finished_spans() if s.name == "acceptance.receive"]
    made = _named(recorded, "acceptance.receive")
    assert _hex(made) == (case.trace_id, case.root_span_id)
    assert made.parent is None
    assert dict(made.attributes or {}) == {
        "tongban.case_no": CASE_NO,
        "tongban.matter_code": "320826-NJ-XK-001",
    }
    # The request that received it is linked (it began before the case had a number).
    assert [link.context.span_id for link in made.links] == [request.get_span_context().span_id]
    database.dispose()


def test_a_case_rolled_back_leaves_no_root(recorded: InMemorySpanExporter) -> None:
    database = Database("sqlite://", [])
    with pytest.raises(RuntimeError), database.transaction() as session:
        session.execute(text("SELECT 1"))
        with case_root_span("acceptance.receive", _new_case(), session):
            pass
        # Its number is taken again by the next case: a root here would be a second root there.
        raise RuntimeError("the use case failed after receiving")
    assert [s.name for s in recorded.get_finished_spans() if s.name == "acceptance.receive"] == []
    database.dispose()


def test_work_in_the_case_trace_nests_under_the_current_span(recorded: InMemorySpanExporter) -> None:
    case = _new_case()
    inside = trace.set_span_in_context(NonRecordingSpan(case_trace_ids(CASE_NO).root_context()))
    with (
        _tracer.start_as_current_span("CompleteStep", context=inside) as call,
        case_span("approval.complete", case),
    ):
        written = event_traceparent(case)
    span = _named(recorded, "approval.complete")
    assert _parent(span) == f"{call.get_span_context().span_id:016x}"
    assert not span.links
    assert written == f"00-{case.trace_id}-{_hex(span)[1]}-01"


def test_work_from_outside_the_trace_goes_under_the_root_with_a_link(recorded: InMemorySpanExporter) -> None:
    case = _new_case()
    with _tracer.start_as_current_span("GetReview") as call, case_span("approval.get_review", case):
        pass
    span = _named(recorded, "approval.get_review")
    assert _hex(span)[0] == case.trace_id and _parent(span) == case.root_span_id
    assert [link.context.span_id for link in span.links] == [call.get_span_context().span_id]
    # An event written outside the case's trace points at the root.
    assert event_traceparent(case) == f"00-{case.trace_id}-{case.root_span_id}-01"


def test_a_refusal_is_no_error_and_carries_no_stack_trace(recorded: InMemorySpanExporter) -> None:
    with pytest.raises(Exception, match="wrong"), case_span("approval.decide", _new_case()):
        raise wrong_state("wrong state", [])
    refused = _named(recorded, "approval.decide")
    assert refused.status.status_code == StatusCode.UNSET
    assert (refused.attributes or {})["tongban.refused"] == "FAILED_PRECONDITION"
    assert not refused.events
    with pytest.raises(KeyError), case_span("approval.broken", _new_case()):
        raise KeyError("32082619850312002X")
    broken = _named(recorded, "approval.broken")
    assert broken.status.status_code == StatusCode.ERROR
    assert broken.status.description == "KeyError"  # the class: a message could quote data
    assert not broken.events


def test_a_review_keeps_the_case_ids_or_for_an_older_case_the_events() -> None:
    ids = case_trace_ids(CASE_NO)
    sent = f"00-{ids.trace_id}-00f067aa0ba902b7-01"
    assert review_trace_ids(CASE_NO, sent) == ids
    assert review_trace_ids(CASE_NO, "") == ids
    older = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert review_trace_ids(CASE_NO, older) == CaseTraceIds(
        "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    )
