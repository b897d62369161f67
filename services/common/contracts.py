"""The generated contracts each backend serves, by service area.

Importing this module registers every descriptor in the default pool, which the
gateway (routing, access rules, reflection) and the services (access rules) read.
"""

from __future__ import annotations

from types import ModuleType

from google.protobuf.descriptor import ServiceDescriptor
from tongban.acceptance.v1 import acceptance_pb2, catalog_admin_pb2, catalog_pb2
from tongban.acceptance.v1 import events_pb2 as acceptance_events_pb2
from tongban.approval.v1 import approval_pb2
from tongban.approval.v1 import events_pb2 as approval_events_pb2
from tongban.events.v1 import intake_pb2
from tongban.staff.v1 import (
    accounts_pb2,
    assessment_pb2,
    attendance_pb2,
    calendar_pb2,
    keys_pb2,
    leave_pb2,
    organisation_pb2,
    rotation_pb2,
)
from tongban.staff.v1 import events_pb2 as staff_events_pb2
from tongban.supervision.v1 import deductions_pb2, supervision_pb2
from tongban.supervision.v1 import events_pb2 as supervision_events_pb2

SERVICE_MODULES: dict[str, list[ModuleType]] = {
    "acceptance": [catalog_pb2, catalog_admin_pb2, acceptance_pb2],
    "approval": [approval_pb2],
    "staff": [
        organisation_pb2,
        accounts_pb2,
        leave_pb2,
        calendar_pb2,
        attendance_pb2,
        assessment_pb2,
        rotation_pb2,
    ],
    "supervision": [supervision_pb2],
}
AREAS = tuple(SERVICE_MODULES)
# Served by the services to each other only (event delivery; the token keys the gateway fetches):
# imported for their access rules, never routed by the gateway nor listed by services_of().
INTERNAL_MODULES: list[ModuleType] = [intake_pb2, keys_pb2]
# The events each area announces (services.common.routing reads their options).
EVENT_MODULES: list[ModuleType] = [
    acceptance_events_pb2,
    approval_events_pb2,
    staff_events_pb2,
    supervision_events_pb2,
    # Supervision's deductions, which staff counts in its assessment.
    deductions_pb2,
]


def services_of(area: str) -> list[ServiceDescriptor]:
    """The descriptors of the gRPC services an area serves."""
    return [
        service for module in SERVICE_MODULES[area] for service in module.DESCRIPTOR.services_by_name.values()
    ]


def service_names(area: str) -> list[str]:
    """Full names of the gRPC services an area serves, e.g. tongban.acceptance.v1.CatalogService."""
    return [service.full_name for service in services_of(area)]


def area_of(service_full_name: str) -> str | None:
    """The area owning a service, from its package tongban.<area>.v1."""
    parts = service_full_name.split(".")
    if len(parts) >= 4 and parts[0] == "tongban" and parts[1] in SERVICE_MODULES:
        return parts[1]
    return None
