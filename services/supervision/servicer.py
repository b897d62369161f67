"""SupervisionService: proto <-> domain only."""

from __future__ import annotations

import grpc
from tongban.supervision.v1 import supervision_pb2, supervision_pb2_grpc

from services.common.errors import grpc_errors
from services.supervision.queries import EventQueries


class SupervisionServicer(supervision_pb2_grpc.SupervisionServiceServicer):
    def __init__(self, queries: EventQueries) -> None:
        self.queries = queries

    @grpc_errors
    def ListReceivedEvents(
        self, request: supervision_pb2.ListReceivedEventsRequest, context: grpc.ServicerContext
    ) -> supervision_pb2.ListReceivedEventsResponse:
        return self.queries.received_events(request)
