"""The session cookie: the short-lived token, where page scripts cannot read it (HttpOnly) and
other sites' pages cannot make the browser send it (SameSite=Strict)."""

from __future__ import annotations

from collections.abc import Iterable

COOKIE = "tongban_session"


def session_cookie(token: str, max_age: int, *, secure: bool) -> bytes:
    """Set-Cookie for a session that lasts as long as its token."""
    parts = [f"{COOKIE}={token}", "Path=/", f"Max-Age={max(0, max_age)}", "HttpOnly", "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode()


def cleared_cookie(*, secure: bool) -> bytes:
    """Set-Cookie that removes the session from the browser."""
    return session_cookie("", 0, secure=secure)


def token_from(cookie_headers: Iterable[str]) -> str | None:
    """The session token among the request's cookies, if any."""
    for header in cookie_headers:
        for pair in header.split(";"):
            name, _, value = pair.strip().partition("=")
            if name == COOKIE and value.strip():
                return value.strip()
    return None
