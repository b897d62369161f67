"""The browser edge's ASGI application: Connect unary calls at /<package>.<Service>/<Method>, and
the session endpoints under /session/.

Every POST must carry `Connect-Protocol-Version: 1` and a Connect content type
(application/proto or application/json). A plain HTML form cannot set either, and a script on
another site cannot send them without a CORS preflight, which the edge never grants: so the
session cookie cannot be used from another site (with SameSite=Strict besides). The blocking
part of each call runs on a thread of the edge's own pool.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import time
import zlib
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc

from gateway.proxy import GatewayProxy, bearer_token
from gateway.web.calls import ConnectCalls, Incoming, Outgoing, error_response
from gateway.web.cookies import token_from
from gateway.web.protocol import (
    ACCEPTED,
    JSON,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    TIMEOUT_HEADER,
    ConnectError,
    codec_of,
    timeout_seconds,
)
from gateway.web.sessions import PATHS, Handler, Sessions
from gateway.web.settings import WebSettings
from gateway.web.static import BUILT, StaticFiles, is_api_path

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_ENCODINGS = ("identity", "gzip")


class _TooLarge(Exception):
    pass


class _Gone(Exception):
    """The client went away before its whole body arrived: a cut-off message is never forwarded
    (a truncated protobuf can still parse as a smaller, valid request)."""


class _BodyWatch:
    """Whether the app read the request's whole body before answering."""

    def __init__(self, scope: Scope, receive: Receive) -> None:
        declared = {key.lower(): value for key, value in scope["headers"]}
        self._has_body = declared.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in declared
        self._receive = receive
        self._ended = False

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            self._ended = True
        return message

    @property
    def left_unread(self) -> bool:
        return self._has_body and not self._ended


def _bad(message: str) -> ConnectError:
    return ConnectError(grpc.StatusCode.INVALID_ARGUMENT, message)


class ConnectEdge:
    def __init__(
        self, proxy: GatewayProxy, calls: ConnectCalls, sessions: Sessions, web: WebSettings
    ) -> None:
        self._proxy = proxy
        self._calls = calls
        self._sessions = sessions
        self._most = web.max_body_bytes
        self._pool = ThreadPoolExecutor(max_workers=web.workers, thread_name_prefix="web")
        self._static = StaticFiles(web.static_dir or BUILT)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = _BodyWatch(scope, receive)
        try:
            outgoing = await self._answer(scope, body.receive)
        except _Gone:
            return
        headers = [*outgoing.headers, (b"content-length", str(len(outgoing.body)).encode())]
        if body.left_unread:
            # Refused before its body was read: the connection cannot carry another request until
            # that body is gone, so the server closes it; saying so keeps the client from sending
            # its next request into the closing connection.
            headers.append((b"connection", b"close"))
        if not any(key == b"cache-control" for key, _value in outgoing.headers):
            # Answers name people and cases: no shared cache keeps them.
            headers.append((b"cache-control", b"no-store"))
        await send({"type": "http.response.start", "status": outgoing.status, "headers": headers})
        await send({"type": "http.response.body", "body": outgoing.body})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _answer(self, scope: Scope, receive: Receive) -> Outgoing:
        method, path = scope["method"], scope["path"]
        if method in ("GET", "HEAD") and not is_api_path(path) and self._static.available:
            return self._static.answer(path, head=method == "HEAD")
        if method != "POST":
            # Unary Connect calls are POSTs (the GET form is only for side-effect-free methods,
            # which no RPC declares).
            return Outgoing(405, [(b"allow", b"POST")], b"")
        headers: dict[str, str] = {}
        cookies: list[str] = []
        authorization: list[tuple[str, str | bytes]] = []
        for raw_key, raw_value in scope["headers"]:
            key, value = raw_key.decode("latin-1").lower(), raw_value.decode("latin-1")
            if key == "cookie":
                cookies.append(value)
            elif key == "authorization":
                authorization.append((key, value))
            else:
                headers[key] = value
        codec = codec_of(headers.get("content-type", ""))
        if codec is None or (path in PATHS and codec != JSON):
            accepted = "application/json" if path in PATHS else ACCEPTED
            return Outgoing(415, [(b"accept-post", accepted.encode())], b"")
        try:
            incoming = await self._incoming(path, codec, headers, receive)
        except ConnectError as error:
            return error_response(error)
        # A tool's bearer token first, else the browser's session cookie.
        bearer = bearer_token(authorization)
        from_cookie = None if bearer else token_from(cookies)
        token = bearer or from_cookie
        incoming = Incoming(incoming.path, codec, incoming.body, token, incoming.deadline, headers)
        loop = asyncio.get_running_loop()
        handle: Handler = self._sessions.handle if path in PATHS else self._calls.unary
        if from_cookie is not None:
            # A session in use is renewed before its token runs out (gateway/web/sessions.py).
            handle = self._sessions.renewing(handle)
        try:
            return await loop.run_in_executor(self._pool, handle, incoming)
        except Exception:
            # As over gRPC: a fault of ours is INTERNAL with a plain sentence, the trace in the log.
            log.exception("the browser edge failed on %s", path)
            return error_response(
                ConnectError(grpc.StatusCode.INTERNAL, "网关内部错误 / the gateway failed on this call")
            )

    async def _incoming(self, path: str, codec: str, headers: dict[str, str], receive: Receive) -> Incoming:
        version = headers.get(PROTOCOL_HEADER)
        if version is None:
            raise _bad(f"缺少协议头 / missing required header: set {PROTOCOL_HEADER} to {PROTOCOL_VERSION!r}")
        if version.strip() != PROTOCOL_VERSION:
            raise _bad(f"协议版本不支持 / {PROTOCOL_HEADER} must be {PROTOCOL_VERSION!r}, got {version!r}")
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in _ENCODINGS:
            raise ConnectError(
                grpc.StatusCode.UNIMPLEMENTED,
                f"不支持的压缩方式 / unknown compression {encoding!r}: supported are {', '.join(_ENCODINGS)}",
            )
        # The deadline counts from the request's arrival, as a gRPC deadline does.
        deadline = time.monotonic() + timeout_seconds(
            headers.get(TIMEOUT_HEADER), self._proxy.default_deadline
        )
        try:
            body = await self._body(receive)
            if encoding == "gzip":
                body = self._gunzip(body)
        except _TooLarge:
            raise ConnectError(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"请求过大 / the request is larger than {self._most} bytes",
            ) from None
        return Incoming(path, codec, body, None, deadline)

    async def _body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Gone
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self._most:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _gunzip(self, body: bytes) -> bytes:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            plain = decompressor.decompress(body, self._most + 1)
        except (zlib.error, gzip.BadGzipFile) as exc:
            raise _bad("请求体不是有效的 gzip / the body is not valid gzip") from exc
        if len(plain) > self._most:
            raise _TooLarge
        return plain
