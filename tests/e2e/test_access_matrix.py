"""Every role against every RPC of every service, through the gateway: allowed or refused as its
proto option says. The RPCs come from the descriptors, so a new one cannot be left out."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from google.protobuf import symbol_database
from google.protobuf.descriptor import MethodDescriptor

from services.common import contracts
from services.common.access import PERSON_ROLES, policy_for
from tests.e2e.conftest import Stack
from tests.support import every_rpc

# One demo user per role a person's token can carry (services/staff/seed/organisation.json).
USERS = {
    "clerk": "clerk-gaogou",
    "reviewer": "reviewer-county",
    "centre_admin": "admin-county",
    "township_officer": "officer-gaogou",
    "inspector": "inspector-county",
    "catalogue_officer": "catalogue-mz",
}
RPCS = every_rpc()
PUBLIC = [(area, method) for area, method in RPCS if area != "internal"]
INTERNAL = [method for area, method in RPCS if area == "internal"]
# Whatever an empty request gets, it is never one of these.
NEVER = (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN)


def _path(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


@pytest.fixture(scope="module")
def tokens(e2e: Stack) -> Iterator[dict[str, str]]:
    yield {role: e2e.token(user) for role, user in USERS.items()}


def _call(e2e: Stack, method: MethodDescriptor, token: str) -> grpc.StatusCode:
    request_type = symbol_database.Default().GetSymbol(method.input_type.full_name)
    with grpc.insecure_channel(e2e.gateway) as channel:
        call = channel.unary_unary(
            _path(method), request_serializer=lambda m: m.SerializeToString(), response_deserializer=bytes
        )
        try:
            call(request_type(), metadata=[("authorization", f"Bearer {token}")], timeout=10)
        except grpc.RpcError as error:
            return error.code()  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


def test_the_matrix_covers_every_area_and_role() -> None:
    assert set(USERS) == PERSON_ROLES
    for area in contracts.AREAS:
        served = {_path(method) for service in contracts.services_of(area) for method in service.methods}
        assert served <= {_path(method) for _, method in PUBLIC}
    assert {area for area, _ in PUBLIC} >= {"acceptance", "approval", "supervision"}
    assert INTERNAL, "the event intake is in the matrix too"


@pytest.mark.parametrize("role", sorted(USERS))
@pytest.mark.parametrize(("area", "method"), PUBLIC, ids=lambda v: v if isinstance(v, str) else _path(v))
def test_each_role_is_allowed_or_refused_as_declared(
    e2e: Stack, tokens: dict[str, str], role: str, area: str, method: MethodDescriptor
) -> None:
    policy = policy_for(_path(method))
    assert policy is not None, f"{_path(method)} declares no access rule"
    code = _call(e2e, method, tokens[role])
    assert code not in NEVER, f"{role} on {_path(method)}: {code}"
    # A public RPC (an applicant's rating by link) is forwarded for anyone, whatever the token.
    if role in policy.roles or policy.public:
        # Past the gateway: the service may still find the empty request wrong.
        assert code not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED), (
            f"{role} refused on {_path(method)}"
        )
    else:
        assert code == grpc.StatusCode.PERMISSION_DENIED, f"{role} allowed on {_path(method)}: {code}"


@pytest.mark.parametrize("role", sorted(USERS))
@pytest.mark.parametrize("method", INTERNAL, ids=_path)
def test_the_internal_event_intake_is_refused_to_every_person(
    e2e: Stack, tokens: dict[str, str], role: str, method: MethodDescriptor
) -> None:
    # Only services deliver events, service to service; the gateway never routes the intake.
    assert _call(e2e, method, tokens[role]) == grpc.StatusCode.UNIMPLEMENTED


def test_no_token_and_unknown_service(e2e: Stack, tokens: dict[str, str]) -> None:
    with grpc.insecure_channel(e2e.gateway) as channel:
        list_sites = channel.unary_unary("/tongban.acceptance.v1.CatalogService/ListSites")
        with pytest.raises(grpc.RpcError) as no_token:
            list_sites(b"", timeout=10)
        assert no_token.value.code() == grpc.StatusCode.UNAUTHENTICATED
        unknown = channel.unary_unary("/tongban.nothing.v1.NoService/Do")
        with pytest.raises(grpc.RpcError) as missing:
            unknown(b"", metadata=[("authorization", f"Bearer {tokens['clerk']}")], timeout=10)
        assert missing.value.code() == grpc.StatusCode.UNIMPLEMENTED
