"""Supervision's reads: the events it received (oldest first), the alerts (newest first), the
record's verification and the rules loaded."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.timestamp_pb2 import Timestamp
from sqlmodel import col, select
from tongban.events.v1 import event_pb2
from tongban.supervision.v1 import supervision_pb2

from services.common.calls import CallContext
from services.common.db import Database
from services.common.errors import or_not_found
from services.common.paging import after_id, page_limit, token_after
from services.common.usecases import UseCases
from services.supervision import record, repository, statistics
from services.supervision.commands.feedback import BAD
from services.supervision.models import AccountabilityCaseRow, ReceivedEventRow, ReviewRow
from services.supervision.rulebook import Rulebook
from services.supervision.views import accountability_message, alert_message, review_message


def _received(row: ReceivedEventRow) -> supervision_pb2.ReceivedEvent:
    received = Timestamp()
    received.FromDatetime(row.received_at)
    return supervision_pb2.ReceivedEvent(event=event_pb2.Event.FromString(row.payload), receive_time=received)


@dataclass
class EventQueries:
    db: Database

    def received_events(
        self, request: supervision_pb2.ListReceivedEventsRequest
    ) -> supervision_pb2.ListReceivedEventsResponse:
        limit = page_limit(request.page_size)
        where = repository.EventFilter(
            aggregate_id=request.aggregate_id, event_type=request.event_type, source=request.source
        )
        with self.db.reading() as session:
            # One row more than the page tells whether another page follows.
            rows = repository.received_events(
                session, where, after_id=after_id(request.page_token), limit=limit + 1
            )
        page = rows[:limit]
        more = len(rows) > limit and page[-1].id is not None
        return supervision_pb2.ListReceivedEventsResponse(
            events=[_received(row) for row in page],
            next_page_token=token_after(page[-1].id or 0) if more else "",
        )


@dataclass
class AlertQueries:
    db: Database
    rules: Rulebook

    def alerts(self, request: supervision_pb2.ListAlertsRequest) -> supervision_pb2.ListAlertsResponse:
        limit = page_limit(request.page_size)
        where = repository.AlertFilter(
            site_code=request.site_code,
            department_code=request.department_code,
            window_code=request.window_code,
            user_id=request.user_id,
            rule=request.rule,
            severity=request.severity,
            state=request.state,
            case_no=request.case_no,
        )
        with self.db.reading() as session:
            rows = repository.alerts(session, where, before_id=after_id(request.page_token), limit=limit + 1)
        page = rows[:limit]
        more = len(rows) > limit
        return supervision_pb2.ListAlertsResponse(
            alerts=[alert_message(row) for row in page],
            next_page_token=token_after(page[-1].alert_id or 0) if more else "",
        )

    def verify(self) -> supervision_pb2.VerifyRecordResponse:
        with self.db.reading() as session:
            found = record.verify(session)
        return supervision_pb2.VerifyRecordResponse(
            intact=found.intact,
            entries=found.entries,
            first_bad_seq=found.first_bad_seq,
            problem=found.problem,
            head_hash=found.head_hash,
        )

    def rules_loaded(self) -> supervision_pb2.ListRulesResponse:
        return supervision_pb2.ListRulesResponse(
            rules=[
                supervision_pb2.Rule(name=r.name, title=r.title, parameters_json=r.parameters_json())
                for r in self.rules.rules
            ]
        )


@dataclass
class AccountabilityQueries:
    db: Database

    def get(
        self, request: supervision_pb2.GetAccountabilityCaseRequest
    ) -> supervision_pb2.GetAccountabilityCaseResponse:
        with self.db.reading() as session:
            case = or_not_found(
                session.get(AccountabilityCaseRow, request.case_id),
                "accountability_case",
                str(request.case_id),
                f"没有编号为 {request.case_id} 的问责案件 / no such accountability case",
            )
            return supervision_pb2.GetAccountabilityCaseResponse(
                accountability_case=accountability_message(session, case)
            )

    def list(
        self, request: supervision_pb2.ListAccountabilityCasesRequest
    ) -> supervision_pb2.ListAccountabilityCasesResponse:
        limit = page_limit(request.page_size)
        query = select(AccountabilityCaseRow)
        before = after_id(request.page_token)
        if before:
            query = query.where(col(AccountabilityCaseRow.case_id) < before)
        if request.state:
            query = query.where(AccountabilityCaseRow.state == request.state)
        if request.department_code:
            query = query.where(AccountabilityCaseRow.department_code == request.department_code)
        with self.db.reading() as session:
            rows = session.exec(
                query.order_by(col(AccountabilityCaseRow.case_id).desc()).limit(limit + 1)
            ).all()
            page = rows[:limit]
            return supervision_pb2.ListAccountabilityCasesResponse(
                accountability_cases=[accountability_message(session, row) for row in page],
                next_page_token=token_after(page[-1].case_id or 0) if len(rows) > limit else "",
            )


@dataclass
class StatisticsQueries:
    uc: UseCases

    def get(
        self, call: CallContext, request: supervision_pb2.GetStatisticsRequest
    ) -> supervision_pb2.GetStatisticsResponse:
        with self.uc.db.reading() as session:
            return statistics.statistics(session, self.uc.calendar, call, request)


@dataclass
class ReviewQueries:
    db: Database

    def list(
        self, call: CallContext, request: supervision_pb2.ListReviewsRequest
    ) -> supervision_pb2.ListReviewsResponse:
        site = statistics.site_for(call, request.site_code)
        limit = page_limit(request.page_size)
        query = select(ReviewRow)
        before = after_id(request.page_token)
        if before:
            query = query.where(col(ReviewRow.review_id) < before)
        if site:
            query = query.where(ReviewRow.site_code == site)
        if request.bad_only:
            query = query.where(col(ReviewRow.rating).in_(BAD))
        with self.db.reading() as session:
            rows = session.exec(query.order_by(col(ReviewRow.review_id).desc()).limit(limit + 1)).all()
        page = rows[:limit]
        return supervision_pb2.ListReviewsResponse(
            reviews=[review_message(row) for row in page],
            next_page_token=token_after(page[-1].review_id or 0) if len(rows) > limit else "",
        )
