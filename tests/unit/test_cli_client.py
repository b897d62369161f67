"""The gateway client: token, deadline, request ids, the safe retry and the case's trace context."""

from __future__ import annotations

import re
from typing import Any

import grpc
import pytest
from google.protobuf import descriptor_pool
from google.protobuf.message import Message
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from services.common.case_trace_ids import case_trace_ids
from tongban_cli import client, tracing
from tongban_cli.client import (
    GET_CASE,
    LIST_SITES,
    SUBMIT_APPLICATION,
    WITHDRAW_CASE,
    CallRefused,
    Gateway,
)


class Failure(grpc.RpcError):  # type: ignore[misc]
    def __init__(self, code: grpc.StatusCode, message: str = "") -> None:
        self._code = code
        self._message = message

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._message

    def trailing_metadata(self) -> tuple[()]:
        return ()


class FakeChannel:
    """Answers each call with the next scripted outcome and records what was sent."""

    def __init__(self, *outcomes: Message | Failure) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[tuple[str, bytes, float, list[tuple[str, str]]]] = []
        self.closed = False

    def unary_unary(self, path: str, request_serializer: Any, response_deserializer: Any) -> Any:
        # The tracing interceptor passes credentials, wait_for_ready and compression too.
        def invoke(request: Message, timeout: float, metadata: list[tuple[str, str]], *_options: Any) -> Any:
            self.sent.append((path, request_serializer(request), timeout, list(metadata)))
            outcome = self.outcomes.pop(0)
            if isinstance(outcome, Failure):
                raise outcome
            return response_deserializer(outcome.SerializeToString())

        return invoke

    def close(self) -> None:
        self.closed = True


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "RETRY_PAUSE_SECONDS", 0.0)


def _sent_submit(channel: FakeChannel, index: int) -> acceptance_pb2.SubmitApplicationRequest:
    return acceptance_pb2.SubmitApplicationRequest.FromString(channel.sent[index][1])


# --- the command's trace ---------------------------------------------------------------------


CASE_NO = "320826101-20260928-0001"


def _traceparent(channel: FakeChannel, index: int = 0) -> str | None:
    return dict(channel.sent[index][3]).get("traceparent")


def test_without_an_exporter_a_command_sends_the_case_root_as_parent() -> None:
    channel = FakeChannel(acceptance_pb2.WithdrawCaseResponse())
    with Gateway("gw:1", "tok", channel=channel, command="tongban case withdraw", case_no=CASE_NO) as gateway:
        gateway.call(WITHDRAW_CASE, acceptance_pb2.WithdrawCaseRequest(case_no=CASE_NO, reason="不办了"))
    ids = case_trace_ids(CASE_NO)
    # The case's root exists (acceptance made it): the gateway's span hangs under it.
    assert _traceparent(channel) == f"00-{ids.trace_id}-{ids.root_span_id}-01"
    assert channel.closed


def test_a_command_about_no_case_sends_no_trace_context() -> None:
    channel = FakeChannel(catalog_pb2.ListSitesResponse())
    with Gateway("gw:1", "tok", channel=channel, command="tongban catalog sites") as gateway:
        gateway.call(LIST_SITES, catalog_pb2.ListSitesRequest())
    assert _traceparent(channel) is None


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch) -> InMemorySpanExporter:
    """An exporter configured, as OTEL_TRACES_EXPORTER would: the command's spans land here."""
    exporter = InMemorySpanExporter()

    def provider(service_name: str) -> TracerProvider:
        made = TracerProvider(resource=Resource.create({"service.name": service_name}))
        made.add_span_processor(SimpleSpanProcessor(exporter))
        return made

    monkeypatch.setattr(tracing, "exporter_names", lambda: ["in-memory"])
    monkeypatch.setattr(tracing, "build_tracer_provider", provider)
    return exporter


def test_with_an_exporter_the_command_is_a_span_under_the_case_root(exported: InMemorySpanExporter) -> None:
    channel = FakeChannel(Failure(grpc.StatusCode.UNAVAILABLE), acceptance_pb2.WithdrawCaseResponse())
    with Gateway("gw:1", "tok", channel=channel, command="tongban case withdraw", case_no=CASE_NO) as gateway:
        gateway.call(WITHDRAW_CASE, acceptance_pb2.WithdrawCaseRequest(case_no=CASE_NO, reason="不办了"))
    spans = {span.name: span for span in exported.get_finished_spans()}
    command = spans["tongban case withdraw"]
    ids = case_trace_ids(CASE_NO)
    assert command.parent is not None and f"{command.parent.span_id:016x}" == ids.root_span_id
    assert f"{command.context.trace_id:032x}" == ids.trace_id
    assert command.attributes == {"tongban.cli.command": "tongban case withdraw", "tongban.case_no": CASE_NO}
    # One client span per attempt, under the command; each sends its own context.
    calls = [s for s in exported.get_finished_spans() if s.kind == SpanKind.CLIENT]
    assert len(calls) == 2
    assert all(call.parent is not None and call.parent.span_id == command.context.span_id for call in calls)
    assert [_traceparent(channel, i) for i in (0, 1)] == [
        f"00-{ids.trace_id}-{call.context.span_id:016x}-01" for call in calls
    ]
    assert calls[0].attributes is not None and calls[0].attributes["rpc.grpc.status_code"] == 14


