"""Idempotent use cases keyed by the client's request_id.

The key, a fingerprint of the request and the first result (response or error) are
stored in the same transaction as the change, under a unique key: a retry replays the
first result, the same id with other content is refused, and a race between two
retries leaves one winner.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from google.protobuf.message import Message
from google.rpc import status_pb2
from sqlalchemy import LargeBinary
from sqlalchemy.exc import IntegrityError
from sqlmodel import Column, Field, Session, SQLModel

from services.common.clock import Clock
from services.common.db import Database
from services.common.errors import DomainError, FieldProblem, already_exists, from_status, invalid_input

Response = TypeVar("Response", bound=Message)


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_keys"

    request_id: str = Field(primary_key=True, max_length=128)
    method: str = Field(max_length=200)
    fingerprint: str = Field(max_length=64)
    # Serialized response on success, serialized google.rpc.Status on error.
    result: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    failed: bool = False
    created_at: datetime


def _fingerprint(method: str, request: Message) -> str:
    digest = hashlib.sha256(method.encode())
    digest.update(request.SerializeToString(deterministic=True))
    return digest.hexdigest()


def _replay(key: IdempotencyKey, method: str, fingerprint: str, response_type: type[Response]) -> Response:
    if key.method != method or key.fingerprint != fingerprint:
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
    method: str,
    request_id: str,
    request: Message,
    response_type: type[Response],
    use_case: Callable[[Session], Response],
) -> Response:
    if not request_id.strip():
        raise invalid_input(
            "缺少请求编号 / request_id is required",
            [FieldProblem("request_id", "每个提交类请求都需要唯一的请求编号 / required, unique per request")],
        )
    fingerprint = _fingerprint(method, request)
    try:
        with db.transaction() as session:
            prior = session.get(IdempotencyKey, request_id)
            if prior is not None:
                return _replay(prior, method, fingerprint, response_type)
            try:
                response = use_case(session)
            except DomainError as error:
                session.rollback()
                failed = error
            else:
                session.add(_key(request_id, method, fingerprint, response.SerializeToString(), clock))
                return response
        # The use case changed nothing; remember its error so a retry gets the same answer.
        with db.transaction() as session:
            session.add(
                _key(
                    request_id,
                    method,
                    fingerprint,
                    failed.to_status().SerializeToString(),
                    clock,
                    failed=True,
                )
            )
        raise failed
    except IntegrityError:
        # A concurrent retry with the same id committed first: return its result.
        with db.transaction() as session:
            winner = session.get(IdempotencyKey, request_id)
            if winner is None:
                raise
            return _replay(winner, method, fingerprint, response_type)


def _key(
    request_id: str, method: str, fingerprint: str, result: bytes, clock: Clock, *, failed: bool = False
) -> IdempotencyKey:
    return IdempotencyKey(
        request_id=request_id,
        method=method,
        fingerprint=fingerprint,
        result=result,
        failed=failed,
        created_at=clock.now(),
    )


def run_request_once(
    db: Database,
    clock: Clock,
    method: str,
    request: Any,
    response_type: type[Response],
    use_case: Callable[[Session], Response],
) -> Response:
    """`run_once` keyed by a mutating request's own `request_id` field."""
    return run_once(
        db,
        clock,
        method=method,
        request_id=request.request_id,
        request=request,
        response_type=response_type,
        use_case=use_case,
    )
