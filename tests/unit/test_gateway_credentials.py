"""The gateway verifies a token once for a while and signs each caller's identity once for a while,
never trusting a token past its expiry or a refused token at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway import credentials as credentials_module
from gateway.credentials import VERIFIED_SECONDS, Credentials
from gateway.tokens import TokenError, TokenVerifier
from services.common.identity import Caller, VerifiedIdentities, sign_identity
from services.common.tokens import generate_keys, issue_token

KEY = b"internal-key-for-the-test-0123456789"


class CountingVerifier(TokenVerifier):
    def __init__(self, public_dir: Path) -> None:
        super().__init__(public_dir)
        self.calls = 0

    def verify(self, token: str):  # type: ignore[no-untyped-def]
        self.calls += 1
        return super().verify(token)


class Moment:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    generate_keys(tmp_path, "k1")
    return tmp_path


def test_a_token_is_verified_once_while_trusted(keys: Path) -> None:
    verifier, now = CountingVerifier(keys / "public"), Moment()
    credentials = Credentials(verifier, KEY, now=now)
    token = issue_token("clerk-gaogou", "320826101", ["clerk"], keys_dir=keys)
    first = credentials.caller(token)
    assert credentials.caller(token) == first and verifier.calls == 1
    now.seconds += VERIFIED_SECONDS + 1
    credentials.caller(token)
    assert verifier.calls == 2


def test_a_token_is_never_trusted_past_its_expiry(keys: Path) -> None:
    verifier, now = CountingVerifier(keys / "public"), Moment()
    credentials = Credentials(verifier, KEY, now=now)
    # Expired already, but within the verifier's 30 s leeway: accepted once, not remembered.
    stale = issue_token("clerk-gaogou", "320826101", ["clerk"], keys_dir=keys, lifetime=timedelta(seconds=-5))
    credentials.caller(stale)
    credentials.caller(stale)
    assert verifier.calls == 2


def test_a_refused_token_is_checked_every_time(keys: Path) -> None:
    verifier = CountingVerifier(keys / "public")
    credentials = Credentials(verifier, KEY, now=Moment())
    for _ in range(2):
        with pytest.raises(TokenError):
            credentials.caller("not-a-token")
    assert verifier.calls == 2


def test_an_identity_assertion_is_reused_for_half_its_life(
    keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signings: list[Caller] = []

    def counting_sign(caller: Caller, key: bytes, lifetime: timedelta) -> str:
        signings.append(caller)
        return sign_identity(caller, key, lifetime)

    monkeypatch.setattr(credentials_module, "sign_identity", counting_sign)
    now = Moment()
    credentials = Credentials(CountingVerifier(keys / "public"), KEY, now=now)
    caller = credentials.caller(issue_token("reviewer-nj", "320826000", ["reviewer"], keys_dir=keys))
    signed = credentials.assertion(caller)
    assert credentials.assertion(caller) == signed and len(signings) == 1
    assert VerifiedIdentities(KEY).caller(signed) == caller
    now.seconds += 61
    assert VerifiedIdentities(KEY).caller(credentials.assertion(caller)) == caller
    assert len(signings) == 2


class RevokedAfter:
    """A stand-in for the staff service's revocation list: revokes one user from a moment on."""

    def __init__(self) -> None:
        self.cut: dict[str, datetime] = {}

    def key(self, kid: str) -> None:
        return None

    def revoked(self, user_id: str, issued_at: datetime) -> bool:
        cut = self.cut.get(user_id)
        return cut is not None and issued_at <= cut


def test_a_disabled_account_is_refused_at_once_even_while_its_token_is_trusted(keys: Path) -> None:
    staff = RevokedAfter()
    verifier = TokenVerifier(keys / "public", staff=staff)  # type: ignore[arg-type]
    credentials = Credentials(verifier, KEY, now=Moment())
    token = issue_token("clerk-gaogou", "320826101", ["clerk"], keys_dir=keys)
    credentials.caller(token)
    staff.cut["clerk-gaogou"] = datetime.now(UTC) + timedelta(seconds=1)
    with pytest.raises(TokenError, match="停用"):
        credentials.caller(token)
