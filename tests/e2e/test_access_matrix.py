"""Every role against every RPC through the gateway: allowed or refused as its proto option says."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import symbol_database

from services.common import contracts
from services.common.access import policy_for
from tests.e2e.conftest import Stack

# One demo user per role (deploy/demo/users.json).
USERS = {
    "clerk": "clerk-gaogou",
    "reviewer": "reviewer-county",
    "centre_admin": "admin-county",
    "township_officer": "officer-gaogou",
    "inspector": "inspector-county",
}
METHODS = [
    (service.full_name, method)
    for service in contracts.services_of("acceptance")
    for method in service.methods
]


@pytest.mark.parametrize("role", sorted(USERS))
def test_each_role_is_allowed_or_refused_as_declared(e2e: Stack, role: str) -> None:
    token = e2e.token(USERS[role])
    with grpc.insecure_channel(e2e.gateway) as channel:
        for service, method in METHODS:
            path = f"/{service}/{method.name}"
            policy = policy_for(path)
            assert policy is not None, f"{path} declares no access rule"
            request_type = symbol_database.Default().GetSymbol(method.input_type.full_name)
            call = channel.unary_unary(
                path, request_serializer=lambda m: m.SerializeToString(), response_deserializer=bytes
            )
            try:
                call(request_type(), metadata=[("authorization", f"Bearer {token}")], timeout=10)
                code = grpc.StatusCode.OK
            except grpc.RpcError as error:
                code = error.code()
            if role in policy.roles:
                # Past the gateway: the service may still find the empty request wrong.
                assert code not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED), (
                    f"{role} refused on {path}"
                )
            else:
                assert code == grpc.StatusCode.PERMISSION_DENIED, f"{role} allowed on {path}: {code}"


def test_no_token_and_unknown_service(e2e: Stack) -> None:
    with grpc.insecure_channel(e2e.gateway) as channel:
        list_sites = channel.unary_unary("/tongban.acceptance.v1.CatalogService/ListSites")
        with pytest.raises(grpc.RpcError) as no_token:
            list_sites(b"", timeout=10)
        assert no_token.value.code() == grpc.StatusCode.UNAUTHENTICATED
        unknown = channel.unary_unary("/tongban.nothing.v1.NoService/Do")
        with pytest.raises(grpc.RpcError) as missing:
            unknown(b"", metadata=[("authorization", f"Bearer {e2e.token('clerk-gaogou')}")], timeout=10)
        assert missing.value.code() == grpc.StatusCode.UNIMPLEMENTED
