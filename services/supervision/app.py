"""Wiring of the supervision service: database, event intake, the inspectors' read API, server.

Supervision only receives events for now; it emits none, so it runs no relay.
"""

from __future__ import annotations

from tongban.supervision.v1 import supervision_pb2_grpc

from services.common import contracts
from services.common.calls import IdentityInterceptor
from services.common.clock import Clock, clock_from
from services.common.db import Database, tables_in
from services.common.delivery import INTAKE_SERVICE_NAME, intake_registration
from services.common.server import RunningServer, create_server
from services.common.settings import Settings
from services.common.telemetry import setup_tracing
from services.supervision import models
from services.supervision.events import EventRecorder
from services.supervision.queries import EventQueries
from services.supervision.servicer import SupervisionServicer

NAME = "supervision"


def database(settings: Settings) -> Database:
    return Database(settings.database_url_for(NAME), tables_in(models), connections=settings.max_workers + 4)


def build(settings: Settings, *, db: Database | None = None, clock: Clock | None = None) -> RunningServer:
    db = db or database(settings)
    clock = clock or clock_from(settings.clock_file)
    servicer = SupervisionServicer(EventQueries(db))
    return create_server(
        registrations=[
            intake_registration(db, EventRecorder(clock).record, clock),
            lambda server: supervision_pb2_grpc.add_SupervisionServiceServicer_to_server(servicer, server),
        ],
        service_names=[*contracts.service_names(NAME), INTAKE_SERVICE_NAME],
        address=f"{settings.host}:{settings.port_for(NAME)}",
        tracer_provider=setup_tracing(NAME),
        interceptors=[IdentityInterceptor(settings.resolved_internal_key())],
        max_workers=settings.max_workers,
    )
