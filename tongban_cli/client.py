"""The connection to the gateway: token, deadline, request ids, retry, trace context, errors.

Every call carries `authorization: Bearer <token>` and a 10 s deadline. A mutating call gets a
fresh `request_id` (uuid4) and, on UNAVAILABLE or DEADLINE_EXCEEDED, is sent once more with the
SAME id, which the service answers with the first result: that is what makes the retry safe.
A refused call becomes `CallRefused` carrying one or two readable sentences (with the
google.rpc details), never a traceback. Used as a context manager, the connection is one
command: its calls go out in the case's trace (tongban_cli.tracing).
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar, cast

import grpc
from google.protobuf.message import Message
from opentelemetry.instrumentation.grpc import client_interceptor
from opentelemetry.instrumentation.grpc.grpcext import intercept_channel
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.approval.v1 import approval_pb2
from tongban.supervision.v1 import supervision_pb2

from tongban_cli import session
from tongban_cli.identity import holder_of
from tongban_cli.render.refusals import TOKEN_COMMAND, describe_rpc_error
from tongban_cli.tracing import CommandTrace

DEFAULT_GATEWAY = "127.0.0.1:50051"
DEADLINE_SECONDS = 10.0
RETRY_PAUSE_SECONDS = 0.5
TOKEN_HINT = f"请先登录（tongban login USER_ID），或设置访问令牌: {TOKEN_COMMAND}"

_RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)

Resp = TypeVar("Resp", bound=Message)


class CliError(Exception):
    """A failure explained to the clerk in a sentence; `exit_code` 1 refused, 2 usage."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class CallRefused(CliError):
    """The gateway or a service refused the call (or could not be reached)."""


@dataclass(frozen=True)
class Rpc(Generic[Resp]):
    """One RPC of the contract: its path, response type and whether it changes anything."""

    service: str
    method: str
    response_type: type[Resp]
    mutating: bool = False

    @property
    def path(self) -> str:
        return f"/{self.service}/{self.method}"


_CATALOG = catalog_pb2.DESCRIPTOR.services_by_name["CatalogService"].full_name
_ACCEPTANCE = acceptance_pb2.DESCRIPTOR.services_by_name["AcceptanceService"].full_name

LIST_MATTERS = Rpc(_CATALOG, "ListMatters", catalog_pb2.ListMattersResponse)
GET_MATTER = Rpc(_CATALOG, "GetMatter", catalog_pb2.GetMatterResponse)
LIST_DEPARTMENTS = Rpc(_CATALOG, "ListDepartments", catalog_pb2.ListDepartmentsResponse)
LIST_SITES = Rpc(_CATALOG, "ListSites", catalog_pb2.ListSitesResponse)
SUBMIT_APPLICATION = Rpc(
    _ACCEPTANCE, "SubmitApplication", acceptance_pb2.SubmitApplicationResponse, mutating=True
)
SUPPLEMENT_MATERIALS = Rpc(
    _ACCEPTANCE, "SupplementMaterials", acceptance_pb2.SupplementMaterialsResponse, mutating=True
)
WITHDRAW_CASE = Rpc(_ACCEPTANCE, "WithdrawCase", acceptance_pb2.WithdrawCaseResponse, mutating=True)
COMPLETE_INSTANT_CASE = Rpc(
    _ACCEPTANCE, "CompleteInstantCase", acceptance_pb2.CompleteInstantCaseResponse, mutating=True
)
ISSUE_RESULT = Rpc(_ACCEPTANCE, "IssueResult", acceptance_pb2.IssueResultResponse, mutating=True)
GET_CASE = Rpc(_ACCEPTANCE, "GetCase", acceptance_pb2.GetCaseResponse)
LIST_CASES = Rpc(_ACCEPTANCE, "ListCases", acceptance_pb2.ListCasesResponse)
GET_DOCUMENT = Rpc(_ACCEPTANCE, "GetDocument", acceptance_pb2.GetDocumentResponse)

_REVIEW = approval_pb2.DESCRIPTOR.services_by_name["ReviewService"].full_name

