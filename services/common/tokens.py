"""Bearer tokens for a local run: Ed25519 key files and the JWTs signed with them.

Keys live in a folder, one pair per key id (`kid`):

    <keys_dir>/private/<kid>.pem   PKCS#8 private key, mode 0600 (the issuer only)
    <keys_dir>/public/<kid>.pem    SubjectPublicKeyInfo public key (the gateway)

The token header names the key id, so a new key can be added next to the old ones and tokens
signed with either verify until the old key file is removed (rotation). Issuing lives here so
the CLI and the gateway's tests share it without the CLI importing the gateway; the gateway
verifies (gateway/tokens.py). People sign in with the staff service (`tongban login`), which
keeps its own keys in its database and publishes the public ones to the gateway; the key files
here sign the demo tokens of `tongban token` (tests and local scripts), which a deployment's
gateway need not trust.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.common.access import PERSON_ROLES

ALGORITHM = "EdDSA"
ISSUER = "tongban"
DEFAULT_LIFETIME = timedelta(hours=8)
REQUIRED_CLAIMS = ("sub", "site", "roles", "exp", "iat", "iss")
# Optional: the window a clerk works at, so the CLI need not ask for it (the service still
# checks that the window belongs to the caller's site).
WINDOW_CLAIM = "win"

# A key id is a file name: letters, digits, dot, dash, underscore; no path separators.
KID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_kid(kid: str) -> str:
    if not KID.match(kid):
        raise ValueError(f"key id {kid!r} must match {KID.pattern}")
    return kid


def _write_private(path: Path, data: bytes) -> None:
    """Create a file readable by its owner only; never overwrite one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def generate_keys(keys_dir: Path, kid: str) -> None:
    """Write an Ed25519 key pair for `kid`; existing keys are kept (safe to run again)."""
    check_kid(kid)
    private_dir = keys_dir / "private"
    public_dir = keys_dir / "public"
    private_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    public_dir.mkdir(parents=True, exist_ok=True)
    private_path = private_dir / f"{kid}.pem"
    public_path = public_dir / f"{kid}.pem"
    if private_path.exists():
        loaded = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ValueError(f"{private_path} is not an Ed25519 private key")
        private_key = loaded
    else:
        private_key = Ed25519PrivateKey.generate()
        _write_private(
            private_path,
            private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
    if not public_path.exists():
        public_path.write_bytes(
            private_key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )


def has_signing_keys(keys_dir: Path) -> bool:
    return any((keys_dir / "private").glob("*.pem"))


def newest_kid(keys_dir: Path) -> str:
    """The key id of the most recently created private key."""
    candidates = sorted((path.stat().st_mtime_ns, path.stem) for path in (keys_dir / "private").glob("*.pem"))
    if not candidates:
        raise FileNotFoundError(
            f"no signing keys in {keys_dir / 'private'}: start the stack with `make run` "
            "(or run `tongban setup`) first"
        )
    return candidates[-1][1]


def check_roles(roles: Iterable[str]) -> list[str]:
    names = sorted(set(roles))
    unknown = [name for name in names if name not in PERSON_ROLES]
    if unknown:
        raise ValueError(f"unknown roles {unknown}; known roles: {sorted(PERSON_ROLES)}")
    if not names:
        raise ValueError("a token needs at least one role")
    return names


def issue_token(
    user_id: str,
    site_code: str,
    roles: Iterable[str],
    *,
    keys_dir: Path,
    department_code: str = "",
    window_code: str = "",
    kid: str | None = None,
    lifetime: timedelta = DEFAULT_LIFETIME,
    now: datetime | None = None,
) -> str:
    """Sign a token with the private key file `kid` (the newest one when None)."""
    kid = check_kid(kid) if kid else newest_kid(keys_dir)
    loaded = serialization.load_pem_private_key(
        (keys_dir / "private" / f"{kid}.pem").read_bytes(), password=None
    )
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"signing key {kid} is not an Ed25519 key")
    return encode_token(
        loaded,
        kid,
        TokenClaims(user_id, site_code, tuple(roles), department_code, window_code),
        lifetime=lifetime,
        now=now,
    )


@dataclass(frozen=True)
class TokenClaims:
    """Who a token names: the user, their site, roles, department and window."""

    user_id: str
    site_code: str
    roles: tuple[str, ...]
    department_code: str = ""
    window_code: str = ""


def encode_token(
    key: Ed25519PrivateKey,
    kid: str,
    claims: TokenClaims,
    *,
    lifetime: timedelta = DEFAULT_LIFETIME,
    now: datetime | None = None,
) -> str:
    """A JWT naming `claims`, signed with `key` under the key id `kid` (the staff service signs
    its login tokens here with keys from its database, the CLI demo tokens with key files)."""
    if not claims.user_id or not claims.site_code:
        raise ValueError("a token needs a user id and a site code")
    issued = now or datetime.now(UTC)
    body: dict[str, object] = {
        "iss": ISSUER,
        "sub": claims.user_id,
        "site": claims.site_code,
        "roles": check_roles(claims.roles),
        "dept": claims.department_code,
        "iat": issued,
        "exp": issued + lifetime,
    }
    if claims.window_code:
        body[WINDOW_CLAIM] = claims.window_code
    return jwt.encode(body, key, algorithm=ALGORITHM, headers={"kid": check_kid(kid)})


def ensure_internal_key(path: Path) -> bytes:
    """Create the gateway→service identity secret (mode 0600) if missing; return it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        _write_private(path, (secrets.token_urlsafe(48) + "\n").encode())
    return path.read_bytes().strip()
