"""What every call passes before a use case runs: who is calling, whether the RPC's declared
access rule lets them, and whether the request is well-formed and within its input limits.

Services accept the identity only with the gateway's signature; a `tongban.*` method with
no access rule is refused (deny by default); health and reflection stay open so probes
and tools work without a token.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health
from grpc_reflection.v1alpha import reflection

from services.common import validation
from services.common.access import AccessPolicy, policy_for
from services.common.errors import DomainError, abort, permission_denied, unauthenticated
from services.common.identity import IDENTITY_HEADER, Caller, IdentityError, VerifiedIdentities

# Open to anyone (probes, tools); every other method needs its declared access rule.
_OPEN = tuple(f"/{name}/" for name in (health.SERVICE_NAME, reflection.SERVICE_NAME))


@dataclass(frozen=True)
class CallContext:
    caller: Caller
    policy: AccessPolicy

    @property
    def sees_full_personal_data(self) -> bool:
        return self.caller.has_any(self.policy.unmasked_roles)

    def revealed_fields(self) -> frozenset[str]:
        """Applicant fields (e.g. "applicant.id_number") the caller's roles see in full."""
        fields = self.policy.revealed_fields
        return frozenset(path for role in self.caller.roles for path in fields.get(role, ()))

    @property
    def department_scoped(self) -> bool:
        """The caller reaches cases through their department alone (a county reviewer)."""
        roles = self.caller.roles & self.policy.roles
        return bool(roles) and roles <= self.policy.department_scoped_roles

    def may_touch(self, site_code: str, departments: Collection[str] = ()) -> bool:
        """Whether one of the caller's roles reaches a resource of this site, reviewed by these departments.

        A cross-site role reaches every site; a department-scoped role only what its department
        reviews, whatever the site; any other role only its own site (when the rule says so).
        """
        policy = self.policy
        for role in self.caller.roles & policy.roles:
            if role in policy.department_scoped_roles:
                if self.caller.department_code and self.caller.department_code in departments:
                    return True
            elif not policy.own_site or role in policy.cross_site_roles or site_code == self.caller.site_code:
                return True
        return False

    def require(self, site_code: str, departments: Collection[str] = ()) -> None:
        if not self.may_touch(site_code, departments):
            if self.department_scoped:
                raise permission_denied(
                    "只能查看本部门审查的办件 / you may only see cases your department reviews"
                )
            raise permission_denied("只能办理本站点的办件 / you may only act on your own site's cases")


_current: ContextVar[CallContext] = ContextVar("tongban_call")


def current_call() -> CallContext:
    return _current.get()


def _refusing(error: DomainError) -> grpc.RpcMethodHandler:
    # No deserializer: the body is never read, so even garbage gets this answer.
    def behaviour(_request: bytes, context: grpc.ServicerContext) -> Any:
        abort(context, error)

    return grpc.unary_unary_rpc_method_handler(behaviour)


class IdentityInterceptor(grpc.ServerInterceptor):  # type: ignore[misc]
    """Identity, access rule, then body and input limits: the one gate before any use case."""

    def __init__(self, key: bytes) -> None:
        self._identities = VerifiedIdentities(key)

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(details)
        method = str(details.method)
        if handler is None or method.startswith(_OPEN):
            return handler
        policy = policy_for(method)
        if policy is None:
            return _refusing(
                permission_denied("接口未声明访问规则, 不予调用 / this method declares no access rule")
            )
        if handler.unary_unary is None or handler.request_deserializer is None:
            # Every contract RPC is unary with a generated message type; the gate needs both.
            return _refusing(
                DomainError("只提供一元调用 / only unary calls are served", grpc.StatusCode.UNIMPLEMENTED)
            )
        metadata = dict(details.invocation_metadata or ())
        try:
            caller = self._identities.caller(str(metadata[IDENTITY_HEADER]))
        except (KeyError, IdentityError):
            return _refusing(unauthenticated("请通过网关调用 / call this service through the gateway"))
        if not policy.public and not caller.has_any(policy.roles):
            return _refusing(permission_denied("当前角色无权执行此操作 / your role may not do this"))
        call = CallContext(caller, policy)
        inner = handler.unary_unary
        parse = handler.request_deserializer

        def behaviour(body: bytes, context: grpc.ServicerContext) -> Any:
            # Parsed here rather than by gRPC, which answers INTERNAL to a body that is no protobuf.
            try:
                request = validation.decode(parse, body)
                validation.check(request)
            except DomainError as error:
                abort(context, error)
            token = _current.set(call)
            try:
                return inner(request, context)
            finally:
                _current.reset(token)

        return grpc.unary_unary_rpc_method_handler(behaviour, response_serializer=handler.response_serializer)
