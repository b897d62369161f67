"""Wiring of the supervision service: database, calendar, the rules, event intake and the relay of
its deductions, the sweep, the inspectors' API, server."""

from __future__ import annotations

from tongban.supervision.v1 import supervision_pb2_grpc

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
from services.supervision import measures, models
from services.supervision.commands.accountability import AccountabilityCommands
from services.supervision.commands.alerts import AlertCommands
from services.supervision.commands.conduct import ConductCommands
from services.supervision.commands.feedback import FeedbackCommands
from services.supervision.events import EventRecorder
from services.supervision.queries import (
    AccountabilityQueries,
    AlertQueries,
    EventQueries,
    ReviewQueries,
    StatisticsQueries,
)
from services.supervision.rulebook import Rulebook, read_rules_file
from services.supervision.servicer import SupervisionServicer
from services.supervision.supervising import Supervising
from services.supervision.sweep import Sweeper

NAME = "supervision"


def database(settings: Settings) -> Database:
    return Database(settings.database_url_for(NAME), tables_in(models), connections=settings.max_workers + 4)


def build(settings: Settings, *, db: Database | None = None, clock: Clock | None = None) -> RunningServer:
    uc = UseCases(
        db=db or database(settings),
        clock=clock or clock_from(settings.clock_file, settings.clock_offset_seconds),
        calendar=WorkingCalendar.load(settings.calendar_files),
    )
    calendar_store.apply_stored(uc.db, uc.calendar)
    # A rule misspelled, misconfigured or missing stops the start-up here, with its name.
    rules = Rulebook(read_rules_file(settings.rules_file))
    supervising = Supervising(rules, uc.calendar, uc.clock)
    recorder = EventRecorder(supervising)
    sweeper = Sweeper(uc.db, supervising, settings.sweep_seconds)
    servicer = SupervisionServicer(
        EventQueries(uc.db),
        AlertQueries(uc.db, rules),
        AlertCommands(uc),
        AccountabilityCommands(uc),
        AccountabilityQueries(uc.db),
        StatisticsQueries(uc),
        FeedbackCommands(uc, recorder, settings.resolved_internal_key()),
        ReviewQueries(uc.db),
        ConductCommands(uc, recorder),
        sweeper,
    )
    # Every service's events come in; the deductions go out to staff.
    measures.observe(uc.db)
    observe_outbox(uc.db, NAME)
    delivery = event_delivery(
        settings, uc.db, name=NAME, handle=recorder.record, clock=uc.clock, prepare=recorder.prepare
    )
    return create_server(
        registrations=[
            delivery.registration,
            lambda server: supervision_pb2_grpc.add_SupervisionServiceServicer_to_server(servicer, server),
        ],
        service_names=[*contracts.service_names(NAME), delivery.service_name],
        workers=[delivery.relay, sweeper],
        address=f"{settings.host}:{settings.port_for(NAME)}",
        tracer_provider=setup_tracing(NAME),
        interceptors=[IdentityInterceptor(settings.resolved_internal_key())],
        max_workers=settings.max_workers,
    )
