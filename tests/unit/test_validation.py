"""The input limits read from the protos: declared for every request field, and checked right."""

from __future__ import annotations

import re

import pytest
from google.protobuf import any_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C
from tongban.approval.v1 import approval_pb2 as R
from tongban.events.v1 import event_pb2, intake_pb2
from tongban.supervision.v1 import supervision_pb2 as S

from services.common import contracts, validation
from services.common.errors import DomainError
from tests.contract.helpers import JOINT, JOINT_COMPLETE, submit_request
from tests.support import descriptor_walk, every_rpc

REQUESTS: list[Descriptor] = sorted(
    {method.input_type for _, method in every_rpc()}, key=lambda d: d.full_name
)


def _limited_fields() -> list[tuple[str, FieldDescriptor]]:
    return [
        (f"{request.name}.{path}", field)
        for request in REQUESTS
        for path, field in descriptor_walk(request)
        if validation.limits_of(field).ByteSize()
    ]


def problems_of(message: object) -> dict[str, str]:
    return {p.field: p.description for p in validation.problems(message)}  # type: ignore[arg-type]


# --- the declarations -----------------------------------------------------------------------------


def test_every_service_area_and_the_internal_intake_are_covered() -> None:
    services = {method.containing_service.full_name for _, method in every_rpc()}
    assert "tongban.events.v1.EventIntakeService" in services
    for area in contracts.AREAS:
        assert set(contracts.service_names(area)) <= services


@pytest.mark.parametrize("request_type", REQUESTS, ids=lambda d: d.full_name)
def test_every_string_and_repeated_field_of_every_request_is_bounded(request_type: Descriptor) -> None:
    assert validation.unbounded_fields(request_type) == []


def test_the_completeness_check_finds_an_unbounded_field() -> None:
    # Responses carry no limits: the walker must report them, or it proves nothing.
    unbounded = validation.unbounded_fields(A.GetCaseResponse.DESCRIPTOR)
    assert "case.case_no (max_length)" in unbounded
    assert "case.outstanding (max_items)" in unbounded


