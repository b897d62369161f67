"""Event delivery wired into a service: the intake servicer (inbox) and the relay (outbox).

A service that receives events registers `EventDelivery.registration` and lists
`EventDelivery.service_name`; one that emits events runs `EventDelivery.relay` as a
worker of its server. Its models module imports `OutboxEvent` and `InboxEntry`, so
both are among its tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from tongban.events.v1 import intake_pb2, intake_pb2_grpc

from services.common import routing
from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.errors import grpc_errors
from services.common.inbox import BatchPreparer, EventHandler, receive
from services.common.relay import Relay
from services.common.server import Registration
from services.common.settings import Settings

INTAKE_SERVICE_NAME: str = intake_pb2.DESCRIPTOR.services_by_name["EventIntakeService"].full_name


class EventIntakeServicer(intake_pb2_grpc.EventIntakeServiceServicer):
    """Applies delivered events through the inbox; the interceptor admits only services."""

    def __init__(
        self, database: Database, handle: EventHandler, clock: Clock, prepare: BatchPreparer | None = None
    ) -> None:
        self._db = database
        self._handle = handle
        self._clock = clock
        self._prepare = prepare

    @grpc_errors
    def DeliverEvents(
        self, request: intake_pb2.DeliverEventsRequest, context: grpc.ServicerContext
    ) -> intake_pb2.DeliverEventsResponse:
        counts = receive(self._db, request.events, self._handle, self._clock.now, prepare=self._prepare)
        return intake_pb2.DeliverEventsResponse(
            applied_count=counts.applied,
            duplicate_count=counts.duplicates,
            rejected_count=counts.rejected,
        )


def intake_registration(
    database: Database, handle: EventHandler, clock: Clock | None = None, prepare: BatchPreparer | None = None
) -> Registration:
    """Registers the EventIntakeService servicer applying events with `handle` (see inbox.receive)."""
    servicer = EventIntakeServicer(database, handle, clock or SystemClock(), prepare)

    def register(server: grpc.Server) -> None:
        intake_pb2_grpc.add_EventIntakeServiceServicer_to_server(servicer, server)

    return register


def relay_for(settings: Settings, database: Database, name: str, clock: Clock | None = None) -> Relay:
    """The relay of service `name`, delivering to every service at its configured address."""
    return Relay(
        database,
        # One lane per service that receives events; a service never sends to itself.
        {area: settings.backend_address(area) for area in sorted(routing.receivers() - {name})},
        internal_key=settings.resolved_internal_key(),
        source=name,
        batch_size=settings.relay_batch_size,
        poll_interval=settings.relay_poll_seconds,
        gather=settings.relay_gather_seconds,
        min_backoff=settings.relay_min_backoff_seconds,
        max_backoff=settings.relay_max_backoff_seconds,
        deadline=settings.relay_deadline_seconds,
        clock=clock,
    )


@dataclass(frozen=True)
class EventDelivery:
    # Add to create_server(registrations=...).
    registration: Registration
    # Add to create_server(service_names=...), for health and reflection.
    service_name: str
    # Add to create_server(workers=...): started and stopped with the server by serve().
    relay: Relay


def event_delivery(
    settings: Settings,
    database: Database,
    *,
    name: str,
    handle: EventHandler,
    clock: Clock | None = None,
    prepare: BatchPreparer | None = None,
) -> EventDelivery:
    """Everything a service that both receives and emits events needs."""
    relay = relay_for(settings, database, name, clock)
    # Deliver right after a use case commits its events, not at the next poll.
    database.on_events_committed(relay.notify)
    return EventDelivery(
        registration=intake_registration(database, handle, clock, prepare),
        service_name=INTAKE_SERVICE_NAME,
        relay=relay,
    )