def test_a_refused_command_ends_its_span_with_the_error_class_only(exported: InMemorySpanExporter) -> None:
    channel = FakeChannel(Failure(grpc.StatusCode.FAILED_PRECONDITION, "已撤回"))
    with (
        pytest.raises(CallRefused),
        Gateway("gw:1", "tok", channel=channel, command="tongban case withdraw", case_no=CASE_NO) as gateway,
    ):
        gateway.call(WITHDRAW_CASE, acceptance_pb2.WithdrawCaseRequest(case_no=CASE_NO, reason="x"))
    [command] = [s for s in exported.get_finished_spans() if s.name == "tongban case withdraw"]
    assert command.status.status_code == StatusCode.ERROR
    assert command.status.description == "CallRefused"
    assert command.attributes is not None and command.attributes["error.type"] == "CallRefused"
    assert not command.events


# --- calls ------------------------------------------------------------------------------------


def test_token_deadline_and_path() -> None:
    channel = FakeChannel(catalog_pb2.ListSitesResponse())
    Gateway("gw:1", "tok", channel=channel).call(LIST_SITES, catalog_pb2.ListSitesRequest())
    path, _body, timeout, metadata = channel.sent[0]
    assert path == "/tongban.acceptance.v1.CatalogService/ListSites"
    assert timeout == client.DEADLINE_SECONDS
    assert metadata == [("authorization", "Bearer tok")]


def test_mutating_call_gets_a_fresh_request_id() -> None:
    channel = FakeChannel(*[acceptance_pb2.SubmitApplicationResponse()] * 2)
    gateway = Gateway("gw:1", "tok", channel=channel)
    gateway.call(SUBMIT_APPLICATION, acceptance_pb2.SubmitApplicationRequest(matter_code="X"))
    gateway.call(SUBMIT_APPLICATION, acceptance_pb2.SubmitApplicationRequest(matter_code="X"))
    first, second = _sent_submit(channel, 0).request_id, _sent_submit(channel, 1).request_id
    assert re.fullmatch(r"[0-9a-f-]{36}", first)
    assert first != second


@pytest.mark.parametrize("code", [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED])
def test_retried_once_with_the_same_request_id(code: grpc.StatusCode) -> None:
    answer = acceptance_pb2.SubmitApplicationResponse(case=acceptance_pb2.Case(case_no="C-1"))
    channel = FakeChannel(Failure(code), answer)
    response = Gateway("gw:1", "tok", channel=channel).call(
        SUBMIT_APPLICATION, acceptance_pb2.SubmitApplicationRequest(matter_code="X")
    )
    assert response.case.case_no == "C-1"
    assert len(channel.sent) == 2
    assert _sent_submit(channel, 0).request_id == _sent_submit(channel, 1).request_id != ""


def test_a_second_failure_tells_how_to_repeat_safely() -> None:
    channel = FakeChannel(Failure(grpc.StatusCode.UNAVAILABLE), Failure(grpc.StatusCode.UNAVAILABLE))
    with pytest.raises(CallRefused) as refused:
        Gateway("gw:1", "tok", channel=channel).call(
            SUBMIT_APPLICATION, acceptance_pb2.SubmitApplicationRequest(matter_code="X")
        )
    request_id = _sent_submit(channel, 1).request_id
    assert refused.value.exit_code == 1
    assert "无法连接网关 gw:1" in refused.value.message
    assert f"--request-id {request_id}" in refused.value.message


def test_a_chosen_request_id_is_kept() -> None:
    channel = FakeChannel(acceptance_pb2.SubmitApplicationResponse())
    Gateway("gw:1", "tok", channel=channel, request_id="my-id").call(
        SUBMIT_APPLICATION, acceptance_pb2.SubmitApplicationRequest()
    )
    assert _sent_submit(channel, 0).request_id == "my-id"


def test_refusals_are_not_retried() -> None:
    channel = FakeChannel(Failure(grpc.StatusCode.FAILED_PRECONDITION, "已撤回"))
    with pytest.raises(CallRefused, match="已撤回"):
        Gateway("gw:1", "tok", channel=channel).call(
            WITHDRAW_CASE, acceptance_pb2.WithdrawCaseRequest(case_no="C-1")
        )
    assert len(channel.sent) == 1


def test_rpc_table_matches_the_contract() -> None:
    rpcs = [value for value in vars(client).values() if isinstance(value, client.Rpc)]
    assert len(rpcs) == 12 + 11 + 22  # catalogue and acceptance, county review, supervision
    for rpc in rpcs:
        service = descriptor_pool.Default().FindServiceByName(rpc.service)
        method = service.methods_by_name[rpc.method]
        assert method.output_type.full_name == rpc.response_type.DESCRIPTOR.full_name
        assert rpc.mutating == ("request_id" in method.input_type.fields_by_name)
    assert GET_CASE.path == "/tongban.acceptance.v1.AcceptanceService/GetCase"
