"""Passwords: argon2id hashes (argon2-cffi), and what a new password must be.

A hash is all that is stored; verifying a user that does not exist still costs one hash, so
the answer's timing does not tell which user ids exist.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.common.errors import FieldProblem

MIN_LENGTH = 10


@cache
def _hasher() -> PasswordHasher:
    # argon2-cffi's defaults follow RFC 9106's second recommended setting (64 MiB, 3 passes).
    return PasswordHasher()


@cache
def _decoy() -> str:
    return _hasher().hash("no such user: this hash only spends the time a real check would")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(stored_hash: str, password: str) -> bool:
    """Whether the password matches; an empty hash (no password yet) matches nothing."""
    try:
        return _hasher().verify(stored_hash or _decoy(), password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """The hash was made with weaker settings than today's (rehashed at the next sign-in)."""
    return _hasher().check_needs_rehash(stored_hash)


def problems(user_id: str, password: str, field: str = "new_password") -> list[FieldProblem]:
    """Why a new password is refused (never repeating it)."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(FieldProblem(field, f"至少{MIN_LENGTH}个字符 / at least {MIN_LENGTH} characters"))
    if password.strip() != password:
        found.append(FieldProblem(field, "首尾不能有空格 / no leading or trailing spaces"))
    if user_id and user_id.lower() in password.lower():
        found.append(FieldProblem(field, "不能包含用户名 / must not contain the user id"))
    return found
