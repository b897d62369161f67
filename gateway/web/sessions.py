"""Browser sessions: signing in through the staff service's Login (as `tongban login` does) puts
the token in the session cookie, never in the page; `me` says who the cookie's token names and
until when; signing out clears the cookie.

The endpoints take and answer JSON only, under the same checks as the RPCs (Connect's protocol
header and content type), so another site's page cannot post to them either.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import grpc
import jwt
from google.protobuf import json_format
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

LOGIN = "/tongban.staff.v1.AccountService/Login"
PATHS = frozenset({"/session/login", "/session/logout", "/session/me"})


def _json(payload: object, *extra: tuple[bytes, bytes]) -> Outgoing:
    return Outgoing(200, [content_type(JSON), *extra], json.dumps(payload, ensure_ascii=False).encode())


def _claims(token: str) -> dict[str, object]:
    # Only after the gateway verified it: the claims are read, not trusted, here.
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


class Sessions:
    def __init__(self, proxy: GatewayProxy, provider: TracerProvider, *, secure: bool) -> None:
        self._proxy = proxy
        self._provider = provider
        self._secure = secure

    def handle(self, incoming: Incoming) -> Outgoing:
        if incoming.path == "/session/login":
            return self._login(incoming)
        if incoming.path == "/session/logout":
            return _json({}, (b"set-cookie", cleared_cookie(secure=self._secure)))
        return self._me(incoming)

    def _login(self, incoming: Incoming) -> Outgoing:
        route = self._proxy.resolve(LOGIN)
        with server_span(self._provider, route, incoming.headers) as span:
            try:
                caller = self._proxy.authenticate(route, None)
                request = codec.request_bytes(LOGIN, JSON, incoming.body)
                forwarded = self._proxy.forward(route, caller, request, timeout=incoming.time_left())
            except Refusal as refusal:
                error = from_refusal(refusal)
                record_code(span, error.code, error.message)
                return error_response(error)
            except ConnectError as raised:
                record_code(span, raised.code, raised.message)
                return error_response(raised)
            record_code(span, grpc.StatusCode.OK)
        reply = accounts_pb2.LoginResponse.FromString(forwarded.response)
        lifetime = int(reply.expire_time.ToDatetime(tzinfo=UTC).timestamp() - datetime.now(UTC).timestamp())
        cookie = session_cookie(reply.token, lifetime, secure=self._secure)
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
        expires = datetime.fromtimestamp(float(str(claims.get("exp", 0))), UTC)
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
