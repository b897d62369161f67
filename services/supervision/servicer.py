"""SupervisionService: proto <-> domain only."""

from __future__ import annotations

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from tongban.events.v1 import event_pb2
from tongban.supervision.v1 import supervision_pb2, supervision_pb2_grpc

from services.common.errors import grpc_errors
from services.supervision.events import EventFilter, EventLog
from services.supervision.models import ReceivedEventRow


def _message(row: ReceivedEventRow) -> supervision_pb2.ReceivedEvent:
    received = Timestamp()
    received.FromDatetime(row.received_at)
    return supervision_pb2.ReceivedEvent(event=event_pb2.Event.FromString(row.payload), receive_time=received)


class SupervisionServicer(supervision_pb2_grpc.SupervisionServiceServicer):
    def __init__(self, log: EventLog) -> None:
        self.log = log

    @grpc_errors
    def ListReceivedEvents(
        self, request: supervision_pb2.ListReceivedEventsRequest, context: grpc.ServicerContext
    ) -> supervision_pb2.ListReceivedEventsResponse:
        page = self.log.page(
            EventFilter(
                aggregate_id=request.aggregate_id, event_type=request.event_type, source=request.source
            ),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return supervision_pb2.ListReceivedEventsResponse(
            events=[_message(row) for row in page.rows], next_page_token=page.next_page_token
        )
