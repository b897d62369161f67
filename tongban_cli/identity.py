"""What the CLI's own token says about the person holding it: window, roles.

Read without checking the signature, only to fill in defaults and explain refusals; the
gateway verifies the token and the services check what it allows (a window must belong to
the caller's site).
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt

from services.common.tokens import WINDOW_CLAIM


@dataclass(frozen=True)
class Holder:
    user_id: str = ""
    window_code: str = ""
    roles: tuple[str, ...] = ()


def holder_of(token: str) -> Holder:
    """The token's claims; an empty Holder when it is not a readable JWT (the gateway says why)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return Holder()
    user, window, roles = claims.get("sub"), claims.get(WINDOW_CLAIM), claims.get("roles")
    return Holder(
        user_id=user if isinstance(user, str) else "",
        window_code=window if isinstance(window, str) else "",
        roles=tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else (),
    )
