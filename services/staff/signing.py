"""The staff service's token-signing keys: made, encrypted, chosen, published and rotated.

Rotation without downtime: a new key is published at once but signs only `lead` later, by which
time every gateway has fetched it (they refresh more often, and fetch at once on an unknown key
id). The key it replaces stops signing then, and stays published until the last token it signed
has expired. Private keys are stored encrypted with a passphrase derived from the deployment's
internal key (HKDF), so the database alone signs nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlmodel import Session, col, or_, select

from services.common.tokens import DEFAULT_LIFETIME
from services.staff.models import SigningKeyRow

# The longest lifetime of a token this deployment signs or trusts (the demo tokens' included):
# how long a key stays published after it stopped signing, and revocations are kept.
LONGEST_TOKEN_LIFETIME = DEFAULT_LIFETIME


def passphrase(internal_key: bytes) -> bytes:
    """The key-encryption passphrase, derived so the internal key itself is never reused as is."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"tongban", info=b"staff token-signing keys"
    ).derive(internal_key)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: Ed25519PrivateKey


def _new_kid(now: datetime) -> str:
    return f"staff-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def make_key(session: Session, *, internal_key: bytes, now: datetime, signs_from: datetime) -> SigningKeyRow:
    """A new key pair, stored; it signs from `signs_from` and is published from now."""
    private = Ed25519PrivateKey.generate()
    row = SigningKeyRow(
        kid=_new_kid(now),
        private_pem=private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase(internal_key)),
        ),
        public_pem=private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
        created_at=now,
        signs_from=signs_from,
    )
    session.add(row)
    return row


def rotate(session: Session, *, internal_key: bytes, now: datetime, lead: timedelta) -> SigningKeyRow:
    """A new key signing after `lead`; the keys signing until then stay published for as long as a
    token they signed can live."""
    new = make_key(session, internal_key=internal_key, now=now, signs_from=now + lead)
    for row in session.exec(select(SigningKeyRow).where(col(SigningKeyRow.published_until).is_(None))):
        if row.kid != new.kid:
            row.published_until = new.signs_from + LONGEST_TOKEN_LIFETIME
    return new


def current(session: Session, *, internal_key: bytes, now: datetime) -> SigningKey:
    """The key that signs now: the newest one whose time has come (made on first use)."""
    row = session.exec(
        select(SigningKeyRow)
        .where(SigningKeyRow.signs_from <= now)
        .order_by(col(SigningKeyRow.signs_from).desc())
        .limit(1)
    ).first()
    if row is None:
        row = make_key(session, internal_key=internal_key, now=now, signs_from=now)
    loaded = serialization.load_pem_private_key(row.private_pem, password=passphrase(internal_key))
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"signing key {row.kid} is not an Ed25519 key")
    return SigningKey(row.kid, loaded)


def published(session: Session, now: datetime) -> list[SigningKeyRow]:
    """The keys the gateways trust now: every key not yet past its publication."""
    return list(
        session.exec(
            select(SigningKeyRow)
            .where(
                or_(col(SigningKeyRow.published_until).is_(None), col(SigningKeyRow.published_until) > now)
            )
            .order_by(col(SigningKeyRow.signs_from))
        ).all()
    )
