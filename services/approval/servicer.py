"""gRPC servicer: translates between the review contract and the use cases, nothing more."""

from __future__ import annotations

import grpc
from tongban.approval.v1 import approval_pb2, approval_pb2_grpc

from services.approval.commands import clock, decision, steps
from services.approval.queries import ReviewQueries
from services.common.calls import current_call
from services.common.errors import grpc_errors
from services.common.usecases import UseCases

A = approval_pb2


class ReviewServicer(approval_pb2_grpc.ReviewServiceServicer):
    def __init__(self, uc: UseCases) -> None:
        self.uc = uc
        self.queries = ReviewQueries(uc)

    @grpc_errors
    def ListInbox(self, request: A.ListInboxRequest, context: grpc.ServicerContext) -> A.ListInboxResponse:
        return self.queries.inbox(current_call(), request)

    @grpc_errors
    def GetReview(self, request: A.GetReviewRequest, context: grpc.ServicerContext) -> A.GetReviewResponse:
        return self.queries.get(current_call(), request)

    @grpc_errors
    def ClaimStep(self, request: A.ClaimStepRequest, context: grpc.ServicerContext) -> A.ClaimStepResponse:
        return steps.claim(self.uc, current_call(), request)

    @grpc_errors
    def ReassignStep(
        self, request: A.ReassignStepRequest, context: grpc.ServicerContext
    ) -> A.ReassignStepResponse:
        return steps.reassign(self.uc, current_call(), request)

    @grpc_errors
    def CompleteStep(
        self, request: A.CompleteStepRequest, context: grpc.ServicerContext
    ) -> A.CompleteStepResponse:
        return steps.complete(self.uc, current_call(), request)

    @grpc_errors
    def SendBackForSupplement(
        self, request: A.SendBackForSupplementRequest, context: grpc.ServicerContext
    ) -> A.SendBackForSupplementResponse:
        return steps.send_back(self.uc, current_call(), request)

    @grpc_errors
    def StartSpecialProcedure(
        self, request: A.StartSpecialProcedureRequest, context: grpc.ServicerContext
    ) -> A.StartSpecialProcedureResponse:
        return clock.start_procedure(self.uc, current_call(), request)

    @grpc_errors
    def EndSpecialProcedure(
        self, request: A.EndSpecialProcedureRequest, context: grpc.ServicerContext
    ) -> A.EndSpecialProcedureResponse:
        return clock.end_procedure(self.uc, current_call(), request)

    @grpc_errors
    def ExtendTimeLimit(
        self, request: A.ExtendTimeLimitRequest, context: grpc.ServicerContext
    ) -> A.ExtendTimeLimitResponse:
        return clock.extend(self.uc, current_call(), request)

    @grpc_errors
    def DecideCase(self, request: A.DecideCaseRequest, context: grpc.ServicerContext) -> A.DecideCaseResponse:
        return decision.decide(self.uc, current_call(), request)

    @grpc_errors
    def GetReviewDocument(
        self, request: A.GetReviewDocumentRequest, context: grpc.ServicerContext
    ) -> A.GetReviewDocumentResponse:
        return self.queries.document(current_call(), request)