@pytest.mark.parametrize(("path", "field"), _limited_fields(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_pattern_compiles_and_its_example_is_valid(path: str, field: FieldDescriptor) -> None:
    limits = validation.limits_of(field)
    if not limits.pattern:
        assert not limits.example, f"{path}: an example without a pattern"
        return
    assert "\\d" not in limits.pattern and "\\w" not in limits.pattern, "[0-9] is the same in RE2 and JS"
    assert limits.example, f"{path}: a clerk needs an example of the format"
    assert re.fullmatch(limits.pattern, limits.example)
    assert len(limits.example) <= limits.max_length


def test_fields_of_one_name_have_one_limit_across_requests() -> None:
    seen: dict[str, tuple[str, bytes]] = {}
    for request in REQUESTS:
        for path, field in descriptor_walk(request):
            if field.name not in {
                "request_id",
                "case_no",
                "site_code",
                "matter_code",
                "page_size",
                "page_token",
            }:
                continue
            declared = validation.limits_of(field).SerializeToString(deterministic=True)
            first = seen.setdefault(field.name, (f"{request.full_name}.{path}", declared))
            assert first[1] == declared, f"{request.full_name}.{path} differs from {first[0]}"
    assert set(seen) == {"request_id", "case_no", "site_code", "matter_code", "page_size", "page_token"}


def test_personal_fields_are_marked() -> None:
    assert validation.personal_fields(A.SubmitApplicationRequest.DESCRIPTOR) == [
        "applicant.name",
        "applicant.id_number",
        "applicant.phone",
        "applicant.address",
    ]
    assert validation.personal_fields(A.IssueResultRequest.DESCRIPTOR) == ["recipient_name"]
    assert validation.personal_fields(R.ExtendTimeLimitRequest.DESCRIPTOR) == ["approver"]
    # Responses too: the case carries the applicant.
    assert "case.applicant.id_number" in validation.personal_fields(A.GetCaseResponse.DESCRIPTOR)
    assert validation.personal_fields(event_pb2.Event.DESCRIPTOR) == []


# --- the checks -------------------------------------------------------------------------------------


def test_a_good_request_has_no_problems() -> None:
    assert problems_of(submit_request(JOINT, JOINT_COMPLETE, conditions_apply=["M05"])) == {}
    assert problems_of(A.ListCasesRequest()) == {}, "unset fields are not given, never malformed"


def test_lengths_are_counted_in_characters_and_said_in_both_languages() -> None:
    applicant = A.Applicant(kind=A.APPLICANT_KIND_PERSON, name="王" * 100, address="路" * 200)
    assert problems_of(submit_request(JOINT, [], applicant=applicant)) == {}
    applicant.name += "王"
    applicant.address += "路"
    assert problems_of(submit_request(JOINT, [], applicant=applicant)) == {
        "applicant.name": "最多 100 个字 / at most 100 characters",
        "applicant.address": "最多 200 个字 / at most 200 characters",
    }


def test_every_violation_is_listed_with_its_path() -> None:
    request = A.SubmitApplicationRequest(
        request_id="r" * 129,
        matter_code="320826-GA-QT-001\x00",
        window_code="W01",
        applicant=A.Applicant(kind=99, name="王\n秀英"),  # type: ignore[arg-type]
        materials=[A.ProvidedMaterial(material_code="M01"), A.ProvidedMaterial(material_code="X", copies=-1)],
        conditions_apply=["M05", "M0555"],
        non_acceptance=A.NonAcceptance(reason="不符合\x1b条件", competent_agency="县局"),
    )
    found = problems_of(request)
    assert sorted(found) == [
        "applicant.kind",
        "applicant.name",
        "conditions_apply[1]",
        "materials[1].copies",
        "materials[1].material_code",
        "matter_code",
        "non_acceptance.reason",
        "request_id",
        "window_code",
    ]
    assert found["request_id"] == "最多 128 个字 / at most 128 characters"
    assert found["matter_code"].endswith("control characters")
    assert found["window_code"] == (
        "格式不对, 应如 320826101-W01 / not in the expected format, e.g. 320826101-W01"
    )
    assert found["applicant.kind"] == "不是可选的值 / not one of the defined values"
    assert found["materials[1].copies"] == "不能小于 0 / must be at least 0"


ONE_LINE = "不能含换行、制表符等控制字符 / must not contain line breaks, tabs or other control characters"


def test_control_characters() -> None:
    # Free text may hold line breaks and tabs; nothing else, and NUL never.
    assert problems_of(A.WithdrawCaseRequest(reason="申请人\n不再需要\t(电话告知)\r\n")) == {}
    for bad in ("\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u202e", "\x0b"):
        assert set(problems_of(A.WithdrawCaseRequest(reason=f"理由{bad}"))) == {"reason"}, repr(bad)
    # One-line fields refuse the line breaks and tabs too.
    for bad in ("\n", "\t", "\r", "\u2028"):
        assert problems_of(A.IssueResultRequest(recipient_name=f"王{bad}英")) == {"recipient_name": ONE_LINE}


def test_undefined_enum_values_are_refused_anywhere() -> None:
    assert problems_of(A.ListCasesRequest(state=99)) == {
        "state": "不是可选的值 / not one of the defined values"
    }  # type: ignore[arg-type]
    assert set(problems_of(A.SubmitApplicationRequest(materials=[A.ProvidedMaterial(form=7)]))) == {  # type: ignore[arg-type]
        "materials[0].form"
    }
    assert set(problems_of(R.StartSpecialProcedureRequest(procedure=-1))) == {"procedure"}  # type: ignore[arg-type]
    # The unspecified value is defined: whether it is acceptable is the use case's business.
    assert problems_of(A.ListCasesRequest(state=A.CASE_STATE_UNSPECIFIED)) == {}


def test_repeated_fields_are_bounded_before_their_items_are_read() -> None:
    request = A.SubmitApplicationRequest(materials=[A.ProvidedMaterial(material_code="\x00")] * 51)
    assert problems_of(request) == {"materials": "最多 50 项 / at most 50 items"}
    items = R.SendBackForSupplementRequest(items=["户口簿", "x" * 101])
    assert problems_of(items) == {"items[1]": "最多 100 个字 / at most 100 characters"}


def test_integer_bounds_include_zero_when_declared() -> None:
    assert problems_of(C.ListMattersRequest(page_size=0)) == {}
    assert problems_of(C.ListMattersRequest(page_size=100)) == {}
    assert problems_of(C.ListMattersRequest(page_size=101)) == {
        "page_size": "不能大于 100 / must be at most 100"
    }
    assert problems_of(S.ListReceivedEventsRequest(page_size=-1)) == {
        "page_size": "不能小于 0 / must be at least 0"
    }
    assert set(problems_of(R.ClaimStepRequest(step_number=1000))) == {"step_number"}


def test_an_opaque_message_is_bounded_by_its_encoded_size() -> None:
    payload = any_pb2.Any(
        type_url="type.googleapis.com/tongban.acceptance.v1.CaseAccepted", value=b"x" * 70_000
    )
    request = intake_pb2.DeliverEventsRequest(events=[event_pb2.Event(payload=payload)])
    assert problems_of(request) == {
        "events[0].payload": "内容过大, 最多 65536 字节 / too large: at most 65536 bytes"
    }


def test_no_description_repeats_the_value() -> None:
    secret = "32082619850312002X"
    request = A.SubmitApplicationRequest(
        request_id=f"{secret}\x00",
        applicant=A.Applicant(id_number=secret * 2, name=secret * 10, phone=f"{secret}\n"),
        conditions_apply=[secret],
    )
    found = problems_of(request)
    assert len(found) == 5
    assert not any(secret[:6] in description for description in found.values())


def test_check_raises_invalid_argument_with_a_bad_request() -> None:
    with pytest.raises(DomainError) as caught:
        validation.check(A.GetCaseRequest(case_no="TB-1"))
    assert caught.value.code.name == "INVALID_ARGUMENT"
    [bad_request] = caught.value.details
    assert [v.field for v in bad_request.field_violations] == ["case_no"]
    validation.check(A.GetCaseRequest(case_no="320826101-20261127-0001"))


@pytest.mark.parametrize(
    "body", [b"\xff\xff\xff\xff", b"not protobuf at all", b"\x12\x02\xff\xfe", b"\x0b" * 200]
)
def test_a_body_that_is_not_protobuf_is_invalid_argument(body: bytes) -> None:
    with pytest.raises(DomainError) as caught:
        validation.decode(A.SubmitApplicationRequest.FromString, body)
    assert caught.value.code.name == "INVALID_ARGUMENT"
    assert caught.value.message == "请求格式无效 / the request is not a valid protobuf message"
    assert validation.decode(A.GetCaseRequest.FromString, b"") == A.GetCaseRequest()
