"""Request and response bodies: binary protobuf passes through untouched; JSON is converted to
and from binary with the RPC's message types, so the backends only ever see binary."""

from __future__ import annotations

from functools import cache

import grpc
from google.protobuf import json_format, symbol_database
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import DecodeError, Message

from gateway.web.protocol import JSON, ConnectError
from services.common import contracts


@cache
def _methods() -> dict[str, MethodDescriptor]:
    return {
        f"/{service.full_name}/{method.name}": method
        for area in contracts.AREAS
        for service in contracts.services_of(area)
        for method in service.methods
    }


def _message_class(full_name: str) -> type[Message]:
    found: type[Message] = symbol_database.Default().GetSymbol(full_name)
    return found


def request_bytes(path: str, codec: str, body: bytes) -> bytes:
    """The request as the backend takes it."""
    if codec != JSON:
        return body
    message = _message_class(_methods()[path].input_type.full_name)()
    try:
        # Unknown fields are left out, as Connect's own JSON codec does.
        json_format.Parse(body.decode("utf-8") or "{}", message, ignore_unknown_fields=True)
    except (json_format.ParseError, UnicodeDecodeError, RecursionError) as exc:
        raise ConnectError(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"请求格式无效 / the request is not valid JSON for {_methods()[path].input_type.full_name}",
        ) from exc
    return message.SerializeToString()


def response_body(path: str, codec: str, response: bytes) -> bytes:
    """The backend's response in the client's codec."""
    if codec != JSON:
        return response
    message = _message_class(_methods()[path].output_type.full_name)()
    try:
        message.ParseFromString(response)
    except DecodeError as exc:
        raise ConnectError(
            grpc.StatusCode.INTERNAL, "后端答复无法解析 / the service's answer could not be read"
        ) from exc
    return json_format.MessageToJson(message, indent=None, ensure_ascii=False).encode()
