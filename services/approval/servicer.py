"""gRPC servicer: translates between the review contract and the use cases, nothing more."""

from __future__ import annotations

import grpc
from tongban.approval.v1 import approval_pb2, approval_pb2_grpc

from services.approval.reviews import Reviews
from services.approval.worklist import Worklist
from services.common.calls import current_call
from services.common.errors import grpc_errors

A = approval_pb2


class ReviewServicer(approval_pb2_grpc.ReviewServiceServicer):
    def __init__(self, reviews: Reviews, worklist: Worklist) -> None:
        self.reviews = reviews
        self.worklist = worklist

    @grpc_errors
    def ListInbox(self, request: A.ListInboxRequest, context: grpc.ServicerContext) -> A.ListInboxResponse:
        return self.worklist.inbox(current_call(), request)

    @grpc_errors
    def GetReview(self, request: A.GetReviewRequest, context: grpc.ServicerContext) -> A.GetReviewResponse:
        return self.reviews.get(current_call(), request)

    @grpc_errors
    def ClaimStep(self, request: A.ClaimStepRequest, context: grpc.ServicerContext) -> A.ClaimStepResponse:
        return self.reviews.claim(current_call(), request)

    @grpc_errors
    def ReassignStep(
        self, request: A.ReassignStepRequest, context: grpc.ServicerContext
    ) -> A.ReassignStepResponse:
        return self.reviews.reassign(current_call(), request)

    @grpc_errors
    def CompleteStep(
        self, request: A.CompleteStepRequest, context: grpc.ServicerContext
    ) -> A.CompleteStepResponse:
        return self.reviews.complete(current_call(), request)

    @grpc_errors
    def SendBackForSupplement(
        self, request: A.SendBackForSupplementRequest, context: grpc.ServicerContext
    ) -> A.SendBackForSupplementResponse:
        return self.reviews.send_back(current_call(), request)

    @grpc_errors
    def StartSpecialProcedure(
        self, request: A.StartSpecialProcedureRequest, context: grpc.ServicerContext
    ) -> A.StartSpecialProcedureResponse:
        return self.reviews.start_procedure(current_call(), request)

    @grpc_errors
    def EndSpecialProcedure(
        self, request: A.EndSpecialProcedureRequest, context: grpc.ServicerContext
    ) -> A.EndSpecialProcedureResponse:
        return self.reviews.end_procedure(current_call(), request)

    @grpc_errors
    def ExtendTimeLimit(
        self, request: A.ExtendTimeLimitRequest, context: grpc.ServicerContext
    ) -> A.ExtendTimeLimitResponse:
        return self.reviews.extend(current_call(), request)

    @grpc_errors
    def DecideCase(self, request: A.DecideCaseRequest, context: grpc.ServicerContext) -> A.DecideCaseResponse:
        return self.reviews.decide(current_call(), request)

    @grpc_errors
    def GetReviewDocument(
        self, request: A.GetReviewDocumentRequest, context: grpc.ServicerContext
    ) -> A.GetReviewDocumentResponse:
        return self.reviews.document(current_call(), request)
