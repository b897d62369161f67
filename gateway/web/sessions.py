"""Browser sessions: signing in through the staff service's Login (as `tongban login` does) puts
the token in the session cookie, never in the page; `me` says who the cookie's token names and
until when; signing out clears the cookie.

A session lasts while it is used: a call signed in by the cookie whose token has lived half its
lifetime first renews it (the staff service's RefreshToken, by the same path as Login) and sets
the new token in the cookie with its answer. A console left idle makes no calls, so its token
expires. A renewal the staff service refuses (the account was disabled or removed) ends the
session: the call is refused and the cookie cleared, as it is for a cookie whose token the
gateway refuses.

The endpoints take and answer JSON only, under the same checks as the RPCs (Connect's protocol
header and content type), so another site's page cannot post to them either.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import grpc
import jwt
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from opentelemetry.trace import TracerProvider
from tongban.staff.v1 import accounts_pb2

from gateway.proxy import GatewayProxy, Refusal
from gateway.web import codec
from gateway.web.calls import Incoming, Outgoing, content_type, error_response, from_refusal
from gateway.web.cookies import cleared_cookie, session_cookie
from gateway.web.protocol import JSON, ConnectError
from gateway.web.tracing import server_span
from services.common.server_spans import record_code
from services.common.tokens import WINDOW_CLAIM

log = logging.getLogger(__name__)

LOGIN = "/tongban.staff.v1.AccountService/Login"
REFRESH = "/tongban.staff.v1.AccountService/RefreshToken"
PATHS = frozenset({"/session/login", "/session/logout", "/session/me"})
# Signing in and out replace the cookie whatever it holds: nothing to renew there.
_NOT_RENEWED = frozenset({"/session/login", "/session/logout"})
# The share of a token's lifetime after which the next call renews it.
RENEW_AFTER = 0.5

Handler = Callable[[Incoming], Outgoing]


@dataclass(frozen=True)
class _Renewal:
    """The token a call goes on with, and the Set-Cookie that stores it when it is a new one."""

    token: str
    cookie: bytes | None = None


def _json(payload: object, *extra: tuple[bytes, bytes]) -> Outgoing:
    return Outgoing(200, [content_type(JSON), *extra], json.dumps(payload, ensure_ascii=False).encode())


def _claims(token: str) -> dict[str, object]:
    # Only after the gateway verified it: the claims are read, not trusted, here.
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def _seconds(claims: dict[str, object], name: str) -> float:
    # A verified token has both times (REQUIRED_CLAIMS), as numbers.
    return float(str(claims.get(name, 0)))


class Sessions:
    def __init__(
        self,
        proxy: GatewayProxy,
        provider: TracerProvider,
        *,
        secure: bool,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._proxy = proxy
        self._provider = provider
        self._secure = secure
        # The real time, as token expiry is checked with (tests pass one they move).
        self._now = now

    def handle(self, incoming: Incoming) -> Outgoing:
        if incoming.path == "/session/login":
            return self._login(incoming)
        if incoming.path == "/session/logout":
            return _json({}, (b"set-cookie", cleared_cookie(secure=self._secure)))
        return self._me(incoming)

    def renewing(self, handle: Handler) -> Handler:
        """`handle` for a call signed in by the session cookie: its token renewed first when due."""

        def renewed(incoming: Incoming) -> Outgoing:
            if incoming.path in _NOT_RENEWED or incoming.token is None:
                return handle(incoming)
            renewal = self._renewal(incoming, incoming.token)
            if isinstance(renewal, Outgoing):
                return renewal
            answer = handle(replace(incoming, token=renewal.token))
            if renewal.cookie is None:
                return answer
            return replace(answer, headers=[*answer.headers, (b"set-cookie", renewal.cookie)])

        return renewed

    def _renewal(self, incoming: Incoming, token: str) -> _Renewal | Outgoing:
        try:
            self._proxy.identify(token)
        except Refusal as refusal:
            # Expired, revoked or forged: the cookie is of no more use.
            return self._ended(from_refusal(refusal))
        claims = _claims(token)
        issued, expires = _seconds(claims, "iat"), _seconds(claims, "exp")
        if self._now() < issued + (expires - issued) * RENEW_AFTER:
            return _Renewal(token)
        answer = self._issue(REFRESH, token, b"{}", incoming)
        if isinstance(answer, ConnectError):
            if answer.code == grpc.StatusCode.UNAUTHENTICATED:
                return self._ended(answer)
            # The staff service is away or busy: the token still has time, the next call retries.
            log.warning("session renewal failed (%s); the session goes on with its token", answer.code.name)
            return _Renewal(token)
        reply = accounts_pb2.RefreshTokenResponse.FromString(answer)
        return _Renewal(reply.token, self._cookie(reply.token, reply.expire_time))

    def _ended(self, error: ConnectError) -> Outgoing:
        refused = error_response(error)
        cleared = (b"set-cookie", cleared_cookie(secure=self._secure))
        return replace(refused, headers=[*refused.headers, cleared])

    def _cookie(self, token: str, expire_time: Timestamp) -> bytes:
        lifetime = int(expire_time.ToDatetime(tzinfo=UTC).timestamp() - self._now())
        return session_cookie(token, lifetime, secure=self._secure)

    def _issue(self, method: str, token: str | None, body: bytes, incoming: Incoming) -> bytes | ConnectError:
        """The staff service's answer to a JSON request for a token (Login, RefreshToken), or the
        error to give the browser."""
        route = self._proxy.resolve(method)
        with server_span(self._provider, route, incoming.headers) as span:
            try:
                caller = self._proxy.authenticate(route, token)
                request = codec.request_bytes(method, JSON, body)
                forwarded = self._proxy.forward(route, caller, request, timeout=incoming.time_left())
            except Refusal as refusal:
                error = from_refusal(refusal)
            except ConnectError as raised:
                error = raised
            else:
                record_code(span, grpc.StatusCode.OK)
                return forwarded.response
            record_code(span, error.code, error.message)
            return error

    def _login(self, incoming: Incoming) -> Outgoing:
        answer = self._issue(LOGIN, None, incoming.body, incoming)
        if isinstance(answer, ConnectError):
            return error_response(answer)
        reply = accounts_pb2.LoginResponse.FromString(answer)
        cookie = self._cookie(reply.token, reply.expire_time)
        reply.ClearField("token")
        return _json(json_format.MessageToDict(reply), (b"set-cookie", cookie))

    def _me(self, incoming: Incoming) -> Outgoing:
        if incoming.token is None:
            return error_response(
                ConnectError(grpc.StatusCode.UNAUTHENTICATED, "未登录 / not signed in: POST /session/login")
            )
        try:
            caller = self._proxy.identify(incoming.token)
        except Refusal as refusal:
            return error_response(from_refusal(refusal))
        claims = _claims(incoming.token)
        expires = datetime.fromtimestamp(_seconds(claims, "exp"), UTC)
        window = claims.get(WINDOW_CLAIM)
        return _json(
            {
                "userId": caller.user_id,
                "siteCode": caller.site_code,
                "roles": sorted(caller.roles),
                "departmentCode": caller.department_code,
                # A clerk's window, where the console's intake accepts (as the CLI's default).
                "windowCode": window if isinstance(window, str) else "",
                "expireTime": expires.isoformat().replace("+00:00", "Z"),
            }
        )
