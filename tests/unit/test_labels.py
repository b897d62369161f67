"""Enum labels come from the protos: every value a person can meet has its Chinese label."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
import tongban
from google.protobuf.descriptor import Descriptor, EnumDescriptor
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.access.v1 import access_pb2
from tongban.approval.v1 import approval_pb2

from services.common import labels
from services.common.access import ROLE_LABELS


def _nested(message: Descriptor) -> Iterator[EnumDescriptor]:
    yield from message.enum_types
    for inner in message.nested_types:
        yield from _nested(inner)


def _every_contract_enum() -> list[EnumDescriptor]:
    """Every enum, top level or nested, of every generated contract under tongban.*."""
    enums: list[EnumDescriptor] = []
    for module_info in pkgutil.walk_packages(tongban.__path__, "tongban."):
        if not module_info.name.endswith("_pb2"):
            continue
        file = importlib.import_module(module_info.name).DESCRIPTOR
        enums += file.enum_types_by_name.values()
        for message in file.message_types_by_name.values():
            enums += _nested(message)
    return enums


def test_the_contracts_have_enums() -> None:
    names = {enum.full_name for enum in _every_contract_enum()}
    assert {"tongban.acceptance.v1.CaseState", "tongban.access.v1.Role"} <= names


@pytest.mark.parametrize("enum", _every_contract_enum(), ids=lambda enum: enum.full_name)
def test_every_value_has_a_chinese_label(enum: EnumDescriptor) -> None:
    unlabelled = [
        value.name
        for value in enum.values
        if not value.name.endswith("_UNSPECIFIED") and not labels.zh(enum, value.number)
    ]
    assert unlabelled == []
    # A label is a person's word: no enum names, no leftover spaces.
    for label in labels.labels(enum).values():
        assert label.zh == label.zh.strip() and "_" not in label.zh


def test_labels_read_from_a_generated_enum_or_its_descriptor() -> None:
    assert labels.zh(acceptance_pb2.CaseState, acceptance_pb2.CASE_STATE_ACCEPTED) == "已受理"
    assert labels.en(acceptance_pb2.CaseState.DESCRIPTOR, acceptance_pb2.CASE_STATE_ACCEPTED) == "accepted"
    # UNSPECIFIED and numbers the enum does not define have no label.
    assert labels.zh(acceptance_pb2.CaseState, 0) == ""
    assert labels.zh(acceptance_pb2.CaseState, 99) == ""


def test_the_drifted_labels_agree_with_domain_md() -> None:
    procedures = labels.labels(catalog_pb2.SpecialProcedure)
    assert [label.zh for label in procedures.values()] == ["听证", "现场踏勘", "公告", "专家论证", "检验检测"]
    notice = labels.zh(approval_pb2.ReviewDocumentKind, approval_pb2.REVIEW_DOCUMENT_KIND_EXTENSION_NOTICE)
    assert notice == "延长审批期限告知书"


def test_values_by_what_a_person_types() -> None:
    states = labels.by_text(acceptance_pb2.CaseState)
    assert states["已受理"] == states["accepted"] == states["case_state_accepted"]
    assert states["accepted"] == acceptance_pb2.CASE_STATE_ACCEPTED
    assert "unspecified" not in states
    procedures = labels.by_text(catalog_pb2.SpecialProcedure)
    assert procedures["site_inspection"] == catalog_pb2.SPECIAL_PROCEDURE_SITE_INSPECTION
    assert labels.short_name(catalog_pb2.SpecialProcedure, catalog_pb2.SPECIAL_PROCEDURE_TESTING) == "testing"


def test_role_labels_come_from_the_role_enum() -> None:
    assert ROLE_LABELS["clerk"] == labels.zh(access_pb2.Role, access_pb2.ROLE_CLERK) == "窗口工作人员"
    assert ROLE_LABELS["inspector"] == "纪检监察人员"
    assert set(ROLE_LABELS) == {labels.short_name(access_pb2.Role, v) for v in labels.labels(access_pb2.Role)}
