"""A small Connect unary client for the edge tests (httpx): what a browser's fetch sends."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import grpc
import httpx

PROTOCOL = {"connect-protocol-version": "1"}
# Connect code name -> the gRPC status it stands for.
CODES = {("canceled" if c == grpc.StatusCode.CANCELLED else c.name.lower()): c for c in grpc.StatusCode}


@dataclass(frozen=True)
class Answer:
    http_status: int
    code: grpc.StatusCode
    body: bytes
    error: dict[str, Any]
    headers: httpx.Headers


def answer(response: httpx.Response) -> Answer:
    if response.status_code == 200:
        return Answer(200, grpc.StatusCode.OK, response.content, {}, response.headers)
    error = response.json() if response.headers.get("content-type") == "application/json" else {}
    code = CODES[error["code"]] if error else grpc.StatusCode.UNKNOWN
    return Answer(response.status_code, code, response.content, error, response.headers)


def post(
    client: httpx.Client,
    path: str,
    body: bytes,
    *,
    codec: str = "proto",
    token: str = "",
    headers: dict[str, str] | None = None,
) -> Answer:
    sent = {**PROTOCOL, "content-type": f"application/{codec}", **(headers or {})}
    if token:
        sent["authorization"] = f"Bearer {token}"
    return answer(client.post(path, content=body, headers=sent))


def unpadded_base64(text: str) -> bytes:
    assert "=" not in text, "Connect error detail values are unpadded base64"
    return base64.b64decode(text + "=" * (-len(text) % 4))
