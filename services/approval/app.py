"""Wiring of the approval service: database, clock, calendar, servicer, event delivery, server."""

from __future__ import annotations

from tongban.approval.v1 import approval_pb2_grpc

from services.approval import models
from services.approval.events import CaseLifecycle
from services.approval.servicer import ReviewServicer
from services.common import calendar_store, contracts
from services.common.calendar import WorkingCalendar
from services.common.calls import IdentityInterceptor
from services.common.clock import Clock, clock_from
from services.common.db import Database, tables_in
from services.common.delivery import event_delivery
from services.common.metrics import observe_outbox
from services.common.server import RunningServer, create_server
from services.common.settings import Settings
from services.common.telemetry import setup_tracing
from services.common.usecases import UseCases

NAME = "approval"


def database(settings: Settings) -> Database:
    return Database(settings.database_url_for(NAME), tables_in(models), connections=settings.max_workers + 4)


def build(settings: Settings, *, db: Database | None = None, clock: Clock | None = None) -> RunningServer:
    uc = UseCases(
        db=db or database(settings),
        clock=clock or clock_from(settings.clock_file, settings.clock_offset_seconds),
        calendar=WorkingCalendar.load(settings.calendar_files),
    )
    # Years the administrator loaded count over the package's and the files'.
    calendar_store.apply_stored(uc.db, uc.calendar)
    servicer = ReviewServicer(uc)
    # Cases accepted, withdrawn or supplemented arrive from acceptance; decisions go back.
    delivery = event_delivery(settings, uc.db, name=NAME, handle=CaseLifecycle(uc).consumer(), clock=uc.clock)
    provider = setup_tracing(NAME)
    observe_outbox(uc.db, NAME)
    return create_server(
        registrations=[
            lambda server: approval_pb2_grpc.add_ReviewServiceServicer_to_server(servicer, server),
            delivery.registration,
        ],
        service_names=[*contracts.service_names(NAME), delivery.service_name],
        workers=[delivery.relay],
        address=f"{settings.host}:{settings.port_for(NAME)}",
        tracer_provider=provider,
        interceptors=[IdentityInterceptor(settings.resolved_internal_key())],
        max_workers=settings.max_workers,
    )
