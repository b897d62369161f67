"""The browser edge renews a session's token while it is used (gateway/web/sessions.py): against a
stand-in for the gateway's proxy, so the staff service's answers, and the time, are the test's."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, cast

import grpc
import jwt
from opentelemetry.sdk.trace import TracerProvider
from tongban.staff.v1 import accounts_pb2

from gateway.proxy import Forwarded, GatewayProxy, Refusal, Route
from gateway.web.calls import Incoming, Outgoing
from gateway.web.sessions import REFRESH, Sessions
from services.common.identity import Caller

NOW = 1_800_000_000.0
CLERK = Caller("clerk-gaogou", "320826101", frozenset({"clerk"}))


def _token(issued_minutes_ago: float, lifetime_minutes: float = 60) -> str:
    issued = NOW - issued_minutes_ago * 60
    claims = {"sub": "clerk-gaogou", "iat": int(issued), "exp": int(issued + lifetime_minutes * 60)}
    return jwt.encode(claims, "the edge reads these claims, never checks them", algorithm="HS256")


@dataclass
class _Proxy:
    """What the sessions ask of the proxy; `renewal` is the staff service's answer to RefreshToken."""

    renewal: bytes | Refusal
    refused_tokens: frozenset[str] = frozenset()
    forwarded: list[str] = field(default_factory=list)

    def identify(self, token: str) -> Caller:
        if token in self.refused_tokens:
            raise Refusal(grpc.StatusCode.UNAUTHENTICATED, "访问令牌已过期 / the bearer token has expired")
        return CLERK

    def resolve(self, method: str) -> Route:
        return Route(method=method, area="staff", policy=None, streaming=False)

    def authenticate(self, route: Route, token: str | None, **_: Any) -> Caller:
        return CLERK

    def forward(self, route: Route, caller: Caller, request: bytes, *, timeout: float) -> Forwarded:
        self.forwarded.append(route.method)
        if isinstance(self.renewal, Refusal):
            raise self.renewal
        return Forwarded(self.renewal, [], [])


def _renewed(token: str) -> bytes:
    reply = accounts_pb2.RefreshTokenResponse(token=token)
    reply.expire_time.FromSeconds(int(NOW) + 3600)
    return reply.SerializeToString()


def _call(proxy: _Proxy, token: str) -> tuple[Outgoing, list[str | None]]:
    """The answer to a call signed in by the cookie, and the tokens the call itself went on with."""
    sessions = Sessions(cast(GatewayProxy, proxy), TracerProvider(), secure=True, now=lambda: NOW)
    seen: list[str | None] = []

    def handle(incoming: Incoming) -> Outgoing:
        seen.append(incoming.token)
        return Outgoing(200, [], b"answer")

    incoming = Incoming("/tongban.acceptance.v1.AcceptanceService/ListCases", "proto", b"", token,
                        time.monotonic() + 10)  # fmt: skip
    return sessions.renewing(handle)(incoming), seen


def _cookies(answer: Outgoing) -> list[str]:
    return [value.decode() for key, value in answer.headers if key == b"set-cookie"]


def test_a_token_in_its_first_half_is_used_as_it_is() -> None:
    proxy = _Proxy(renewal=_renewed("new"))
    token = _token(issued_minutes_ago=29)
    answer, seen = _call(proxy, token)
    assert (answer.status, seen, _cookies(answer), proxy.forwarded) == (200, [token], [], [])


def test_past_half_its_lifetime_the_token_is_renewed_and_the_call_goes_on_with_the_new_one() -> None:
    proxy = _Proxy(renewal=_renewed("new-token"))
    answer, seen = _call(proxy, _token(issued_minutes_ago=31))
    assert proxy.forwarded == [REFRESH]
    assert (answer.status, answer.body, seen) == (200, b"answer", ["new-token"])
    [cookie] = _cookies(answer)
    assert cookie == "tongban_session=new-token; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure"


def test_a_refused_renewal_ends_the_session() -> None:
    disabled = Refusal(
        grpc.StatusCode.UNAUTHENTICATED, "账号已停用, 请联系中心管理员 / the account is disabled"
    )
    answer, seen = _call(_Proxy(renewal=disabled), _token(issued_minutes_ago=45))
    assert (answer.status, seen) == (401, [])
    assert b"the account is disabled" in answer.body
    assert [c for c in _cookies(answer) if c.startswith("tongban_session=;") and "Max-Age=0" in c]


def test_a_staff_service_away_leaves_the_session_on_its_token() -> None:
    away = Refusal(grpc.StatusCode.UNAVAILABLE, "人员管理服务暂不可用 / the staff service is unavailable")
    token = _token(issued_minutes_ago=45)
    answer, seen = _call(_Proxy(renewal=away), token)
    assert (answer.status, seen, _cookies(answer)) == (200, [token], [])


def test_a_cookie_whose_token_is_refused_is_cleared() -> None:
    token = _token(issued_minutes_ago=70)
    answer, seen = _call(_Proxy(renewal=_renewed("new"), refused_tokens=frozenset({token})), token)
    assert (answer.status, seen) == (401, [])
    assert any("Max-Age=0" in cookie for cookie in _cookies(answer))
