"""Domain errors and their gRPC status with google.rpc details.

Messages are what a clerk reads (Chinese / English) and never carry personal data:
the gRPC tracing instrumentation copies them into spans.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, NoReturn, TypeVar

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.common.calendar import CalendarDataMissing

Found = TypeVar("Found")


@dataclass(frozen=True)
class FieldProblem:
    field: str
    description: str


@dataclass(frozen=True)
class StateProblem:
    subject: str
    description: str
    type: str = "STATE"


@dataclass
class DomainError(Exception):
    message: str
    code: grpc.StatusCode = grpc.StatusCode.INTERNAL
    details: list[Any] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message

    def to_status(self) -> status_pb2.Status:
        packed = []
        for detail in self.details:
            holder = any_pb2.Any()
            holder.Pack(detail)
            packed.append(holder)
        return status_pb2.Status(code=self.code.value[0], message=self.message, details=packed)


def required(value: str, field: str, label: str) -> list[FieldProblem]:
    """A problem for a blank required field, named in Chinese and English; none if filled in."""
    return [] if value.strip() else [FieldProblem(field, f"{label}必填 / {field} is required")]


def invalid_input(message: str, problems: Sequence[FieldProblem]) -> DomainError:
    violations = [
        error_details_pb2.BadRequest.FieldViolation(field=p.field, description=p.description)
        for p in problems
    ]
    return DomainError(
        message,
        grpc.StatusCode.INVALID_ARGUMENT,
        [error_details_pb2.BadRequest(field_violations=violations)],
    )


def wrong_state(message: str, problems: Sequence[StateProblem]) -> DomainError:
    violations = [
        error_details_pb2.PreconditionFailure.Violation(
            type=p.type, subject=p.subject, description=p.description
        )
        for p in problems
    ]
    return DomainError(
        message,
        grpc.StatusCode.FAILED_PRECONDITION,
        [error_details_pb2.PreconditionFailure(violations=violations)],
    )


def not_found(resource_type: str, name: str, message: str) -> DomainError:
    info = error_details_pb2.ResourceInfo(resource_type=resource_type, resource_name=name)
    return DomainError(message, grpc.StatusCode.NOT_FOUND, [info])


def or_not_found(row: Found | None, resource_type: str, name: str, message: str) -> Found:
    """The row that was loaded, or NOT_FOUND naming the resource (the one "load this" check)."""
    if row is None:
        raise not_found(resource_type, name, message)
    return row


def calendar_missing(year: int) -> DomainError:
    """An action that must count working days in a year the calendar lacks: FAILED_PRECONDITION
    naming the year and how an administrator loads it."""
    return wrong_state(
        str(CalendarDataMissing(year)),
        [StateProblem(str(year), "缺少工作日历 / no working-day calendar", "CALENDAR")],
    )


def permission_denied(message: str) -> DomainError:
    return DomainError(message, grpc.StatusCode.PERMISSION_DENIED)


def unauthenticated(message: str) -> DomainError:
    return DomainError(message, grpc.StatusCode.UNAUTHENTICATED)


def already_exists(message: str) -> DomainError:
    return DomainError(message, grpc.StatusCode.ALREADY_EXISTS)


def from_status(status: status_pb2.Status) -> DomainError:
    """Rebuild an error stored earlier (an idempotent replay returns the first result)."""
    details: list[Any] = []
    for holder in status.details:
        for kind in (
            error_details_pb2.BadRequest,
            error_details_pb2.PreconditionFailure,
            error_details_pb2.ResourceInfo,
        ):
            if holder.Is(kind.DESCRIPTOR):
                detail = kind()
                holder.Unpack(detail)
                details.append(detail)
    code = next(c for c in grpc.StatusCode if c.value[0] == status.code)
    return DomainError(status.message, code, details)


def abort(context: grpc.ServicerContext, error: DomainError) -> NoReturn:
    context.abort_with_status(rpc_status.to_status(error.to_status()))
    raise AssertionError("abort_with_status returns only by raising")


log = logging.getLogger(__name__)

_Handler = TypeVar("_Handler", bound=Callable[..., Any])

_RETRY_LATER = (
    "数据库暂不可用, 请用同一请求编号重试 / the database is unavailable; try again with the same request_id"
)


def database_unreachable(error: Exception) -> bool:
    """The database connection failed or was lost (not a wrong statement): worth trying again."""
    # Imported here: the CLI shares this module and starts about 0.3 s sooner without SQLAlchemy.
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError | InterfaceError)


def grpc_errors(method: _Handler) -> _Handler:
    """Turn a DomainError raised by a servicer method into its gRPC status."""

    @wraps(method)
    def wrapper(self: Any, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return method(self, request, context)
        except DomainError as error:
            abort(context, error)
        except Exception as error:
            if database_unreachable(error):
                # A restart or failover: nothing to debug, and the client's retry (same request_id,
                # so a commit that did happen is replayed) will find the database back.
                cause = type(getattr(error, "orig", None) or error).__name__
                log.warning("%s: database unreachable (%s)", method.__name__, cause)
                abort(context, DomainError(_RETRY_LATER, grpc.StatusCode.UNAVAILABLE))
            # The clerk gets a plain sentence; the log gets the traceback (SQL parameters
            # are hidden by the engine, so no applicant data reaches it).
            log.exception("unexpected error in %s", method.__name__)
            abort(
                context,
                DomainError(
                    "系统内部错误, 本次操作未完成, 请稍后重试或联系管理员 / internal error, nothing was done"
                ),
            )

    return wrapper  # type: ignore[return-value]
