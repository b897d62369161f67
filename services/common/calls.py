"""What every call passes before a use case runs: who is calling, whether the RPC's declared
access rule lets them, and whether the request is well-formed and within its input limits.

Services accept the identity only with the gateway's signature; health and reflection
stay open so probes and tools work without a token.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import grpc

from services.common import validation
from services.common.access import AccessPolicy, policy_for
from services.common.errors import DomainError, abort, permission_denied, unauthenticated
from services.common.identity import IDENTITY_HEADER, Caller, IdentityError, verify_identity


@dataclass(frozen=True)
class CallContext:
    caller: Caller
    policy: AccessPolicy

    @property
    def sees_full_personal_data(self) -> bool:
        return self.caller.has_any(self.policy.unmasked_roles)

    def may_touch_site(self, site_code: str) -> bool:
        if not self.policy.own_site or self.caller.has_any(self.policy.cross_site_roles):
            return True
        return site_code == self.caller.site_code

    def require_site(self, site_code: str) -> None:
        if not self.may_touch_site(site_code):
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
        self._key = key

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(details)
        policy = policy_for(details.method)
        if handler is None or policy is None or handler.unary_unary is None:
            return handler
        metadata = dict(details.invocation_metadata or ())
        try:
            caller = verify_identity(str(metadata[IDENTITY_HEADER]), self._key)
        except (KeyError, IdentityError):
            return _refusing(unauthenticated("请通过网关调用 / call this service through the gateway"))
        if not caller.has_any(policy.roles):
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
