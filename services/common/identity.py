"""The caller's identity, as verified by the gateway and handed to the services.

The gateway signs a short-lived assertion with a key only it and the services hold;
a service accepts the identity only with a valid signature, so a client cannot
pretend to be someone else by setting the metadata itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from services.common.expiring import Expiring

IDENTITY_HEADER = "x-tongban-identity"
_ISSUER = "tongban-gateway"
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class Caller:
    user_id: str
    site_code: str
    roles: frozenset[str]
    # The department a reviewer's window belongs to (e.g. "GA"); empty for other staff.
    department_code: str = ""

    def has_any(self, roles: frozenset[str]) -> bool:
        return bool(self.roles & roles)


class IdentityError(Exception):
    pass


def sign_identity(caller: Caller, key: bytes, lifetime: timedelta = timedelta(minutes=2)) -> str:
    claims = {
        "iss": _ISSUER,
        "sub": caller.user_id,
        "site": caller.site_code,
        "roles": sorted(caller.roles),
        "dept": caller.department_code,
        "exp": datetime.now(UTC) + lifetime,
    }
    return jwt.encode(claims, key, algorithm=_ALGORITHM)


class VerifiedIdentities:
    """Checks identity assertions, remembering each one verified until its own expiry.

    The gateway reuses a caller's assertion for a minute (gateway.credentials), so a service sees
    the same few again and again; checking the signature on every call cost 60 µs, 3–6 % of a
    service's CPU. An assertion verified once gets the same answer until it expires, and that is
    when its entry goes; one that fails is checked again each time (never remembered)."""

    def __init__(self, key: bytes, *, now: Callable[[], float] = time.time) -> None:
        self._key = key
        self._known: Expiring[str, Caller] = Expiring(now)

    def caller(self, assertion: str) -> Caller:
        known = self._known.get(assertion)
        if known is not None:
            return known
        caller, expires = _verified(assertion, self._key)
        self._known.put(assertion, caller, expires)
        return caller


def _verified(assertion: str, key: bytes) -> tuple[Caller, float]:
    """The caller and the expiry (seconds since the epoch) of a valid assertion."""
    try:
        claims = jwt.decode(
            assertion, key, algorithms=[_ALGORITHM], issuer=_ISSUER, options={"require": ["exp"]}
        )
    except jwt.PyJWTError as exc:
        raise IdentityError(f"identity assertion rejected: {type(exc).__name__}") from exc
    caller = Caller(
        user_id=str(claims["sub"]),
        site_code=str(claims["site"]),
        roles=frozenset(claims["roles"]),
        department_code=str(claims.get("dept", "")),
    )
    return caller, float(claims["exp"])
