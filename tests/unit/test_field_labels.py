"""Every field a person fills in has the name the form gives it, declared next to its limits; a
refusal names the field by it, not by its path."""

from __future__ import annotations

import pytest
from google.protobuf import any_pb2
from google.protobuf.descriptor import MethodDescriptor
from google.rpc import error_details_pb2
from tongban.acceptance.v1 import acceptance_pb2

from services.common import contracts
from services.common.validation import field_label, unlabelled_fields
from tongban_cli.render.refusals import detail_lines, request_type_of

PERSON_FACING = [
    method
    for area in contracts.AREAS
    for service in contracts.services_of(area)
    for method in service.methods
]


@pytest.mark.parametrize("method", PERSON_FACING, ids=lambda m: m.full_name)
def test_every_field_of_a_request_has_a_label(method: MethodDescriptor) -> None:
    assert unlabelled_fields(method.input_type) == []


def test_a_path_is_named_as_the_form_names_it() -> None:
    request = acceptance_pb2.SubmitApplicationRequest.DESCRIPTOR
    assert field_label(request, "applicant.id_number") == "证件号码"
    assert field_label(request, "materials[1].material_code") == "材料第2项 材料编码"
    assert field_label(request, "no_such_field") == "no_such_field"


def test_a_refusal_names_the_field_by_its_label() -> None:
    bad = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(
                field="applicant.phone", description="电话号码格式不正确"
            ),
            error_details_pb2.BadRequest.FieldViolation(
                field="window_code", description="该窗口不属于您所在的站点"
            ),
        ]
    )
    packed = any_pb2.Any()
    packed.Pack(bad)
    request_type = request_type_of("/tongban.acceptance.v1.AcceptanceService/SubmitApplication")
    assert detail_lines([packed], request_type) == [
        "  - 联系电话: 电话号码格式不正确",
        "  - 受理窗口: 该窗口不属于您所在的站点",
    ]
