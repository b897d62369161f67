"""Wiring of the staff service: database, clock, calendar, servicers, event delivery, server."""

from __future__ import annotations

from datetime import timedelta

from tongban.staff.v1 import (
    accounts_pb2_grpc,
    assessment_pb2_grpc,
    attendance_pb2_grpc,
    calendar_pb2_grpc,
    keys_pb2,
    keys_pb2_grpc,
    leave_pb2_grpc,
    organisation_pb2_grpc,
    rotation_pb2_grpc,
)

from services.common import calendar_store, contracts
from services.common.calendar import WorkingCalendar
from services.common.calls import IdentityInterceptor
from services.common.clock import Clock, SystemClock, clock_from
from services.common.db import Database, tables_in
from services.common.delivery import event_delivery
from services.common.metrics import observe_outbox
from services.common.server import RunningServer, create_server
from services.common.settings import Settings
from services.common.telemetry import setup_tracing
from services.common.usecases import UseCases
from services.staff import models
from services.staff.commands.accounts import SignIn
from services.staff.day_closing import DayCloser
from services.staff.deductions import DeductionInbox
from services.staff.servicer import (
    AccountServicer,
    AssessmentServicer,
    AttendanceServicer,
    CalendarServicer,
    LeaveServicer,
    OrganisationServicer,
    RotationServicer,
    TokenKeyServicer,
)

NAME = "staff"
KEY_SERVICE_NAME: str = keys_pb2.DESCRIPTOR.services_by_name["TokenKeyService"].full_name


def database(settings: Settings) -> Database:
    return Database(settings.database_url_for(NAME), tables_in(models), connections=settings.max_workers + 4)


def sign_in_config(settings: Settings, real_time: Clock) -> SignIn:
    return SignIn(
        clock=real_time,
        internal_key=settings.resolved_internal_key(),
        token_lifetime=timedelta(minutes=settings.login_token_minutes),
        max_failures=settings.login_max_failures,
        lock_for=timedelta(minutes=settings.login_lock_minutes),
        key_lead=timedelta(seconds=settings.signing_key_lead_seconds),
        revocation_lag=timedelta(seconds=settings.revocation_lag_seconds()),
    )


def build(
    settings: Settings,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    real_time: Clock | None = None,
) -> RunningServer:
    """`clock` is the service's time (demos and tests move it); `real_time` is what tokens, locks and
    key rotation count with, as the gateway does (a test may pass a clock it moves)."""
    uc = UseCases(
        db=db or database(settings),
        clock=clock or clock_from(settings.clock_file, settings.clock_offset_seconds),
        calendar=WorkingCalendar.load(settings.calendar_files),
    )
    calendar_store.apply_stored(uc.db, uc.calendar)
    observe_outbox(uc.db, NAME)
    # Staff publishes the organisation, leave and attendance, and receives supervision's deductions.
    delivery = event_delivery(
        settings, uc.db, name=NAME, handle=DeductionInbox(uc.clock).consumer(), clock=uc.clock
    )
    organisation = OrganisationServicer(uc)
    security = real_time or SystemClock()
    accounts = AccountServicer(uc, sign_in_config(settings, security))
    calendar = CalendarServicer(uc)
    leave = LeaveServicer(uc)
    keys = TokenKeyServicer(uc, security)
    attendance = AttendanceServicer(uc)
    assessment = AssessmentServicer(uc)
    rotations = RotationServicer(uc)
    return create_server(
        registrations=[
            lambda server: organisation_pb2_grpc.add_OrganisationServiceServicer_to_server(
                organisation, server
            ),
            lambda server: accounts_pb2_grpc.add_AccountServiceServicer_to_server(accounts, server),
            lambda server: leave_pb2_grpc.add_LeaveServiceServicer_to_server(leave, server),
            lambda server: calendar_pb2_grpc.add_CalendarServiceServicer_to_server(calendar, server),
            lambda server: keys_pb2_grpc.add_TokenKeyServiceServicer_to_server(keys, server),
            lambda server: attendance_pb2_grpc.add_AttendanceServiceServicer_to_server(attendance, server),
            lambda server: assessment_pb2_grpc.add_AssessmentServiceServicer_to_server(assessment, server),
            lambda server: rotation_pb2_grpc.add_RotationServiceServicer_to_server(rotations, server),
            delivery.registration,
        ],
        service_names=[*contracts.service_names(NAME), KEY_SERVICE_NAME, delivery.service_name],
        # Days gone by are closed (absences, unattended windows) without anyone asking.
        workers=[delivery.relay, DayCloser(uc.db, uc.calendar, uc.clock)],
        address=f"{settings.host}:{settings.port_for(NAME)}",
        tracer_provider=setup_tracing(NAME),
        interceptors=[IdentityInterceptor(settings.resolved_internal_key())],
        max_workers=settings.max_workers,
    )
