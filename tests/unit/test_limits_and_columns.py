"""Request bounds are never looser than the columns that store the values.

Otherwise PostgreSQL refuses (INTERNAL) what SQLite stores silently. The map names the
column each stored request field ends up in; a column without a length (TEXT, or a
VARCHAR with none) takes anything, so only lengths and 32-bit integers are compared.
"""

from __future__ import annotations

import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from pydantic import ValidationError
from sqlalchemy import BigInteger, Integer, String
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString
from tongban.events.v1 import intake_pb2

from services.acceptance.models import (
    CaseRow,
    DepartmentRow,
    DocumentRow,
    ExtensionRow,
    MatterRow,
    MatterVersionRow,
    SiteRow,
)
from services.approval.models import PauseRow, ReviewDocumentRow, ReviewRow, StepRow
from services.common.idempotency import IdempotencyKey
from services.common.inbox import InboxEntry
from services.common.outbox import OutboxEvent
from services.common.settings import Settings
from services.common.validation import limits_of
from services.supervision.models import ReceivedEventRow
from tests.support import descriptor_walk, every_rpc

Column = tuple[type[SQLModel], str]

# "Message.field.path" -> the columns that store (or are searched with) the value.
STORED: dict[str, list[Column]] = {
    "SubmitApplicationRequest.matter_code": [(CaseRow, "matter_code"), (MatterRow, "code")],
    "SubmitApplicationRequest.window_code": [(CaseRow, "window_code")],
    "SubmitApplicationRequest.applicant.name": [(CaseRow, "applicant_name")],
    "SubmitApplicationRequest.applicant.id_number": [(CaseRow, "applicant_id_number")],
    "SubmitApplicationRequest.applicant.phone": [(CaseRow, "applicant_phone")],
    "SubmitApplicationRequest.applicant.address": [(CaseRow, "applicant_address")],
    "SubmitApplicationRequest.non_acceptance.reason": [(CaseRow, "non_acceptance_reason")],
    "SubmitApplicationRequest.non_acceptance.competent_agency": [(CaseRow, "competent_agency")],
    "WithdrawCaseRequest.reason": [(CaseRow, "withdrawal_reason")],
    "CompleteInstantCaseRequest.result_summary": [(CaseRow, "result_summary")],
    "IssueResultRequest.result_summary": [(CaseRow, "result_summary")],
    "IssueResultRequest.recipient_name": [(CaseRow, "recipient_name")],
    "GetCaseRequest.case_no": [(CaseRow, "case_no"), (ReviewRow, "case_no")],
    "ListCasesRequest.site_code": [(CaseRow, "site_code"), (SiteRow, "code")],
    "ListMattersRequest.site_code": [(SiteRow, "code")],
    "ListMattersRequest.department_code": [(DepartmentRow, "code"), (MatterRow, "department_code")],
    "GetMatterRequest.code": [(MatterRow, "code")],
    "SaveMatterDraftRequest.matter.code": [(MatterVersionRow, "matter_code"), (MatterRow, "code")],
    "SaveMatterDraftRequest.matter.name": [(MatterRow, "name")],
    "SaveMatterDraftRequest.matter.department_code": [
        (MatterVersionRow, "department_code"),
        (MatterRow, "department_code"),
    ],
    "SaveMatterDraftRequest.note": [(MatterVersionRow, "note")],
    "ImportCatalogueRequest.note": [(MatterVersionRow, "note")],
    "PublishMatterVersionRequest.version": [(MatterVersionRow, "version")],
    "ChangeExtensionRequest.matter_code": [(ExtensionRow, "matter_code")],
    "ChangeExtensionRequest.site_code": [(ExtensionRow, "site_code")],
    "ChangeExtensionRequest.document_number": [(ExtensionRow, "document_number")],
    "GetDocumentRequest.number": [(DocumentRow, "number")],
    "ReassignStepRequest.assignee": [(StepRow, "assignee")],
    "ReassignStepRequest.step_number": [(StepRow, "number")],
    "CompleteStepRequest.opinion": [(StepRow, "opinion")],
    "SendBackForSupplementRequest.reason": [(PauseRow, "reason")],
    "StartSpecialProcedureRequest.reason": [(PauseRow, "reason")],
    "StartSpecialProcedureRequest.planned_days": [(PauseRow, "planned_days")],
    "ExtendTimeLimitRequest.approver": [(ReviewRow, "extension_approver")],
    "ExtendTimeLimitRequest.reason": [(ReviewRow, "extension_reason")],
    "GetReviewDocumentRequest.number": [(ReviewDocumentRow, "number")],
    "DeliverEventsRequest.events.event_id": [
        (InboxEntry, "event_id"),
        (ReceivedEventRow, "event_id"),
        (OutboxEvent, "event_id"),
    ],
    "DeliverEventsRequest.events.event_type": [(InboxEntry, "event_type"), (ReceivedEventRow, "event_type")],
    "DeliverEventsRequest.events.source": [(InboxEntry, "source"), (ReceivedEventRow, "source")],
    "DeliverEventsRequest.events.aggregate_id": [
        (InboxEntry, "aggregate_id"),
        (ReceivedEventRow, "aggregate_id"),
    ],
    "DeliverEventsRequest.events.traceparent": [(ReceivedEventRow, "traceparent")],
    "ListReceivedEventsRequest.aggregate_id": [(ReceivedEventRow, "aggregate_id")],
    "ListReceivedEventsRequest.event_type": [(ReceivedEventRow, "event_type")],
    "ListReceivedEventsRequest.source": [(ReceivedEventRow, "source")],
}
# Fields of one name are checked everywhere they appear (their limits are equal across requests).
EVERYWHERE: dict[str, list[Column]] = {
    "request_id": [(IdempotencyKey, "request_id")],
    "case_no": [(CaseRow, "case_no"), (ReviewRow, "case_no")],
    "step_number": [(StepRow, "number")],
}


