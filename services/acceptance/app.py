"""Wiring of the acceptance service: database, clock, calendar, servicers, event delivery, server."""

from __future__ import annotations

from tongban.acceptance.v1 import acceptance_pb2_grpc, catalog_admin_pb2_grpc, catalog_pb2_grpc

from services.acceptance import measures, models
from services.acceptance.catalogue_commands import CatalogueCommands
from services.acceptance.catalogue_queries import CatalogueQueries
from services.acceptance.commands import CaseCommands
from services.acceptance.events import CountyResults
from services.acceptance.queries import CaseQueries, Catalog
from services.acceptance.servicer import AcceptanceServicer, CatalogAdminServicer, CatalogServicer
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

NAME = "acceptance"


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
    catalog_servicer = CatalogServicer(Catalog(uc))
    admin_servicer = CatalogAdminServicer(CatalogueCommands(uc), CatalogueQueries(uc))
    case_commands = CaseCommands(uc)
    acceptance_servicer = AcceptanceServicer(case_commands, CaseQueries(uc))
    # Accepted county cases go to approval; its decisions and send-backs come back here, the
    # staff service's sites, windows and calendar years, and supervision's Art. 32 word.
    county = CountyResults(uc.calendar, deemed_accepted=case_commands.deemed_accepted)
    delivery = event_delivery(settings, uc.db, name=NAME, handle=county.consumer(), clock=uc.clock)
    # A calendar year loaded since the last start gives waiting decisions their issue deadline.
    county.fill_issue_deadlines(uc.db)
    provider = setup_tracing(NAME)
    measures.observe(uc.db)
    observe_outbox(uc.db, NAME)
    return create_server(
        registrations=[
            lambda server: catalog_pb2_grpc.add_CatalogServiceServicer_to_server(catalog_servicer, server),
            lambda server: catalog_admin_pb2_grpc.add_CatalogAdminServiceServicer_to_server(
                admin_servicer, server
            ),
            lambda server: acceptance_pb2_grpc.add_AcceptanceServiceServicer_to_server(
                acceptance_servicer, server
            ),
            delivery.registration,
        ],
        service_names=[*contracts.service_names(NAME), delivery.service_name],
        workers=[delivery.relay],
        address=f"{settings.host}:{settings.port_for(NAME)}",
        tracer_provider=provider,
        interceptors=[IdentityInterceptor(settings.resolved_internal_key())],
        max_workers=settings.max_workers,
    )
