"""SupervisionService: proto <-> domain only."""

from __future__ import annotations

import grpc
from tongban.supervision.v1 import supervision_pb2 as S
from tongban.supervision.v1 import supervision_pb2_grpc

from services.common.calls import current_call
from services.common.errors import grpc_errors
from services.supervision.commands.accountability import AccountabilityCommands
from services.supervision.commands.alerts import AlertCommands
from services.supervision.commands.conduct import ConductCommands
from services.supervision.commands.feedback import FeedbackCommands
from services.supervision.queries import (
    AccountabilityQueries,
    AlertQueries,
    EventQueries,
    ReviewQueries,
    StatisticsQueries,
)
from services.supervision.sweep import Sweeper


class SupervisionServicer(supervision_pb2_grpc.SupervisionServiceServicer):
    def __init__(
        self,
        events: EventQueries,
        alerts: AlertQueries,
        commands: AlertCommands,
        accountability: AccountabilityCommands,
        accountability_queries: AccountabilityQueries,
        statistics: StatisticsQueries,
        feedback: FeedbackCommands,
        reviews: ReviewQueries,
        conduct: ConductCommands,
        sweeper: Sweeper,
    ) -> None:
        self.events = events
        self.alerts = alerts
        self.commands = commands
        self.accountability = accountability
        self.accountability_queries = accountability_queries
        self.statistics = statistics
        self.feedback = feedback
        self.reviews = reviews
        self.conduct = conduct
        self.sweeper = sweeper

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

    @grpc_errors
    def OpenAccountabilityCase(
        self, request: S.OpenAccountabilityCaseRequest, context: grpc.ServicerContext
    ) -> S.OpenAccountabilityCaseResponse:
        return self.accountability.open(current_call(), request)

    @grpc_errors
    def RequestExplanation(
        self, request: S.RequestExplanationRequest, context: grpc.ServicerContext
    ) -> S.RequestExplanationResponse:
        return self.accountability.request_explanation(current_call(), request)

    @grpc_errors
    def RecordExplanation(
        self, request: S.RecordExplanationRequest, context: grpc.ServicerContext
    ) -> S.RecordExplanationResponse:
        return self.accountability.record_explanation(current_call(), request)

    @grpc_errors
    def DecideAccountabilityCase(
        self, request: S.DecideAccountabilityCaseRequest, context: grpc.ServicerContext
    ) -> S.DecideAccountabilityCaseResponse:
        return self.accountability.decide(current_call(), request)

    @grpc_errors
    def CloseAccountabilityCase(
        self, request: S.CloseAccountabilityCaseRequest, context: grpc.ServicerContext
    ) -> S.CloseAccountabilityCaseResponse:
        return self.accountability.close(current_call(), request)

    @grpc_errors
    def GetAccountabilityCase(
        self, request: S.GetAccountabilityCaseRequest, context: grpc.ServicerContext
    ) -> S.GetAccountabilityCaseResponse:
        return self.accountability_queries.get(request)

    @grpc_errors
    def ListAccountabilityCases(
        self, request: S.ListAccountabilityCasesRequest, context: grpc.ServicerContext
    ) -> S.ListAccountabilityCasesResponse:
        return self.accountability_queries.list(request)

    @grpc_errors
    def GetStatistics(
        self, request: S.GetStatisticsRequest, context: grpc.ServicerContext
    ) -> S.GetStatisticsResponse:
        return self.statistics.get(current_call(), request)

    @grpc_errors
    def SubmitReview(
        self, request: S.SubmitReviewRequest, context: grpc.ServicerContext
    ) -> S.SubmitReviewResponse:
        return self.feedback.submit_review(current_call(), request)

    @grpc_errors
    def SubmitReviewByLink(
        self, request: S.SubmitReviewByLinkRequest, context: grpc.ServicerContext
    ) -> S.SubmitReviewByLinkResponse:
        return self.feedback.submit_review_by_link(current_call(), request)

    @grpc_errors
    def GetReviewLink(
        self, request: S.GetReviewLinkRequest, context: grpc.ServicerContext
    ) -> S.GetReviewLinkResponse:
        return self.feedback.review_link(current_call(), request)

    @grpc_errors
    def RecordRectification(
        self, request: S.RecordRectificationRequest, context: grpc.ServicerContext
    ) -> S.RecordRectificationResponse:
        return self.feedback.record_rectification(current_call(), request)

    @grpc_errors
    def ListReviews(
        self, request: S.ListReviewsRequest, context: grpc.ServicerContext
    ) -> S.ListReviewsResponse:
        return self.reviews.list(current_call(), request)

    @grpc_errors
    def RegisterComplaint(
        self, request: S.RegisterComplaintRequest, context: grpc.ServicerContext
    ) -> S.RegisterComplaintResponse:
        return self.feedback.register_complaint(current_call(), request)

    @grpc_errors
    def AnswerComplaint(
        self, request: S.AnswerComplaintRequest, context: grpc.ServicerContext
    ) -> S.AnswerComplaintResponse:
        return self.feedback.answer_complaint(current_call(), request)

    @grpc_errors
    def RecordConductViolation(
        self, request: S.RecordConductViolationRequest, context: grpc.ServicerContext
    ) -> S.RecordConductViolationResponse:
        return self.conduct.record(current_call(), request)

    @grpc_errors
    def RunSweep(self, request: S.RunSweepRequest, context: grpc.ServicerContext) -> S.RunSweepResponse:
        swept = self.sweeper.sweep()
        return S.RunSweepResponse(cases_checked=swept.cases, alerts_raised=swept.alerts)
