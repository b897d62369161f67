"""The materials check and the case/document numbering, without a server."""

from __future__ import annotations

from datetime import date

from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C

from services.acceptance import materials, numbering

MATTER = C.Matter(
    code="320826-GA-QT-001",
    materials=[
        C.Material(code="M01", name="居民身份证", requirement=C.MATERIAL_REQUIREMENT_REQUIRED,
                   form=C.MATERIAL_FORM_ORIGINAL_AND_COPY, copies=1),
        C.Material(code="M02", name="申请表", requirement=C.MATERIAL_REQUIREMENT_REQUIRED,
                   form=C.MATERIAL_FORM_ORIGINAL, copies=2),
        C.Material(code="M03", name="结婚证", requirement=C.MATERIAL_REQUIREMENT_CONDITIONAL,
                   form=C.MATERIAL_FORM_COPY, copies=1),
    ],
)  # fmt: skip


def _issues(provided: list[A.ProvidedMaterial], applies: list[str] = []) -> dict[str, int]:  # noqa: B006
    return {i.material_code: i.kind for i in materials.check(MATTER.materials, provided, applies)}


def test_complete_materials_have_no_issues() -> None:
    given = [A.ProvidedMaterial(material_code="M01"), A.ProvidedMaterial(material_code="M02")]
    assert _issues(given) == {}


def test_every_missing_and_defective_item_is_reported_at_once() -> None:
    given = [
        A.ProvidedMaterial(material_code="M01", form=C.MATERIAL_FORM_COPY),
        A.ProvidedMaterial(material_code="M03", defect="复印件模糊"),
    ]
    assert _issues(given, ["M03"]) == {
        "M01": A.ISSUE_KIND_DEFECTIVE,
        "M02": A.ISSUE_KIND_MISSING,
        "M03": A.ISSUE_KIND_DEFECTIVE,
    }


def test_conditional_material_is_needed_only_when_its_condition_applies() -> None:
    given = [A.ProvidedMaterial(material_code="M01"), A.ProvidedMaterial(material_code="M02")]
    assert _issues(given) == {}
    assert _issues(given, ["M03"]) == {"M03": A.ISSUE_KIND_MISSING}


def test_too_few_copies_is_a_defect_and_originals_with_copies_satisfy_either_form() -> None:
    given = [
        A.ProvidedMaterial(material_code="M01"),
        A.ProvidedMaterial(material_code="M02", form=C.MATERIAL_FORM_ORIGINAL_AND_COPY, copies=1),
    ]
    issues = materials.check(MATTER.materials, given, [])
    assert [(i.material_code, i.detail) for i in issues] == [("M02", "需2份, 收到1份")]


def test_unknown_duplicate_and_unconditional_codes_are_input_problems() -> None:
    given = [A.ProvidedMaterial(material_code="M09"), A.ProvidedMaterial(material_code="M01"),
             A.ProvidedMaterial(material_code="M01", copies=-1)]  # fmt: skip
    problems = {p.field for p in materials.input_problems(MATTER, given, ["M01"])}
    assert problems == {
        "materials[0].material_code",
        "materials[2].material_code",
        "materials[2].copies",
        "conditions_apply[0]",
    }


def test_case_and_document_numbers_are_readable() -> None:
    assert numbering.case_number("320826101", date(2026, 11, 27), 7) == "320826101-20261127-0007"
    assert (
        numbering.document_number(A.DOCUMENT_KIND_ACCEPTANCE_RECEIPT, "320826101", 2026, 12)
        == "SL-320826101-2026-00012"
    )
    assert numbering.document_number(A.DOCUMENT_KIND_ONE_TIME_NOTICE, "320826000", 2027, 1).startswith("GZ-")
    assert numbering.document_number(A.DOCUMENT_KIND_NON_ACCEPTANCE_NOTICE, "320826000", 2027, 1).startswith(
        "BSL-"
    )
