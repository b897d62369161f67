"""SupervisionService: proto <-> domain only."""

from __future__ import annotations

import grpc
from tongban.supervision.v1 import supervision_pb2 as S
from tongban.supervision.v1 import supervision_pb2_grpc

from services.common.calls import current_call
from services.common.errors import grpc_errors
from services.supervision.commands import AlertCommands
from services.supervision.queries import AlertQueries, EventQueries


class SupervisionServicer(supervision_pb2_grpc.SupervisionServiceServicer):
    def __init__(self, events: EventQueries, alerts: AlertQueries, commands: AlertCommands) -> None:
        self.events = events
        self.alerts = alerts
        self.commands = commands

    @grpc_errors
    def ListReceivedEvents(
        self, request: S.ListReceivedEventsRequest, context: grpc.ServicerContext
    ) -> S.ListReceivedEventsResponse:
        return self.events.received_events(request)

    @grpc_errors
    def ListAlerts(self, request: S.ListAlertsRequest, context: grpc.ServicerContext) -> S.ListAlertsResponse:
        return self.alerts.alerts(request)

    @grpc_errors
    def AcknowledgeAlert(
        self, request: S.AcknowledgeAlertRequest, context: grpc.ServicerContext
    ) -> S.AcknowledgeAlertResponse:
        return self.commands.acknowledge(current_call(), request)

    @grpc_errors
    def VerifyRecord(
        self, request: S.VerifyRecordRequest, context: grpc.ServicerContext
    ) -> S.VerifyRecordResponse:
        return self.alerts.verify()

    @grpc_errors
    def ListRules(self, request: S.ListRulesRequest, context: grpc.ServicerContext) -> S.ListRulesResponse:
        return self.alerts.rules_loaded()
