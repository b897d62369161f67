"""Checks on the applicant's identity and contact data, and their masking in responses."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from tongban.acceptance.v1 import acceptance_pb2

from services.common.errors import FieldProblem
from services.common.identifiers import (
    credit_code_problem,
    mask_name,
    mask_phone,
    mask_resident_id,
    normalize_credit_code,
    normalize_resident_id,
    phone_problem,
    resident_id_problem,
)


def normalized(applicant: acceptance_pb2.Applicant) -> acceptance_pb2.Applicant:
    clean = acceptance_pb2.Applicant()
    clean.CopyFrom(applicant)
    clean.name = applicant.name.strip()
    clean.phone = applicant.phone.strip()
    clean.address = applicant.address.strip()
    if applicant.kind == acceptance_pb2.APPLICANT_KIND_ENTERPRISE:
        clean.id_number = normalize_credit_code(applicant.id_number)
    else:
        clean.id_number = normalize_resident_id(applicant.id_number)
    return clean


def problems(applicant: acceptance_pb2.Applicant, today: date) -> list[FieldProblem]:
    """Field problems of a normalized applicant; messages never repeat the values."""
    found: list[FieldProblem] = []
    if applicant.kind == acceptance_pb2.APPLICANT_KIND_UNSPECIFIED:
        found.append(
            FieldProblem("applicant.kind", "请选择申请人类型: 自然人或企业 / choose person or enterprise")
        )
    if not applicant.name:
        found.append(FieldProblem("applicant.name", "申请人名称必填 / the applicant's name is required"))
    if not applicant.id_number:
        found.append(FieldProblem("applicant.id_number", "证件号码必填 / the ID number is required"))
    elif applicant.kind == acceptance_pb2.APPLICANT_KIND_ENTERPRISE:
        problem = credit_code_problem(applicant.id_number)
        if problem:
            found.append(FieldProblem("applicant.id_number", problem))
    elif applicant.kind == acceptance_pb2.APPLICANT_KIND_PERSON:
        problem = resident_id_problem(applicant.id_number, today)
        if problem:
            found.append(FieldProblem("applicant.id_number", problem))
    if not applicant.phone:
        found.append(FieldProblem("applicant.phone", "联系电话必填 / a phone number is required"))
    else:
        problem = phone_problem(applicant.phone)
        if problem:
            found.append(FieldProblem("applicant.phone", problem))
    return found


ALL_FIELDS = frozenset({"name", "id_number", "phone", "address"})


def masked(applicant: acceptance_pb2.Applicant, revealed: Collection[str] = ()) -> acceptance_pb2.Applicant:
    """The applicant as a caller may see them: `revealed` names the fields shown in full
    ("name", "id_number", "phone", "address"); the others are masked or left out."""
    # Enterprise names, credit codes and addresses are public registers; anyone else's are not.
    public = applicant.kind == acceptance_pb2.APPLICANT_KIND_ENTERPRISE
    shown = {"name", "id_number", "address", *revealed} if public else set(revealed)
    return acceptance_pb2.Applicant(
        kind=applicant.kind,
        name=applicant.name if "name" in shown else mask_name(applicant.name),
        id_number=applicant.id_number if "id_number" in shown else mask_resident_id(applicant.id_number),
        phone=applicant.phone if "phone" in shown else mask_phone(applicant.phone),
        address=applicant.address if "address" in shown else "",
    )
