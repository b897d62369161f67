"""The edge as Connect's own Python client (connectrpc, the kept library) sees it: an
implementation of the protocol other than ours, so our reading of the spec is checked against
theirs (binary and JSON, gzip requests, timeouts, errors with google.rpc details)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from connectrpc.client import ConnectClientSync
from connectrpc.code import Code
from connectrpc.compat import google_protobuf_binary_codec, google_protobuf_json_codec
from connectrpc.errors import ConnectError
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def _method(service: str, name: str, request: type[Message], response: type[Message]) -> MethodInfo:
    return MethodInfo(
        name=name,
        service_name=service,
        input=request,
        output=response,
        idempotency_level=IdempotencyLevel.UNKNOWN,
        stream_type=StreamType.UNARY,
    )


LIST_MATTERS = _method(
    "tongban.acceptance.v1.CatalogService",
    "ListMatters",
    catalog_pb2.ListMattersRequest,
    catalog_pb2.ListMattersResponse,
)
SUBMIT = _method(
    "tongban.acceptance.v1.AcceptanceService",
    "SubmitApplication",
    acceptance_pb2.SubmitApplicationRequest,
    acceptance_pb2.SubmitApplicationResponse,
)


@pytest.fixture(scope="module")
def clerk(e2e: Stack) -> str:
    return e2e.token("clerk-gaogou")


@pytest.fixture(params=["proto", "json"])
def client(request: pytest.FixtureRequest, e2e: Stack) -> Iterator[ConnectClientSync]:
    codec = google_protobuf_binary_codec() if request.param == "proto" else google_protobuf_json_codec()
    # Requests gzip-compressed, the client's default.
    with ConnectClientSync(e2e.web, codec=codec, timeout_ms=10_000) as opened:
        yield opened


def test_a_call_in_either_codec(client: ConnectClientSync, clerk: str) -> None:
    reply = client.execute_unary(
        request=catalog_pb2.ListMattersRequest(keyword="户口"),
        method=LIST_MATTERS,
        headers={"authorization": f"Bearer {clerk}"},
    )
    assert [matter.code for matter in reply.matters] == ["320826-GA-QT-001"]


def test_errors_and_their_details(client: ConnectClientSync, clerk: str) -> None:
    with pytest.raises(ConnectError) as unauthenticated:
        client.execute_unary(request=catalog_pb2.ListMattersRequest(), method=LIST_MATTERS)
    assert unauthenticated.value.code == Code.UNAUTHENTICATED
    with pytest.raises(ConnectError) as invalid:
        client.execute_unary(
            request=acceptance_pb2.SubmitApplicationRequest(request_id="no spaces"),
            method=SUBMIT,
            headers={"authorization": f"Bearer {clerk}"},
        )
    assert invalid.value.code == Code.INVALID_ARGUMENT
    assert invalid.value.message.startswith("请求内容不符合输入要求")
    [detail] = invalid.value.details
    assert detail.type_name == "google.rpc.BadRequest"
    bad_request = error_details_pb2.BadRequest.FromString(detail.message_bytes)
    assert [violation.field for violation in bad_request.field_violations] == ["request_id"]


def test_a_deadline_too_short_is_deadline_exceeded(client: ConnectClientSync, clerk: str) -> None:
    with pytest.raises(ConnectError) as late:
        client.execute_unary(
            request=catalog_pb2.ListMattersRequest(),
            method=LIST_MATTERS,
            headers={"authorization": f"Bearer {clerk}"},
            timeout_ms=1,
        )
    assert late.value.code == Code.DEADLINE_EXCEEDED
