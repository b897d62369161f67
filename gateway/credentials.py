"""Per-call credential work, done once per token and once per caller for a little while.

Verifying an Ed25519 bearer token and signing the HS256 identity assertion were a fifth of the
gateway's CPU, done again on every call of the same clerk. A verified token's signature is
trusted for at most `VERIFIED_SECONDS` (never past its own expiry), so a key removed from the
folder takes effect within that bound; whether the staff service revoked the account's tokens
is still asked on every call (a lookup), so a disabled account is out as soon as the gateway
knows. An assertion is reused for half its two-minute lifetime.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt

from gateway.tokens import TokenVerifier
from services.common.expiring import Expiring
from services.common.identity import Caller, sign_identity

VERIFIED_SECONDS = 30.0
ASSERTION_LIFETIME = timedelta(minutes=2)
_REUSE_ASSERTION_SECONDS = ASSERTION_LIFETIME.total_seconds() / 2


class Credentials:
    """Bearer tokens to callers, and callers to the identity assertion the services accept."""

    def __init__(
        self, verifier: TokenVerifier, internal_key: bytes, *, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._verifier = verifier
        self._key = internal_key
        self._now = now
        self._callers: Expiring[str, tuple[Caller, datetime]] = Expiring(now)
        self._assertions: Expiring[Caller, str] = Expiring(now)

    def knows(self, token: str) -> bool:
        """Whether the token was verified lately: caller() then needs no signature check."""
        return self._callers.get(token) is not None

    def caller(self, token: str) -> Caller:
        """The token's caller; raises TokenError (never cached) when it is refused."""
        cached = self._callers.get(token)
        if cached is not None:
            caller, issued_at = cached
            self._verifier.refuse_if_revoked(caller, issued_at)
            return caller
        caller = self._verifier.verify(token)
        # The signature was just checked: reading the times needs no second verification.
        claims = jwt.decode(token, options={"verify_signature": False})
        trusted_for = min(VERIFIED_SECONDS, float(claims.get("exp", 0)) - time.time())
        if trusted_for > 0:
            issued_at = datetime.fromtimestamp(float(claims.get("iat", 0)), UTC)
            self._callers.put(token, (caller, issued_at), self._now() + trusted_for)
        return caller

    def assertion(self, caller: Caller) -> str:
        """The signed identity header for the caller, reused while it has time left."""
        cached = self._assertions.get(caller)
        if cached is not None:
            return cached
        signed = sign_identity(caller, self._key, lifetime=ASSERTION_LIFETIME)
        self._assertions.put(caller, signed, self._now() + _REUSE_ASSERTION_SECONDS)
        return signed
