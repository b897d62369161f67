"""The browser edge's Connect rules, without a network: codes and HTTP statuses, content types,
the timeout header, the error body with google.rpc details, metadata headers, the cookie."""

from __future__ import annotations

import base64
import json

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

from gateway.web.cookies import cleared_cookie, session_cookie, token_from
from gateway.web.protocol import (
    HTTP_STATUS,
    ConnectError,
    code_name,
    codec_of,
    error_body,
    metadata_headers,
    status_details,
    timeout_seconds,
)

# The table of https://connectrpc.com/docs/protocol#error-codes, as the spec writes it.
SPEC = {
    "canceled": 499,
    "unknown": 500,
    "invalid_argument": 400,
    "deadline_exceeded": 504,
    "not_found": 404,
    "already_exists": 409,
    "permission_denied": 403,
    "resource_exhausted": 429,
    "failed_precondition": 400,
    "aborted": 409,
    "out_of_range": 400,
    "unimplemented": 501,
    "internal": 500,
    "unavailable": 503,
    "data_loss": 500,
    "unauthenticated": 401,
}


def test_every_error_code_has_the_specs_name_and_http_status() -> None:
    errors = [code for code in grpc.StatusCode if code != grpc.StatusCode.OK]
    assert {code_name(code): HTTP_STATUS[code] for code in errors} == SPEC


@pytest.mark.parametrize(
    ("content_type", "codec"),
    [
        ("application/proto", "proto"),
        ("application/json", "json"),
        ("application/json; charset=utf-8", "json"),
        ("Application/JSON", "json"),
        ("application/x-www-form-urlencoded", None),
        ("multipart/form-data; boundary=x", None),
        ("text/plain", None),
        ("application/grpc", None),
        ("application/proto; charset=utf-8", None),
        ("", None),
    ],
)
def test_only_connect_unary_content_types_are_taken(content_type: str, codec: str | None) -> None:
    assert codec_of(content_type) == codec


def test_the_timeout_header() -> None:
    assert timeout_seconds(None, 10.0) == 10.0
    assert timeout_seconds("1500", 10.0) == 1.5
    assert timeout_seconds("9999999999", 10.0) == 9999999.999
    for bad in ("", "-1", "1.5", "12345678901", "١٢"):
        with pytest.raises(ConnectError) as refused:
            timeout_seconds(bad, 10.0)
        assert refused.value.code == grpc.StatusCode.INVALID_ARGUMENT


def _details(
    *messages: error_details_pb2.BadRequest | error_details_pb2.PreconditionFailure,
) -> status_pb2.Status:
    status = status_pb2.Status(code=3, message="请求内容不符合输入要求")
    for message in messages:
        packed = any_pb2.Any()
        packed.Pack(message)
        status.details.append(packed)
    return status


def test_google_rpc_details_become_connect_error_details() -> None:
    bad = error_details_pb2.BadRequest(
        field_violations=[error_details_pb2.BadRequest.FieldViolation(field="request_id", description="太长")]
    )
    failure = error_details_pb2.PreconditionFailure(
        violations=[error_details_pb2.PreconditionFailure.Violation(type="STATE", subject="case")]
    )
    trailing = [("grpc-status-details-bin", _details(bad, failure).SerializeToString())]
    status = status_details(trailing)
    assert status is not None
    body = json.loads(error_body(ConnectError(grpc.StatusCode.INVALID_ARGUMENT, "输入有误", (status,))))
    assert body["code"] == "invalid_argument" and body["message"] == "输入有误"
    first, second = body["details"]
    assert first["type"] == "google.rpc.BadRequest"
    assert "=" not in first["value"]
    decoded = base64.b64decode(first["value"] + "=" * (-len(first["value"]) % 4))
    assert error_details_pb2.BadRequest.FromString(decoded) == bad
    assert first["debug"] == {"fieldViolations": [{"field": "request_id", "description": "太长"}]}
    assert second["type"] == "google.rpc.PreconditionFailure"


def test_an_error_without_message_or_details_is_just_its_code() -> None:
    assert json.loads(error_body(ConnectError(grpc.StatusCode.UNAVAILABLE, ""))) == {"code": "unavailable"}


def test_metadata_as_headers_and_trailer_headers() -> None:
    headers = metadata_headers(
        [("x-one", "1"), ("x-raw-bin", b"\x00\x01")],
        [("x-two", "2"), ("grpc-status-details-bin", b"\x08\x03")],
    )
    assert headers == [(b"x-one", b"1"), (b"x-raw-bin", b"AAE"), (b"trailer-x-two", b"2")]


def test_the_session_cookie() -> None:
    cookie = session_cookie("ey.a.b", 3600, secure=True).decode()
    assert cookie == "tongban_session=ey.a.b; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure"
    assert "Secure" not in session_cookie("ey.a.b", 60, secure=False).decode()
    assert "Max-Age=0" in cleared_cookie(secure=False).decode()
    assert token_from(["a=1; tongban_session=ey.a.b; c=3"]) == "ey.a.b"
    assert token_from(["tongban_session=", "other=1"]) is None
