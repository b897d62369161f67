"""Requests and assertions the acceptance contract tests share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from sqlalchemy import func
from sqlmodel import select
from tongban.acceptance.v1 import acceptance_pb2 as A

from services.acceptance.models import CaseRow, DocumentRow
from services.common.db import Database
from services.common.outbox import OutboxEvent

PERSON = A.Applicant(
    kind=A.APPLICANT_KIND_PERSON, name="王秀英", id_number="32082619850312002X", phone="13912345678"
)
ENTERPRISE = A.Applicant(
    kind=A.APPLICANT_KIND_ENTERPRISE,
    name="涟水县高沟镇农机合作社",
    id_number="91350100M000100Y43",
    phone="0517-82345678",
)
# 户口迁移(准迁证): county-decided, 县乡同办, promised 5 working days, M05/M06 conditional.
JOINT = "320826-GA-QT-001"
JOINT_COMPLETE = ["M01", "M02", "M03", "M04"]
# 农村宅基地用地审批: township-decided, promised 15 working days.
TOWNSHIP = "320826-NJ-XK-003"
TOWNSHIP_COMPLETE = ["M01", "M02", "M03", "M04"]
# 生育登记: instant, township-decided.
INSTANT = "320826-WJ-GG-001"
INSTANT_COMPLETE = ["M01", "M02"]
# 结婚登记: county centre only.
COUNTY_ONLY = "320826-MZ-QT-001"
GAOGOU_WINDOW = "320826101-W01"

_counter = iter(range(1, 10**9))


def request_id() -> str:
    return f"test-{next(_counter)}"


def provided(*codes: str) -> list[A.ProvidedMaterial]:
    return [A.ProvidedMaterial(material_code=code) for code in codes]


def submit_request(matter: str, codes: list[str], **overrides: Any) -> A.SubmitApplicationRequest:
    fields: dict[str, Any] = {
        "request_id": request_id(),
        "matter_code": matter,
        "window_code": GAOGOU_WINDOW,
        "applicant": PERSON,
        "materials": provided(*codes),
    }
    fields.update(overrides)
    return A.SubmitApplicationRequest(**fields)


def rpc_error(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def field_violations(error: grpc.RpcError) -> dict[str, str]:
    status = rpc_status.from_call(error)
    assert status is not None, "expected google.rpc details"
    found: dict[str, str] = {}
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found.update({v.field: v.description for v in bad.field_violations})
    return found


def precondition_subjects(error: grpc.RpcError) -> list[str]:
    status = rpc_status.from_call(error)
    assert status is not None, "expected google.rpc details"
    subjects: list[str] = []
    for detail in status.details:
        if detail.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
            failure = error_details_pb2.PreconditionFailure()
            detail.Unpack(failure)
            subjects += [v.subject for v in failure.violations]
    return subjects


def counts(db: Database) -> tuple[int, int, int]:
    """(cases, documents, distinct outbox events): what a refused call must leave unchanged."""
    with db.reading() as session:
        return (
            session.exec(select(func.count()).select_from(CaseRow)).one(),
            session.exec(select(func.count()).select_from(DocumentRow)).one(),
            session.exec(select(func.count(func.distinct(OutboxEvent.event_id)))).one(),
        )
