"""Bearer tokens: Ed25519-signed JWTs naming the user, the site and the roles.

Keys live in a folder, one pair per key id (`kid`):

    <keys_dir>/private/<kid>.pem   PKCS#8 private key, mode 0600 (the issuer only)
    <keys_dir>/public/<kid>.pem    SubjectPublicKeyInfo public key (the gateway)

The token header names the key id, so a new key can be added next to the old ones
and tokens signed with either verify until the old key file is removed (rotation).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from services.common.access import PERSON_ROLES
from services.common.identity import Caller

ALGORITHM = "EdDSA"
ISSUER = "tongban"
DEFAULT_LIFETIME = timedelta(hours=8)
# Clock difference tolerated between the issuing machine and the gateway.
LEEWAY = timedelta(seconds=30)
REQUIRED_CLAIMS = ("sub", "site", "roles", "exp", "iat", "iss")
DEMO_USERS_FILE = Path(__file__).resolve().parent.parent / "deploy" / "demo" / "users.json"

# A key id is a file name: letters, digits, dot, dash, underscore; no path separators.
_KID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class TokenError(Exception):
    """A bearer token was refused; the message says why (Chinese / English) and carries no token."""


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    name: str
    site_code: str
    window_code: str
    roles: tuple[str, ...]
    department_code: str = ""


def _check_kid(kid: str) -> str:
    if not _KID.match(kid):
        raise ValueError(f"key id {kid!r} must match {_KID.pattern}")
    return kid


def _write_private(path: Path, data: bytes) -> None:
    """Create a file readable by its owner only; never overwrite one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def generate_keys(keys_dir: Path, kid: str) -> None:
    """Write an Ed25519 key pair for `kid`; existing keys are kept (safe to run again)."""
    _check_kid(kid)
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


def newest_kid(keys_dir: Path) -> str:
    """The key id of the most recently created private key."""
    candidates = sorted((path.stat().st_mtime_ns, path.stem) for path in (keys_dir / "private").glob("*.pem"))
    if not candidates:
        raise FileNotFoundError(f"no signing keys in {keys_dir / 'private'}: run `tongban setup` first")
    return candidates[-1][1]


def _check_roles(roles: Iterable[str]) -> list[str]:
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
    kid: str | None = None,
    lifetime: timedelta = DEFAULT_LIFETIME,
    now: datetime | None = None,
) -> str:
    """Sign a token with the private key `kid` (the newest one when None)."""
    if not user_id or not site_code:
        raise ValueError("a token needs a user id and a site code")
    kid = _check_kid(kid) if kid else newest_kid(keys_dir)
    loaded = serialization.load_pem_private_key(
        (keys_dir / "private" / f"{kid}.pem").read_bytes(), password=None
    )
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"signing key {kid} is not an Ed25519 key")
    issued = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": user_id,
        "site": site_code,
        "roles": _check_roles(roles),
        "dept": department_code,
        "iat": issued,
        "exp": issued + lifetime,
    }
    return jwt.encode(claims, loaded, algorithm=ALGORITHM, headers={"kid": kid})


def load_demo_users(path: Path = DEMO_USERS_FILE) -> dict[str, DemoUser]:
    """The demo staff of a local run, by user id."""
    data = json.loads(path.read_text(encoding="utf-8"))
    users: dict[str, DemoUser] = {}
    for entry in data["users"]:
        user = DemoUser(
            user_id=str(entry["user_id"]),
            name=str(entry.get("name", "")),
            site_code=str(entry["site_code"]),
            window_code=str(entry.get("window_code", "")),
            roles=tuple(_check_roles(entry["roles"])),
            department_code=str(entry.get("department_code", "")),
        )
        if user.user_id in users:
            raise ValueError(f"{path}: user {user.user_id} appears twice")
        users[user.user_id] = user
    return users