LIST_INBOX = Rpc(_REVIEW, "ListInbox", approval_pb2.ListInboxResponse)
GET_REVIEW = Rpc(_REVIEW, "GetReview", approval_pb2.GetReviewResponse)
CLAIM_STEP = Rpc(_REVIEW, "ClaimStep", approval_pb2.ClaimStepResponse, mutating=True)
REASSIGN_STEP = Rpc(_REVIEW, "ReassignStep", approval_pb2.ReassignStepResponse, mutating=True)
COMPLETE_STEP = Rpc(_REVIEW, "CompleteStep", approval_pb2.CompleteStepResponse, mutating=True)
SEND_BACK_FOR_SUPPLEMENT = Rpc(
    _REVIEW, "SendBackForSupplement", approval_pb2.SendBackForSupplementResponse, mutating=True
)
START_SPECIAL_PROCEDURE = Rpc(
    _REVIEW, "StartSpecialProcedure", approval_pb2.StartSpecialProcedureResponse, mutating=True
)
END_SPECIAL_PROCEDURE = Rpc(
    _REVIEW, "EndSpecialProcedure", approval_pb2.EndSpecialProcedureResponse, mutating=True
)
EXTEND_TIME_LIMIT = Rpc(_REVIEW, "ExtendTimeLimit", approval_pb2.ExtendTimeLimitResponse, mutating=True)
DECIDE_CASE = Rpc(_REVIEW, "DecideCase", approval_pb2.DecideCaseResponse, mutating=True)
GET_REVIEW_DOCUMENT = Rpc(_REVIEW, "GetReviewDocument", approval_pb2.GetReviewDocumentResponse)

_SUPERVISION = supervision_pb2.DESCRIPTOR.services_by_name["SupervisionService"].full_name

LIST_RECEIVED_EVENTS = Rpc(_SUPERVISION, "ListReceivedEvents", supervision_pb2.ListReceivedEventsResponse)
LIST_ALERTS = Rpc(_SUPERVISION, "ListAlerts", supervision_pb2.ListAlertsResponse)
ACKNOWLEDGE_ALERT = Rpc(
    _SUPERVISION, "AcknowledgeAlert", supervision_pb2.AcknowledgeAlertResponse, mutating=True
)
VERIFY_RECORD = Rpc(_SUPERVISION, "VerifyRecord", supervision_pb2.VerifyRecordResponse)
LIST_RULES = Rpc(_SUPERVISION, "ListRules", supervision_pb2.ListRulesResponse)
OPEN_ACCOUNTABILITY_CASE = Rpc(
    _SUPERVISION, "OpenAccountabilityCase", supervision_pb2.OpenAccountabilityCaseResponse, mutating=True
)
REQUEST_EXPLANATION = Rpc(
    _SUPERVISION, "RequestExplanation", supervision_pb2.RequestExplanationResponse, mutating=True
)
RECORD_EXPLANATION = Rpc(
    _SUPERVISION, "RecordExplanation", supervision_pb2.RecordExplanationResponse, mutating=True
)
DECIDE_ACCOUNTABILITY_CASE = Rpc(
    _SUPERVISION, "DecideAccountabilityCase", supervision_pb2.DecideAccountabilityCaseResponse, mutating=True
)
CLOSE_ACCOUNTABILITY_CASE = Rpc(
    _SUPERVISION, "CloseAccountabilityCase", supervision_pb2.CloseAccountabilityCaseResponse, mutating=True
)
GET_ACCOUNTABILITY_CASE = Rpc(
    _SUPERVISION, "GetAccountabilityCase", supervision_pb2.GetAccountabilityCaseResponse
)
SUBMIT_REVIEW = Rpc(_SUPERVISION, "SubmitReview", supervision_pb2.SubmitReviewResponse, mutating=True)
SUBMIT_REVIEW_BY_LINK = Rpc(
    _SUPERVISION, "SubmitReviewByLink", supervision_pb2.SubmitReviewByLinkResponse, mutating=True
)
GET_REVIEW_LINK = Rpc(_SUPERVISION, "GetReviewLink", supervision_pb2.GetReviewLinkResponse)
RECORD_RECTIFICATION = Rpc(
    _SUPERVISION, "RecordRectification", supervision_pb2.RecordRectificationResponse, mutating=True
)
LIST_REVIEWS = Rpc(_SUPERVISION, "ListReviews", supervision_pb2.ListReviewsResponse)
REGISTER_COMPLAINT = Rpc(
    _SUPERVISION, "RegisterComplaint", supervision_pb2.RegisterComplaintResponse, mutating=True
)
ANSWER_COMPLAINT = Rpc(
    _SUPERVISION, "AnswerComplaint", supervision_pb2.AnswerComplaintResponse, mutating=True
)
RECORD_CONDUCT_VIOLATION = Rpc(
    _SUPERVISION, "RecordConductViolation", supervision_pb2.RecordConductViolationResponse, mutating=True
)
RUN_SWEEP = Rpc(_SUPERVISION, "RunSweep", supervision_pb2.RunSweepResponse)
GET_STATISTICS = Rpc(_SUPERVISION, "GetStatistics", supervision_pb2.GetStatisticsResponse)
LIST_ACCOUNTABILITY_CASES = Rpc(
    _SUPERVISION, "ListAccountabilityCases", supervision_pb2.ListAccountabilityCasesResponse
)


