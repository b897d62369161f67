"""Idempotent use cases keyed by the client's request_id.

The key (the caller, the method and the request id), a fingerprint of the request and the
first result (response or error) are stored in the same transaction as the change, under a
unique key: a retry replays the first result, the same id with other content is refused,
and a race between two retries leaves one winner. Another caller's request with the same id
is another request: nobody gets someone else's result back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, TypeVar

from google.protobuf.message import Message
from google.rpc import status_pb2
from sqlalchemy import LargeBinary, bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Column, Field, Session, SQLModel, col

from services.common.clock import Clock
from services.common.db import Database
from services.common.errors import DomainError, FieldProblem, already_exists, from_status, invalid_input
from services.common.rows import append_row, plain_columns, read_plain

Response = TypeVar("Response", bound=Message)


class IdempotencyKey(SQLModel, table=True):
    """A request id is the caller's own, per method: another caller's same id is another request."""

    __tablename__ = "idempotency_keys"

    caller: str = Field(primary_key=True, max_length=64)
    method: str = Field(primary_key=True, max_length=200)
    request_id: str = Field(primary_key=True, max_length=128)
    fingerprint: str = Field(max_length=64)
    # Serialized response on success, serialized google.rpc.Status on error.
    result: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    failed: bool = False
    created_at: datetime


@dataclass(frozen=True)
class RequestKey:
    """Whose request this is: a request id counts per caller and per method."""

    caller: str
    method: str
    request_id: str


def _fingerprint(method: str, request: Message) -> str:
    digest = hashlib.sha256(method.encode())
    digest.update(request.SerializeToString(deterministic=True))
    return digest.hexdigest()


class _Answer(NamedTuple):
    """The first result of a key, as a retry replays it."""

    fingerprint: str
    result: bytes
    failed: bool


# Every write asks it, and seldom finds one: built once with bound parameters, read as a plain row
# (bench/README.md, "Statements built once", "Plain rows").
_ANSWER = (
    plain_columns(IdempotencyKey, _Answer._fields)
    .where(col(IdempotencyKey.caller) == bindparam("caller"))
    .where(col(IdempotencyKey.method) == bindparam("method"))
    .where(col(IdempotencyKey.request_id) == bindparam("request_id"))
)


def _answer(session: Session, where: dict[str, str]) -> _Answer | None:
    found = read_plain(session, _ANSWER, where, _Answer)
    return found[0] if found else None


def _replay(key: _Answer, fingerprint: str, response_type: type[Response]) -> Response:
    if key.fingerprint != fingerprint:
        raise already_exists(
            "该请求编号已用于另一笔不同内容的请求 / this request_id was already used for a different request"
        )
    if key.failed:
        raise from_status(status_pb2.Status.FromString(key.result))
    return response_type.FromString(key.result)


def run_once(
    db: Database,
    clock: Clock,
    *,
    key: RequestKey,
    request: Message,
    response_type: type[Response],
    use_case: Callable[[Session], Response],
) -> Response:
    """Run `use_case` in one transaction with its key, or replay the first result of this key."""
    if not key.request_id.strip():
        raise invalid_input(
            "缺少请求编号 / request_id is required",
            [FieldProblem("request_id", "每个提交类请求都需要唯一的请求编号 / required, unique per request")],
        )
    fingerprint = _fingerprint(key.method, request)
    where = {"caller": key.caller, "method": key.method, "request_id": key.request_id}
    try:
        with db.transaction() as session:
            prior = _answer(session, where)
            if prior is not None:
                return _replay(prior, fingerprint, response_type)
            try:
                response = use_case(session)
            except DomainError as error:
                session.rollback()
                failed = error
            else:
                _remember(session, key, fingerprint, response.SerializeToString(), clock)
                return response
        # The use case changed nothing; remember its error so a retry gets the same answer.
        with db.transaction() as session:
            _remember(session, key, fingerprint, failed.to_status().SerializeToString(), clock, failed=True)
        raise failed
    except IntegrityError:
        # A concurrent retry with the same key committed first: return its result.
        with db.transaction() as session:
            winner = _answer(session, where)
            if winner is None:
                raise
            return _replay(winner, fingerprint, response_type)


def _remember(
    session: Session, key: RequestKey, fingerprint: str, result: bytes, clock: Clock, *, failed: bool = False
) -> None:
    append_row(
        session,
        IdempotencyKey,
        caller=key.caller,
        method=key.method,
        request_id=key.request_id,
        fingerprint=fingerprint,
        result=result,
        failed=failed,
        created_at=clock.now(),
    )