def _requests() -> dict[str, Descriptor]:
    return {method.input_type.name: method.input_type for _, method in every_rpc()}


def _field(path: str) -> FieldDescriptor:
    message, _, rest = path.partition(".")
    fields = dict(descriptor_walk(_requests()[message]))
    return fields[rest]


def _cases() -> list[tuple[str, Column]]:
    cases = [(path, column) for path, columns in STORED.items() for column in columns]
    for request in _requests().values():
        for path, field in descriptor_walk(request):
            for column in EVERYWHERE.get(field.name, []):
                cases.append((f"{request.name}.{path}", column))
    return cases


@pytest.mark.parametrize(("path", "column"), _cases(), ids=lambda v: v if isinstance(v, str) else v[1])
def test_the_request_bound_fits_the_column(path: str, column: Column) -> None:
    model, name = column
    column_type = model.__table__.c[name].type  # type: ignore[attr-defined]
    field = _field(path)
    limits = limits_of(field)
    if field.type == FieldDescriptor.TYPE_STRING:
        assert isinstance(column_type, String | AutoString), f"{model.__name__}.{name} is no text column"
        length = column_type.length
        if length is not None:
            assert 0 < limits.max_length <= length, f"{path} allows more than {model.__name__}.{name}"
    else:
        assert isinstance(column_type, Integer), f"{model.__name__}.{name} is no integer column"
        low, high = (-(2**63), 2**63 - 1) if isinstance(column_type, BigInteger) else (-(2**31), 2**31 - 1)
        assert limits.HasField("min") and limits.min >= low, f"{path} may overflow {model.__name__}.{name}"
        assert limits.HasField("max") and limits.max <= high, f"{path} may overflow {model.__name__}.{name}"


def test_the_map_names_real_fields() -> None:
    for path in STORED:
        assert _field(path) is not None


def test_the_relay_never_sends_more_events_than_the_intake_takes() -> None:
    # A batch over the intake's bound would be refused, and retried for ever.
    events = limits_of(intake_pb2.DeliverEventsRequest.DESCRIPTOR.fields_by_name["events"])
    Settings(relay_batch_size=events.max_items)
    with pytest.raises(ValidationError):
        Settings(relay_batch_size=events.max_items + 1)