def ensure_internal_key(path: Path) -> bytes:
    """Create the gateway→service identity secret (mode 0600) if missing; return it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        _write_private(path, (secrets.token_urlsafe(48) + "\n").encode())
    return path.read_bytes().strip()


def _load_public_keys(public_keys_dir: Path) -> dict[str, Ed25519PublicKey]:
    keys: dict[str, Ed25519PublicKey] = {}
    for path in sorted(public_keys_dir.glob("*.pem")):
        if not _KID.match(path.stem):
            continue
        try:
            loaded = serialization.load_pem_public_key(path.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(loaded, Ed25519PublicKey):
            keys[path.stem] = loaded
    return keys


_SIGN_IN_AGAIN = "请重新获取令牌 / get a new token (`tongban token USER_ID`)"


class TokenVerifier:
    """Checks a token's signature, expiry, issuer and claims against a folder of public keys.

    A token naming a key id not seen yet makes the verifier read the folder again, so a
    key added for rotation is picked up without a restart; a key file removed is dropped
    at that reload (or at `reload()`).
    """

    # Unknown key ids re-read the folder at most this often, unless the folder changed.
    RELOAD_INTERVAL_SECONDS = 1.0

    def __init__(self, public_keys_dir: Path, *, leeway: timedelta = LEEWAY) -> None:
        self._dir = public_keys_dir
        self._leeway = leeway
        self._lock = threading.Lock()
        self._keys: Mapping[str, Ed25519PublicKey] = {}
        self._loaded_mtime = -1
        self._loaded_at = 0.0
        self.reload()

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def _dir_mtime(self) -> int:
        try:
            return self._dir.stat().st_mtime_ns
        except FileNotFoundError:
            return -1

    def reload(self) -> None:
        """Read the public key folder again (added keys appear, removed ones are dropped)."""
        with self._lock:
            self._loaded_mtime = self._dir_mtime()
            self._loaded_at = time.monotonic()
            self._keys = _load_public_keys(self._dir)

    def _key(self, kid: str) -> Ed25519PublicKey | None:
        key = self._keys.get(kid)
        if key is None and _KID.match(kid):
            # A flood of made-up key ids must not turn into a flood of folder reads.
            changed = self._dir_mtime() != self._loaded_mtime
            stale = time.monotonic() - self._loaded_at >= self.RELOAD_INTERVAL_SECONDS
            if changed or stale:
                self.reload()
                key = self._keys.get(kid)
        return key

    def verify(self, token: str) -> Caller:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenError("访问令牌格式错误 / the bearer token is malformed") from exc
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenError("访问令牌缺少密钥编号 / the bearer token has no key id (kid)")
        if header.get("alg") != ALGORITHM:
            raise TokenError(f"访问令牌签名算法不被接受 / the bearer token must be signed with {ALGORITHM}")
        key = self._key(kid)
        if key is None:
            raise TokenError(
                f"访问令牌的签名密钥未知 / the bearer token's key id is unknown; {_SIGN_IN_AGAIN}"
            )
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenError(f"访问令牌已过期 / the bearer token has expired; {_SIGN_IN_AGAIN}") from exc
        except jwt.InvalidSignatureError as exc:
            raise TokenError("访问令牌签名无效 / the bearer token's signature is invalid") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise TokenError(f"访问令牌缺少声明 / the bearer token lacks the claim {exc.claim!r}") from exc
        except jwt.InvalidIssuerError as exc:
            raise TokenError("访问令牌签发者无效 / the bearer token has the wrong issuer") from exc
        except jwt.ImmatureSignatureError as exc:
            raise TokenError("访问令牌尚未生效 / the bearer token is not valid yet") from exc
        except jwt.PyJWTError as exc:
            raise TokenError("访问令牌格式错误 / the bearer token is malformed") from exc
        return _caller_from(claims)


def _caller_from(claims: Mapping[str, Any]) -> Caller:
    user_id, site_code, roles = claims["sub"], claims["site"], claims["roles"]
    if not isinstance(user_id, str) or not user_id:
        raise TokenError("访问令牌缺少用户 / the bearer token's 'sub' claim is empty or not text")
    if not isinstance(site_code, str) or not site_code:
        raise TokenError("访问令牌缺少站点 / the bearer token's 'site' claim is empty or not text")
    if (
        not isinstance(roles, list)
        or not roles
        or not all(isinstance(role, str) and role in PERSON_ROLES for role in roles)
    ):
        raise TokenError(
            "访问令牌角色无效 / the bearer token's 'roles' claim must list known roles: "
            + ", ".join(sorted(PERSON_ROLES))
        )
    department = claims.get("dept", "")
    if not isinstance(department, str):
        raise TokenError("访问令牌部门无效 / the bearer token's 'dept' claim is not text")
    return Caller(user_id=user_id, site_code=site_code, roles=frozenset(roles), department_code=department)
