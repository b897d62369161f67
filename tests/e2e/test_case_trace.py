"""A case's trace is one tree a platform engineer can read, checked at an independent OTLP receiver.

A county case goes round the 县乡同办 loop through the `tongban` CLI (which exports its own
spans) and direct gRPC (one client sending the case's trace context without spans of its
own, one sending none); then its trace has exactly one root, no span whose parent is missing,
the deliveries between services as producer/consumer spans, the SQL statements, the code a
refused call ended with, and no personal data anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from tongban.acceptance.v1 import acceptance_pb2 as S
from tongban.acceptance.v1 import acceptance_pb2_grpc
from tongban.approval.v1 import approval_pb2 as A
from tongban.approval.v1 import approval_pb2_grpc

from services.common.case_trace_ids import case_trace_ids
from tests.e2e.collector import ReceivedSpan
from tests.e2e.conftest import Stack, running_stack
from tests.support import fresh_postgres_databases, wait_until

TRACTOR = "320826-NJ-XK-001"  # 县乡同办: 乡镇初审 (township), 部门审核 and 审批决定 (NJ)
CLERK, REVIEWER = "clerk-gaogou", "reviewer-nj"
NAME, ID_NUMBER, PHONE = "王秀英", "32082619850312002X", "13912345678"
PERSONAL = [NAME, ID_NUMBER, PHONE]
APPROVAL = "/tongban.approval.v1.ReviewService"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if request.param == "sqlite":
        with running_stack(tmp_path_factory.mktemp("trace-sqlite")) as started:
            yield started
        return
    with (
        fresh_postgres_databases(["acceptance", "approval", "staff", "supervision"]) as url,
        running_stack(tmp_path_factory.mktemp("trace-pg"), database_url=url) as started,
    ):
        yield started


def _metadata(stack: Stack, user: str, traceparent: str = "") -> list[tuple[str, str]]:
    metadata = [("authorization", f"Bearer {stack.token(user)}")]
    return [*metadata, ("traceparent", traceparent)] if traceparent else metadata


def _steps(stack: Stack, user: str, case_no: str) -> list[Any]:
    review = stack.cli_json(user, "review", "show", case_no)["review"]
    return list(review["steps"])


def _active_step(stack: Stack, user: str, case_no: str) -> int:
    [step] = [s for s in _steps(stack, user, case_no) if s["state"] == "STEP_STATE_ACTIVE"]
    return int(step["number"])


def _drive_the_loop(county: Stack) -> str:
    """The 县乡同办 loop for one case; returns its case number."""
    county.set_clock("2026-09-28T09:30:00+08:00")
    submitted = county.cli_json(
        CLERK,
        "case",
        "submit",
        "--matter",
        TRACTOR,
        "--window",
        "320826101-W01",
        *("--person", NAME, "--id", ID_NUMBER, "--phone", PHONE),
        *(arg for code in ("M01", "M02", "M03", "M04", "M05") for arg in ("--material", code)),
    )
    case = submitted["case"]
    case_no = str(case["caseNo"])
    assert case["traceId"] == case_trace_ids(case_no).trace_id
    county.cli(CLERK, "case", "show", case_no)

    # A client that knows nothing of tracing: its requests are traces of their own.
    channel = grpc.insecure_channel(county.gateway)
    reviews = approval_pb2_grpc.ReviewServiceStub(channel)
    wait_until(lambda: _review_is_open(reviews, county, case_no), what="the review to open")

    county.set_clock("2026-09-29T10:00:00+08:00")
    county.cli(CLERK, "review", "approve", case_no, str(_active_step(county, CLERK, case_no)))

    county.set_clock("2026-09-30T09:00:00+08:00")
    refused = county.cli(REVIEWER, "review", "decide", case_no, "grant", check=False)
    assert refused.returncode == 1, refused.stdout
    step = _active_step(county, REVIEWER, case_no)
    county.cli(REVIEWER, "review", "claim", case_no, str(step))
    # A client without spans of its own that sends the case's context (computed from the number).
    ids = case_trace_ids(case_no)
    reviews.CompleteStep(
        A.CompleteStepRequest(
            request_id=f"trace-{time.time_ns()}", case_no=case_no, step_number=step, verdict=A.VERDICT_APPROVE
        ),
        metadata=_metadata(county, REVIEWER, f"00-{ids.trace_id}-{ids.root_span_id}-01"),
        timeout=10,
    )
    county.cli(REVIEWER, "review", "decide", case_no, "grant")

    cases = acceptance_pb2_grpc.AcceptanceServiceStub(channel)
    wait_until(
        lambda: (
            cases.GetCase(
                S.GetCaseRequest(case_no=case_no), metadata=_metadata(county, CLERK), timeout=10
            ).case.state
            == S.CASE_STATE_DECIDED
        ),
        what="the decision at the window",
    )
    county.set_clock("2026-10-13T10:00:00+08:00")
    county.cli(CLERK, "case", "issue", case_no, "--result", "核发登记证书", "--recipient", NAME)
    channel.close()
    return case_no


def _review_is_open(reviews: approval_pb2_grpc.ReviewServiceStub, county: Stack, case_no: str) -> bool:
    try:
        reviews.GetReview(
            A.GetReviewRequest(case_no=case_no), metadata=_metadata(county, REVIEWER), timeout=10
        )
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.NOT_FOUND:
            raise
        return False
    return True


class Trace:
    """The spans of one trace, by id, with their parents."""

    def __init__(self, spans: list[ReceivedSpan]) -> None:
        self.spans = spans
        self.by_id = {span.span_id: span for span in spans}

    def named(self, name: str, service: str = "") -> list[ReceivedSpan]:
        return [s for s in self.spans if s.name == name and (not service or s.service == service)]

    def one(self, name: str, service: str = "") -> ReceivedSpan:
        [span] = self.named(name, service)
        return span

    def parent(self, span: ReceivedSpan) -> ReceivedSpan:
        return self.by_id[span.parent_span_id]

    def ancestors(self, span: ReceivedSpan) -> list[ReceivedSpan]:
        chain = []
        while span.parent_span_id:
            span = self.parent(span)
            chain.append(span)
        return chain

    def dangling(self) -> list[ReceivedSpan]:
        return [s for s in self.spans if s.parent_span_id and s.parent_span_id not in self.by_id]


def _case_trace(county: Stack, trace_id: str) -> Trace:
    wanted = {
        "acceptance.receive",
        "approval.open_review",
        "approval.decide",
        "acceptance.record_decision",
        "acceptance.issue",
        "tongban case issue",
        "process CaseResultIssued",  # the last delivery, to supervision
    }

    def complete() -> Trace | None:
        found = Trace([s for s in county.collector.snapshot() if s.trace_id == trace_id])
        names = {s.name for s in found.spans}
        # Spans arrive in batches from five processes: wait until the tree has closed up.
        return found if wanted <= names and not found.dangling() else None

    return wait_until(complete, what="the case's whole trace at the collector")


@pytest.fixture(scope="module")
def case_trace(county: Stack) -> tuple[str, Trace]:
    case_no = _drive_the_loop(county)
    return case_no, _case_trace(county, case_trace_ids(case_no).trace_id)


def test_one_root_and_every_parent_in_the_trace(case_trace: tuple[str, Trace]) -> None:
    case_no, tree = case_trace
    ids = case_trace_ids(case_no)
    [root] = [s for s in tree.spans if not s.parent_span_id]
    assert (root.name, root.service, root.span_id) == (
        "acceptance.receive",
        "tongban-acceptance",
        ids.root_span_id,
    )
    assert root.attributes["tongban.case_no"] == case_no
    # The submitting request is a trace of its own (the case had no number yet): linked.
    assert len(root.links) == 1 and root.links[0][0] != ids.trace_id
    assert tree.dangling() == []
    assert len(tree.by_id) == len(tree.spans), "a span id twice in one trace"
    # Every span about the case is in it.
    assert {s.service for s in tree.spans} >= {
        "tongban-cli",
        "tongban-gateway",
        "tongban-acceptance",
        "tongban-approval",
        "tongban-supervision",
    }


def test_work_sits_under_the_call_that_caused_it(case_trace: tuple[str, Trace]) -> None:
    _case_no, tree = case_trace
    approve = tree.named("approval.complete_step")
    assert len(approve) == 2
    by_cli = next(s for s in approve if "tongban review approve" in [a.name for a in tree.ancestors(s)])
    chain = [(a.service, a.kind, a.name) for a in tree.ancestors(by_cli)]
    assert chain == [
        ("tongban-approval", "SERVER", f"{APPROVAL}/CompleteStep"),
        ("tongban-gateway", "CLIENT", f"{APPROVAL}/CompleteStep"),
        ("tongban-gateway", "SERVER", f"{APPROVAL}/CompleteStep"),
        ("tongban-cli", "CLIENT", f"{APPROVAL}/CompleteStep"),
        ("tongban-cli", "INTERNAL", "tongban review approve"),
        ("tongban-acceptance", "INTERNAL", "acceptance.receive"),
    ]
    # The client without spans of its own: the gateway's span hangs right under the root.
    by_grpc = next(s for s in approve if s is not by_cli)
    assert [a.service for a in tree.ancestors(by_grpc)] == [
        "tongban-approval",
        "tongban-gateway",
        "tongban-gateway",
        "tongban-acceptance",
    ]
    # A command's first read is in the case's trace too.
    shown = tree.one("tongban case show")
    assert tree.parent(shown).name == "acceptance.receive"
    assert "acceptance.get_case" in {s.name for s in tree.spans if shown in tree.ancestors(s)}


def test_a_request_from_outside_the_trace_is_linked(county: Stack, case_trace: tuple[str, Trace]) -> None:
    _case_no, tree = case_trace
    # The GetReview calls of the client that sends no trace context.
    outside = [s for s in tree.named("approval.get_review") if tree.parent(s).name == "acceptance.receive"]
    assert outside and all(len(s.links) == 1 for s in outside)
    linked = {span_id for s in outside for _trace, span_id in s.links}
    servers = {s.span_id: s for s in county.collector.snapshot() if s.kind == "SERVER"}
    assert {servers[span_id].name for span_id in linked} == {f"{APPROVAL}/GetReview"}


def test_deliveries_are_producer_and_consumer_spans(county: Stack, case_trace: tuple[str, Trace]) -> None:
    _case_no, tree = case_trace
    for event, writer, sender, receiver, handler in [
        (
            "CaseAccepted",
            "acceptance.receive",
            "tongban-acceptance",
            "tongban-approval",
            "approval.open_review",
        ),
        (
            "ReviewDecided",
            "approval.decide",
            "tongban-approval",
            "tongban-acceptance",
            "acceptance.record_decision",
        ),
    ]:
        destination = receiver.removeprefix("tongban-")
        [producer] = [s for s in tree.named(f"send {event} to {destination}") if s.status == "UNSET"]
        assert (producer.kind, producer.service, tree.parent(producer).name) == ("PRODUCER", sender, writer)
        [consumer] = tree.named(f"process {event}", receiver)
        assert (consumer.kind, consumer.parent_span_id) == ("CONSUMER", producer.span_id)
        assert consumer.attributes["tongban.event.outcome"] == "applied"
        assert tree.one(handler).parent_span_id == consumer.span_id
        # The batch's call is a trace of its own, linked to every producer span it carried.
        batches = [
            s
            for s in county.collector.snapshot()
            if s.name == f"deliver to {destination}" and (producer.trace_id, producer.span_id) in s.links
        ]
        assert len(batches) == 1 and not batches[0].parent_span_id
        # And the receiving call the consumer span links to is that batch's.
        [(_trace, call_id)] = consumer.links
        calls = {s.span_id: s for s in county.collector.snapshot() if s.trace_id == batches[0].trace_id}
        assert calls[call_id].name == "/tongban.events.v1.EventIntakeService/DeliverEvents"
    # Supervision receives every event in the case's trace as well.
    assert tree.named("process CaseResultIssued", "tongban-supervision")


def test_statements_are_in_the_trace_without_their_values(
    county: Stack, case_trace: tuple[str, Trace]
) -> None:
    case_no, tree = case_trace
    statements = [s for s in tree.spans if "db.statement" in s.attributes]
    assert statements and {s.kind for s in statements} == {"CLIENT"}
    # The call's statements sit under it (the UPDATE runs at commit, after the case's span).
    call = tree.parent(tree.one("acceptance.issue"))
    assert (call.kind, call.name) == ("SERVER", "/tongban.acceptance.v1.AcceptanceService/IssueResult")
    issued = [s.attributes["db.statement"] for s in statements if call in tree.ancestors(s)]
    assert any(text.startswith("UPDATE cases SET") for text in issued), issued
    texts = [s.attributes["db.statement"] for s in statements]
    assert any("?" in text or "%(" in text for text in texts)
    assert not any(case_no in text for text in texts), "a value in a statement"
    everything = county.collector.snapshot()
    # Every statement ran for some request or delivery: none is a trace of its own, and the
    # relay's polling (every 0.2 s here) is not traced at all.
    assert all(s.parent_span_id for s in everything if "db.statement" in s.attributes)
    assert not [s for s in everything if "delivered_at IS NULL" in s.attributes.get("db.statement", "")]


def test_a_refused_call_carries_its_code(case_trace: tuple[str, Trace]) -> None:
    _case_no, tree = case_trace
    decided = [s for s in tree.named(f"{APPROVAL}/DecideCase") if s.kind == "SERVER"]
    refused = [s for s in decided if s.attributes["rpc.grpc.status_code"] != "0"]
    assert len(refused) == 2  # approval's span and the gateway's
    for span in refused:
        # FAILED_PRECONDITION is the caller's problem: a server span keeps its status unset.
        assert span.attributes["rpc.grpc.status_code"] == str(grpc.StatusCode.FAILED_PRECONDITION.value[0])
        assert span.attributes["rpc.status_code"] == "FAILED_PRECONDITION"
        assert span.status == "UNSET" and "error.type" not in span.attributes
        assert "exception" not in span.event_names, "a stack trace for an expected refusal"
    assert {s.service for s in refused} == {"tongban-approval", "tongban-gateway"}
    granted = [s for s in decided if s.attributes["rpc.grpc.status_code"] == "0"]
    assert {s.attributes["rpc.status_code"] for s in granted} == {"OK"}


def test_no_personal_data_in_any_span(county: Stack, case_trace: tuple[str, Trace]) -> None:
    spans = county.collector.snapshot()
    assert case_trace[1].spans
    for span in spans:
        for value in PERSONAL:
            assert value not in span.text, f"personal data in span {span.service}/{span.name}"