class _Keyed(Protocol):
    request_id: str


def new_request_id() -> str:
    return str(uuid.uuid4())


def resolve_token(option: str | None) -> str:
    """--token, else TONGBAN_TOKEN, else the token `tongban login` kept."""
    token = (option or os.environ.get("TONGBAN_TOKEN") or session.stored()).strip()
    if not token:
        raise CliError(TOKEN_HINT, exit_code=2)
    return token


def _serialize(message: Message) -> bytes:
    return message.SerializeToString()


class Gateway:
    """Calls to the gateway with the clerk's token; as a context manager, one command's calls.

    The command's span is named after `command` and joins the trace of the case `case_no`
    names; a command about no one case starts a trace of its own.
    """

    def __init__(
        self,
        address: str,
        token: str,
        *,
        deadline: float = DEADLINE_SECONDS,
        channel: Any = None,
        request_id: str | None = None,
        command: str = "",
        case_no: str = "",
    ) -> None:
        self.address = address
        self._token = token
        # What the person typed (tongban review decide), named when a call is refused.
        self._command = command
        self._deadline = deadline
        self._trace = CommandTrace(command, case_no)
        raw = channel if channel is not None else grpc.insecure_channel(address)
        # A client span per call (per attempt), carrying the trace context to the gateway.
        self._channel: Any = intercept_channel(raw, client_interceptor(tracer_provider=self._trace.provider))
        # A request id the clerk chose (--request-id) to repeat an earlier mutating call.
        self._request_id = request_id

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> Gateway:
        self._trace.begin()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._trace.end(error)
        self.close()

    def call(self, rpc: Rpc[Resp], request: Message) -> Resp:
        if rpc.mutating:
            self._key(request)
        metadata = [("authorization", f"Bearer {self._token}")]
        stub = self._channel.unary_unary(
            rpc.path,
            request_serializer=_serialize,
            response_deserializer=rpc.response_type.FromString,
        )
        try:
            response = stub(request, timeout=self._deadline, metadata=metadata)
        except grpc.RpcError as error:
            if error.code() not in _RETRYABLE:
                raise CallRefused(self._describe(error, rpc)) from None
            # The same request (and request_id): the service returns the first result.
            time.sleep(RETRY_PAUSE_SECONDS)
            try:
                response = stub(request, timeout=self._deadline, metadata=metadata)
            except grpc.RpcError as again:
                message = self._describe(again, rpc)
                if rpc.mutating:
                    message += "\n" + _unknown_outcome(cast(_Keyed, request).request_id, rpc.service)
                raise CallRefused(message) from None
        return cast(Resp, response)

    def _describe(self, error: Any, rpc: Rpc[Any]) -> str:
        return describe_rpc_error(
            error,
            self.address,
            rpc=rpc.path,
            command=self._command,
            roles=holder_of(self._token).roles,
            deadline=self._deadline,
        )

    def case(self, case_no: str) -> acceptance_pb2.Case:
        """A case, as the caller's site sees it."""
        return self.call(GET_CASE, acceptance_pb2.GetCaseRequest(case_no=case_no)).case

    def review(self, case_no: str) -> approval_pb2.Review:
        """A case's county review."""
        return self.call(GET_REVIEW, approval_pb2.GetReviewRequest(case_no=case_no)).review

    def _key(self, request: Message) -> None:
        if "request_id" not in request.DESCRIPTOR.fields_by_name:
            raise TypeError(f"{request.DESCRIPTOR.full_name} has no request_id")
        keyed = cast(_Keyed, request)
        if not keyed.request_id:
            keyed.request_id = self._request_id or new_request_id()


def _unknown_outcome(request_id: str, service: str = "") -> str:
    look = "tongban review show" if service == _REVIEW else "tongban case show/list"
    return (
        f"操作结果未知，可能已经办理。请先用 {look} 查看；"
        f"如需重试，加上 --request-id {request_id} 重发，不会重复办理。"
    )
