"""Access rules declared on each RPC as the `tongban.access.v1.access` method option.

The gateway checks roles from here; the services check site scope and masking from
the same declaration, so the whole policy is read in one place: the protos.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, cast

from google.protobuf import descriptor_pool
from google.protobuf.descriptor import MethodDescriptor
from tongban.access.v1 import access_pb2

from services.common import (
    contracts,  # noqa: F401  (fills the descriptor pool)
    labels,
)

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import MethodOptions
    from google.protobuf.internal.extension_dict import _ExtensionFieldDescriptor

# protoc's stub types the extension as a bare FieldDescriptor; this says what it extends and holds.
_ACCESS = cast("_ExtensionFieldDescriptor[MethodOptions, access_pb2.AccessRule]", access_pb2.access)

# Token role names <-> proto enum values.
ROLE_NAMES = {
    access_pb2.ROLE_CLERK: "clerk",
    access_pb2.ROLE_REVIEWER: "reviewer",
    access_pb2.ROLE_CENTRE_ADMIN: "centre_admin",
    access_pb2.ROLE_TOWNSHIP_OFFICER: "township_officer",
    access_pb2.ROLE_INSPECTOR: "inspector",
    access_pb2.ROLE_SERVICE: "service",
    access_pb2.ROLE_CATALOGUE_OFFICER: "catalogue_officer",
}
ALL_ROLES = frozenset(ROLE_NAMES.values())


def role_name(value: int) -> str:
    """The token role name of a Role enum value stored as a plain int ("" if unknown)."""
    return {int(role): name for role, name in ROLE_NAMES.items()}.get(value, "")


SERVICE_ROLE = "service"
# Who calls a public RPC (signing in) without a token: no roles, no site.
ANONYMOUS = "anonymous"
# Roles a person's bearer token may carry; "service" is only ever signed service-to-service.
PERSON_ROLES = ALL_ROLES - {SERVICE_ROLE}
# Token role name -> Chinese label, from the Role enum's labels in the proto.
ROLE_LABELS = {name: labels.zh(access_pb2.Role, role) for role, name in ROLE_NAMES.items()}


@dataclass(frozen=True)
class AccessPolicy:
    method: str
    roles: frozenset[str]
    own_site: bool
    cross_site_roles: frozenset[str]
    unmasked_roles: frozenset[str]
    department_scoped_roles: frozenset[str] = frozenset()
    # Role name -> applicant field paths it sees in full.
    revealed_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Callable without a token (signing in).
    public: bool = False


def _names(values: object) -> frozenset[str]:
    return frozenset(ROLE_NAMES[v] for v in values)  # type: ignore[attr-defined]


def policy_of(method: MethodDescriptor) -> AccessPolicy | None:
    options = method.GetOptions()
    if not options.HasExtension(_ACCESS):
        return None
    rule = options.Extensions[_ACCESS]
    return AccessPolicy(
        method=f"/{method.containing_service.full_name}/{method.name}",
        roles=_names(rule.roles),
        own_site=rule.own_site,
        cross_site_roles=_names(rule.cross_site_roles),
        unmasked_roles=_names(rule.unmasked_roles),
        department_scoped_roles=_names(rule.department_scoped_roles),
        revealed_fields={ROLE_NAMES[r.role]: frozenset(r.fields) for r in rule.revealed_fields},
        public=rule.public,
    )


@cache
def policy_for(full_method: str) -> AccessPolicy | None:
    """The rule of '/package.Service/Method', or None if the RPC is unknown or undeclared."""
    service_name, _, method_name = full_method.lstrip("/").rpartition("/")
    try:
        service = descriptor_pool.Default().FindServiceByName(service_name)
    except KeyError:
        return None
    method = service.methods_by_name.get(method_name)
    return policy_of(method) if method else None
