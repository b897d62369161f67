"""Bearer tokens: key files, issue, verify, rotation, demo users, the internal key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.tokens import TokenError, TokenVerifier
from services.common.access import PERSON_ROLES
from services.common.demo_users import DEMO_USERS_FILE, load_demo_users
from services.common.identity import Caller
from services.common.tokens import ISSUER, ensure_internal_key, generate_keys, issue_token, newest_kid

SITE = "320826101"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _private_key(keys: Path, kid: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key((keys / "private" / f"{kid}.pem").read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    generate_keys(tmp_path / "keys", "k1")
    return tmp_path / "keys"


def test_generate_keys_writes_a_private_pair_and_is_idempotent(keys: Path) -> None:
    private, public = keys / "private" / "k1.pem", keys / "public" / "k1.pem"
    assert _mode(private) == 0o600
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    before = (private.read_bytes(), public.read_bytes())
    generate_keys(keys, "k1")
    assert (private.read_bytes(), public.read_bytes()) == before


def test_generate_keys_restores_a_missing_public_key(keys: Path) -> None:
    public = keys / "public" / "k1.pem"
    original = public.read_bytes()
    public.unlink()
    generate_keys(keys, "k1")
    assert public.read_bytes() == original


@pytest.mark.parametrize("kid", ["../evil", "a/b", "", ".hidden"])
def test_key_ids_are_plain_file_names(tmp_path: Path, kid: str) -> None:
    with pytest.raises(ValueError):
        generate_keys(tmp_path, kid)


def test_issue_and_verify(keys: Path) -> None:
    token = issue_token("clerk-gaogou", SITE, ["clerk"], keys_dir=keys)
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": "k1", "typ": "JWT"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == ISSUER
    assert claims["exp"] - claims["iat"] == 8 * 3600
    caller = TokenVerifier(keys / "public").verify(token)
    assert caller == Caller("clerk-gaogou", SITE, frozenset({"clerk"}))


def test_a_clerks_token_names_the_window(keys: Path) -> None:
    token = issue_token("clerk-gaogou", SITE, ["clerk"], keys_dir=keys, window_code="320826101-W01")
    assert jwt.decode(token, options={"verify_signature": False})["win"] == "320826101-W01"
    # The gateway accepts it as before; the window is a default for the CLI, not a permission.
    assert TokenVerifier(keys / "public").verify(token) == Caller("clerk-gaogou", SITE, frozenset({"clerk"}))
    reviewer = issue_token("reviewer-nj", SITE, ["reviewer"], keys_dir=keys)
    assert "win" not in jwt.decode(reviewer, options={"verify_signature": False})


def test_several_roles(keys: Path) -> None:
    token = issue_token("x", SITE, ["inspector", "centre_admin", "inspector"], keys_dir=keys)
    assert TokenVerifier(keys / "public").verify(token).roles == {"inspector", "centre_admin"}


def test_issue_refuses_unknown_roles_and_empty_identity(keys: Path) -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        issue_token("x", SITE, ["mayor"], keys_dir=keys)
    with pytest.raises(ValueError):
        issue_token("x", SITE, [], keys_dir=keys)
    with pytest.raises(ValueError):
        issue_token("", SITE, ["clerk"], keys_dir=keys)


def test_issue_uses_the_newest_key_unless_told(keys: Path) -> None:
    generate_keys(keys, "k2")
    old = time.time() - 3600
    os.utime(keys / "private" / "k1.pem", (old, old))
    assert newest_kid(keys) == "k2"
    assert jwt.get_unverified_header(issue_token("x", SITE, ["clerk"], keys_dir=keys))["kid"] == "k2"
    token = issue_token("x", SITE, ["clerk"], keys_dir=keys, kid="k1")
    assert jwt.get_unverified_header(token)["kid"] == "k1"


def test_no_signing_key(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="tongban setup"):
        issue_token("x", SITE, ["clerk"], keys_dir=tmp_path)


def test_expired(keys: Path) -> None:
    token = issue_token("x", SITE, ["clerk"], keys_dir=keys, lifetime=timedelta(minutes=-5))
    with pytest.raises(TokenError, match="expired"):
        TokenVerifier(keys / "public").verify(token)


def test_small_clock_skew_is_tolerated(keys: Path) -> None:
    token = issue_token("x", SITE, ["clerk"], keys_dir=keys, lifetime=timedelta(seconds=-5))
    assert TokenVerifier(keys / "public").verify(token).user_id == "x"


def test_signed_by_another_key_with_the_same_id(keys: Path, tmp_path: Path) -> None:
    generate_keys(tmp_path / "other", "k1")
    token = issue_token("x", SITE, ["clerk"], keys_dir=tmp_path / "other")
    with pytest.raises(TokenError, match="signature"):
        TokenVerifier(keys / "public").verify(token)


def test_unknown_key_id(keys: Path, tmp_path: Path) -> None:
    generate_keys(tmp_path / "other", "k9")
    token = issue_token("x", SITE, ["clerk"], keys_dir=tmp_path / "other")
    with pytest.raises(TokenError, match="key id is unknown"):
        TokenVerifier(keys / "public").verify(token)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "eyJhbGciOiJFZERTQSJ9.e30."])
def test_malformed(keys: Path, token: str) -> None:
    with pytest.raises(TokenError):
        TokenVerifier(keys / "public").verify(token)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed(keys: Path, claims: dict[str, object], **headers: str) -> str:
    key = _private_key(keys, "k1")
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "k1", **headers})


def _claims(**changes: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": ISSUER,
        "sub": "x",
        "site": SITE,
        "roles": ["clerk"],
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize("missing", ["sub", "site", "roles", "exp", "iat", "iss"])
def test_missing_claims(keys: Path, missing: str) -> None:
    token = _signed(keys, _claims(**{missing: None}))
    with pytest.raises(TokenError, match=missing):
        TokenVerifier(keys / "public").verify(token)


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "someone-else"},
        {"roles": ["mayor"]},
        {"roles": []},
        {"roles": "clerk"},
        {"sub": ""},
        {"site": 320826101},
    ],
)
def test_bad_claims(keys: Path, changes: dict[str, object]) -> None:
    with pytest.raises(TokenError):
        TokenVerifier(keys / "public").verify(_signed(keys, _claims(**changes)))


def test_no_kid_and_wrong_algorithm_are_refused(keys: Path) -> None:
    key = _private_key(keys, "k1")
    no_kid = jwt.encode(_claims(), key, algorithm="EdDSA")
    with pytest.raises(TokenError, match="kid"):
        TokenVerifier(keys / "public").verify(no_kid)
    public_pem = (keys / "public" / "k1.pem").read_bytes()
    # The classic confusion attack: HMAC keyed with the public key's text.
    signing_input = (
        _b64(json.dumps({"alg": "HS256", "kid": "k1", "typ": "JWT"}).encode())
        + "."
        + _b64(json.dumps({"sub": "x"}).encode())
    )
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    confused = f"{signing_input}.{_b64(mac)}"
    with pytest.raises(TokenError, match="EdDSA"):
        TokenVerifier(keys / "public").verify(confused)
    unsigned = jwt.encode(_claims(), "", algorithm="none", headers={"kid": "k1"})
    with pytest.raises(TokenError, match="EdDSA"):
        TokenVerifier(keys / "public").verify(unsigned)


def test_rotation_picks_up_new_keys_and_drops_removed_ones(keys: Path) -> None:
    verifier = TokenVerifier(keys / "public")
    old_token = issue_token("x", SITE, ["clerk"], keys_dir=keys, kid="k1")
    assert verifier.key_ids == {"k1"}
    generate_keys(keys, "k2")
    new_token = issue_token("y", SITE, ["reviewer"], keys_dir=keys, kid="k2")
    # Not restarted: the unknown key id makes it read the folder again.
    assert verifier.verify(new_token).user_id == "y"
    assert verifier.verify(old_token).user_id == "x"
    assert verifier.key_ids == {"k1", "k2"}
    (keys / "public" / "k1.pem").unlink()
    verifier.reload()
    with pytest.raises(TokenError, match="unknown"):
        verifier.verify(old_token)
    assert verifier.verify(new_token).user_id == "y"


def test_made_up_key_ids_do_not_reread_the_folder_every_time(
    keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = TokenVerifier(keys / "public")
    reads: list[int] = []
    original = verifier.reload

    def counting_reload() -> None:
        reads.append(1)
        original()

    monkeypatch.setattr(verifier, "reload", counting_reload)
    forged = jwt.encode(_claims(), _private_key(keys, "k1"), algorithm="EdDSA", headers={"kid": "zz"})
    for _ in range(20):
        with pytest.raises(TokenError):
            verifier.verify(forged)
    assert len(reads) <= 1


def test_demo_users() -> None:
    users = load_demo_users()
    assert DEMO_USERS_FILE.exists()
    assert users["clerk-gaogou"].site_code == "320826101"
    assert users["clerk-gaogou"].roles == ("clerk",)
    assert users["inspector-county"].roles == ("inspector",)
    assert all(set(user.roles) <= PERSON_ROLES for user in users.values())
    # Every role has a demo user.
    assert {role for user in users.values() for role in user.roles} == PERSON_ROLES


def test_demo_user_tokens_verify(keys: Path) -> None:
    verifier = TokenVerifier(keys / "public")
    for user in load_demo_users().values():
        token = issue_token(
            user.user_id, user.site_code, user.roles, keys_dir=keys, department_code=user.department_code
        )
        assert verifier.verify(token) == Caller(
            user.user_id, user.site_code, frozenset(user.roles), user.department_code
        )


def test_ensure_internal_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "internal.key"
    key = ensure_internal_key(path)
    assert len(key) >= 32
    assert _mode(path) == 0o600
    assert ensure_internal_key(path) == key
    assert path.read_bytes().strip() == key
