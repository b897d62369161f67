"""The Connect protocol's unary rules (https://connectrpc.com/docs/protocol), as the edge needs them.

Codes and their HTTP statuses, the content types and protocol header a request must carry, the
timeout header, the JSON error body with google.rpc details, and metadata as HTTP headers.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import grpc
from google.protobuf import json_format, symbol_database
from google.protobuf.message import DecodeError
from google.rpc import status_pb2

PROTOCOL_HEADER = "connect-protocol-version"
PROTOCOL_VERSION = "1"
TIMEOUT_HEADER = "connect-timeout-ms"
PROTO = "proto"
JSON = "json"
CONTENT_TYPES = {f"application/{PROTO}": PROTO, f"application/{JSON}": JSON}
# Accept-Post, on a 415: what the edge takes.
ACCEPTED = ", ".join(CONTENT_TYPES)
STATUS_DETAILS_HEADER = "grpc-status-details-bin"

# The spec's table: Connect code -> HTTP status (canceled is nginx's 499).
HTTP_STATUS = {
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
    grpc.StatusCode.UNAUTHENTICATED: 401,
}
# At most ten digits (the spec's grammar).
_MOST_TIMEOUT_DIGITS = 10

Headers = list[tuple[bytes, bytes]]


def code_name(code: grpc.StatusCode) -> str:
    """Connect's name of a code: gRPC's in snake case, "canceled" spelt the American way."""
    return "canceled" if code == grpc.StatusCode.CANCELLED else code.name.lower()


@dataclass(frozen=True)
class ConnectError(Exception):
    """A unary call's failure, as the edge writes it."""

    code: grpc.StatusCode
    message: str
    details: tuple[status_pb2.Status, ...] = ()
    headers: tuple[tuple[str, str | bytes], ...] = ()

    def __str__(self) -> str:
        return f"{code_name(self.code)}: {self.message}"


def codec_of(content_type: str) -> str | None:
    """ "proto" or "json" for a Connect unary content type (a charset parameter on JSON allowed)."""
    media, _, parameters = content_type.partition(";")
    codec = CONTENT_TYPES.get(media.strip().lower())
    if codec is None:
        return None
    parameter = parameters.strip().lower().replace(" ", "")
    if parameter and (codec != JSON or parameter != "charset=utf-8"):
        return None
    return codec


def timeout_seconds(value: str | None, default: float) -> float:
    """The Connect-Timeout-Ms header in seconds; the default when absent."""
    if value is None:
        return default
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > _MOST_TIMEOUT_DIGITS:
        raise ConnectError(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"Connect-Timeout-Ms 应为至多 10 位的正整数 / Connect-Timeout-Ms must be at most "
            f"{_MOST_TIMEOUT_DIGITS} digits",
        )
    return int(value) / 1000


def unpadded(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def status_details(trailing: Iterable[tuple[str, str | bytes]]) -> status_pb2.Status | None:
    """The google.rpc.Status a backend put in its trailing metadata, if any."""
    for key, value in trailing:
        if key == STATUS_DETAILS_HEADER and isinstance(value, bytes):
            status = status_pb2.Status()
            try:
                status.ParseFromString(value)
            except DecodeError:
                return None
            return status
    return None


def _debug(type_name: str, value: bytes) -> object | None:
    """The detail as JSON, for people reading it in a browser's network tab."""
    try:
        message_class = symbol_database.Default().GetSymbol(type_name)
    except KeyError:
        return None
    message = message_class()
    try:
        message.ParseFromString(value)
    except DecodeError:
        return None
    return json_format.MessageToDict(message)


def error_body(error: ConnectError) -> bytes:
    """The JSON error of the spec: code, message and each google.protobuf.Any detail."""
    details = []
    for status in error.details:
        for detail in status.details:
            type_name = detail.type_url.rpartition("/")[2]
            entry: dict[str, object] = {"type": type_name, "value": unpadded(detail.value)}
            debug = _debug(type_name, detail.value)
            if debug is not None:
                entry["debug"] = debug
            details.append(entry)
    body: dict[str, object] = {"code": code_name(error.code)}
    if error.message:
        body["message"] = error.message
    if details:
        body["details"] = details
    return json.dumps(body, ensure_ascii=False).encode()


def header_value(key: str, value: str | bytes) -> bytes:
    """A metadata value as an HTTP header value: binary ("-bin") ones in unpadded base64."""
    if key.endswith("-bin"):
        return unpadded(value if isinstance(value, bytes) else value.encode()).encode()
    return value.encode() if isinstance(value, str) else value


def metadata_headers(
    initial: Sequence[tuple[str, str | bytes]], trailing: Sequence[tuple[str, str | bytes]]
) -> Headers:
    """Leading metadata as headers, trailing metadata as "trailer-" headers (the unary rule);
    the status details travel in the error body instead."""
    headers = [(key.encode(), header_value(key, value)) for key, value in initial]
    headers += [
        (f"trailer-{key}".encode(), header_value(key, value))
        for key, value in trailing
        if key != STATUS_DETAILS_HEADER
    ]
    return headers
