"""The gateway client: token, deadline, request ids, the safe retry and the case's trace context."""

from __future__ import annotations

import re
from typing import Any

import grpc
import pytest
from google.protobuf import descriptor_pool
from google.protobuf.message import Message
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from tongban_cli import client
from tongban_cli.client import (
    GET_CASE,
    LIST_SITES,
    SUBMIT_APPLICATION,
    WITHDRAW_CASE,
    CallRefused,
    Gateway,
    traceparent_for,
)

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


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
        def invoke(request: Message, timeout: float, metadata: list[tuple[str, str]]) -> Any:
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


# --- traceparent ------------------------------------------------------------------------------


def test_traceparent_joins_the_case_trace() -> None:
    header = traceparent_for(TRACE_ID)
    assert header is not None
    match = re.fullmatch(r"00-([0-9a-f]{32})-([0-9a-f]{16})-01", header)
    assert match is not None
    assert match.group(1) == TRACE_ID
    assert match.group(2) != "0" * 16
    # A fresh parent span id every time.
    assert len({traceparent_for(TRACE_ID) for _ in range(20)}) == 20
    assert traceparent_for(TRACE_ID, "00f067aa0ba902b7") == f"00-{TRACE_ID}-00f067aa0ba902b7-01"
    assert traceparent_for(TRACE_ID.upper()) is not None


@pytest.mark.parametrize("bad", ["", "abc", "0" * 32, "g" * 32, TRACE_ID + "0"])
def test_no_traceparent_for_an_invalid_trace_id(bad: str) -> None:
    assert traceparent_for(bad) is None


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


def test_case_then_call_in_the_case_trace() -> None:
    found = acceptance_pb2.GetCaseResponse(case=acceptance_pb2.Case(case_no="C-1", trace_id=TRACE_ID))
    channel = FakeChannel(found, acceptance_pb2.WithdrawCaseResponse())
    with Gateway("gw:1", "tok", channel=channel) as gateway:
        case, traceparent = gateway.case("C-1")
        gateway.call(
            WITHDRAW_CASE,
            acceptance_pb2.WithdrawCaseRequest(case_no="C-1", reason="不办了"),
            traceparent=traceparent,
        )
    assert channel.closed
    assert case.case_no == "C-1"
    assert channel.sent[0][0].endswith("/GetCase")
    assert dict(channel.sent[1][3])["traceparent"].startswith(f"00-{TRACE_ID}-")


def test_rpc_table_matches_the_contract() -> None:
    rpcs = [value for value in vars(client).values() if isinstance(value, client.Rpc)]
    assert len(rpcs) == 12 + 11 + 1  # catalogue and acceptance, county review, supervision
    for rpc in rpcs:
        service = descriptor_pool.Default().FindServiceByName(rpc.service)
        method = service.methods_by_name[rpc.method]
        assert method.output_type.full_name == rpc.response_type.DESCRIPTOR.full_name
        assert rpc.mutating == ("request_id" in method.input_type.fields_by_name)
    assert GET_CASE.path == "/tongban.acceptance.v1.AcceptanceService/GetCase"
