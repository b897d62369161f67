"""A service checks the gateway's identity assertion once and remembers the answer until the
assertion expires: never past its expiry, and never for an assertion that failed."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import jwt
import pytest

from services.common.expiring import Expiring
from services.common.identity import Caller, IdentityError, VerifiedIdentities, sign_identity

KEY = b"internal-key-for-the-test-0123456789"
CLERK = Caller("clerk-gaogou", "320826101", frozenset({"clerk"}))


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The assertions whose signature was checked."""
    seen: list[str] = []
    real = jwt.decode

    def counting(assertion: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(assertion)
        return real(assertion, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)  # the module identity calls it through
    return seen


def test_an_assertion_is_checked_once_while_it_lasts(decoded: list[str]) -> None:
    identities = VerifiedIdentities(KEY)
    assertion = sign_identity(CLERK, KEY)
    assert [identities.caller(assertion) for _ in range(3)] == [CLERK] * 3
    assert decoded == [assertion]


def test_an_expired_assertion_is_refused_though_it_was_verified(decoded: list[str]) -> None:
    identities = VerifiedIdentities(KEY)
    assertion = sign_identity(CLERK, KEY, lifetime=timedelta(seconds=1))
    assert identities.caller(assertion) == CLERK
    time.sleep(1.1)  # its expiry is in whole seconds, at most one from signing
    with pytest.raises(IdentityError, match="ExpiredSignatureError"):
        identities.caller(assertion)
    assert decoded == [assertion, assertion]


def test_a_refused_assertion_is_checked_again_each_time(decoded: list[str]) -> None:
    identities = VerifiedIdentities(KEY)
    forged = sign_identity(CLERK, b"not-the-gateway-key-0123456789-abcdef")
    for _ in range(2):
        with pytest.raises(IdentityError, match="InvalidSignatureError"):
            identities.caller(forged)
    assert decoded == [forged, forged]


def test_the_map_drops_what_expired_and_what_is_past_its_bound() -> None:
    clock = [100.0]
    kept: Expiring[str, int] = Expiring(lambda: clock[0], most=2)
    kept.put("a", 1, until=110.0)
    kept.put("b", 2, until=120.0)
    kept.put("c", 3, until=130.0)  # past the bound: the oldest goes
    assert [kept.get(key) for key in "abc"] == [None, 2, 3]
    clock[0] = 125.0
    assert kept.get("b") is None and kept.get("c") == 3


def test_an_assertion_without_an_expiry_is_refused() -> None:
    forever = jwt.encode({"iss": "tongban-gateway", "sub": "clerk-gaogou", "site": "", "roles": []}, KEY)
    with pytest.raises(IdentityError, match="MissingRequiredClaimError"):
        VerifiedIdentities(KEY).caller(forever)
