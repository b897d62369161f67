"""Bearer tokens checked at the gateway: signature (Ed25519, by key id), expiry, issuer, claims.

People's tokens come from the staff service (`tongban login`), whose public keys the gateway
fetches (gateway/staff_keys.py) along with the accounts whose tokens it must refuse; demo tokens
(`tongban token`, tests and local scripts) are signed with key files, whose public halves the
gateway reads from a folder when one is configured (services/common/tokens.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from gateway.staff_keys import StaffKeys
from services.common.access import PERSON_ROLES
from services.common.identity import Caller
from services.common.tokens import ALGORITHM, ISSUER, KID, REQUIRED_CLAIMS

# Clock difference tolerated between the issuing machine and the gateway.
LEEWAY = timedelta(seconds=30)


class TokenError(Exception):
    """A bearer token was refused; the message says why (Chinese / English) and carries no token."""


def _load_public_keys(public_keys_dir: Path) -> dict[str, Ed25519PublicKey]:
    keys: dict[str, Ed25519PublicKey] = {}
    for path in sorted(public_keys_dir.glob("*.pem")):
        if not KID.match(path.stem):
            continue
        try:
            loaded = serialization.load_pem_public_key(path.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(loaded, Ed25519PublicKey):
            keys[path.stem] = loaded
    return keys


_SIGN_IN_AGAIN = "请重新登录 / sign in again (`tongban login USER_ID`)"


class TokenVerifier:
    """Checks a token's signature, expiry, issuer and claims against the staff service's keys and
    a folder of public keys, and refuses the tokens of accounts the staff service revoked.

    A token naming a key id not seen yet makes the verifier read the folder again, so a
    key added for rotation is picked up without a restart; a key file removed is dropped
    at that reload (or at `reload()`).
    """

    # Unknown key ids re-read the folder at most this often, unless the folder changed.
    RELOAD_INTERVAL_SECONDS = 1.0

    def __init__(
        self, public_keys_dir: Path, *, leeway: timedelta = LEEWAY, staff: StaffKeys | None = None
    ) -> None:
        self._dir = public_keys_dir
        self._leeway = leeway
        self._staff = staff
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
        if key is None and KID.match(kid):
            # A flood of made-up key ids must not turn into a flood of folder reads.
            changed = self._dir_mtime() != self._loaded_mtime
            stale = time.monotonic() - self._loaded_at >= self.RELOAD_INTERVAL_SECONDS
            if changed or stale:
                self.reload()
                key = self._keys.get(kid)
        if key is None and self._staff is not None:
            key = self._staff.key(kid)
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
        caller = _caller_from(claims)
        self.refuse_if_revoked(caller, _issued_at(claims))
        return caller

    def refuse_if_revoked(self, caller: Caller, issued_at: datetime) -> None:
        """TokenError when the staff service revoked the caller's tokens issued by then."""
        if self._staff is not None and self._staff.revoked(caller.user_id, issued_at):
            raise TokenError(
                f"账号已停用或已退出登录 / the account was disabled or signed out; {_SIGN_IN_AGAIN}"
            )


def _issued_at(claims: Mapping[str, Any]) -> datetime:
    issued = claims["iat"]
    if not isinstance(issued, int | float):
        raise TokenError("访问令牌签发时间无效 / the bearer token's 'iat' claim is not a number")
    return datetime.fromtimestamp(issued, UTC)


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
