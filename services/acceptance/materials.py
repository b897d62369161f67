"""The materials check: compare what the applicant handed in with the matter's list.

Every missing or defective item is reported at once, as the one-time notice requires
(Administrative Licensing Law, Art. 32).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from services.common import labels
from services.common.errors import FieldProblem


def form_name(form: int) -> str:
    return labels.zh(catalog_pb2.MaterialForm, form)


def _form_satisfies(given: int, asked: int) -> bool:
    if given in (catalog_pb2.MATERIAL_FORM_UNSPECIFIED, asked):
        return True
    # Originals and copies together satisfy either.
    return given == catalog_pb2.MATERIAL_FORM_ORIGINAL_AND_COPY


def input_problems(
    matter: catalog_pb2.Matter,
    provided: Sequence[acceptance_pb2.ProvidedMaterial],
    conditions_apply: Sequence[str],
    field_prefix: str = "",
) -> list[FieldProblem]:
    """Material codes the matter does not list, duplicates, and impossible counts."""
    known = {m.code: m for m in matter.materials}
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for i, item in enumerate(provided):
        where = f"{field_prefix}materials[{i}]"
        if item.material_code not in known:
            problems.append(
                FieldProblem(f"{where}.material_code", "该事项没有这项材料 / not a material of this matter")
            )
        elif item.material_code in seen:
            problems.append(FieldProblem(f"{where}.material_code", "材料重复登记 / listed twice"))
        seen.add(item.material_code)
        if item.copies < 0:
            problems.append(FieldProblem(f"{where}.copies", "份数不能为负 / cannot be negative"))
    for i, code in enumerate(conditions_apply):
        material = known.get(code)
        if material is None or material.requirement != catalog_pb2.MATERIAL_REQUIREMENT_CONDITIONAL:
            problems.append(
                FieldProblem(
                    f"{field_prefix}conditions_apply[{i}]",
                    "不是该事项的容缺/视情形材料 / not a conditional material of this matter",
                )
            )
    return problems


def _issue(
    material: catalog_pb2.Material, kind: acceptance_pb2.IssueKind, detail: str
) -> acceptance_pb2.MaterialIssue:
    return acceptance_pb2.MaterialIssue(
        material_code=material.code, material_name=material.name, kind=kind, detail=detail
    )


def _defects(material: catalog_pb2.Material, item: acceptance_pb2.ProvidedMaterial) -> list[str]:
    found = []
    if not _form_satisfies(item.form, material.form):
        found.append(f"需提供{form_name(material.form)}, 收到{form_name(item.form)}")
    asked = max(material.copies, 1)
    if 0 < item.copies < asked:
        found.append(f"需{asked}份, 收到{item.copies}份")
    if item.defect.strip():
        found.append(item.defect.strip())
    return found


def check(
    materials: Iterable[catalog_pb2.Material],
    provided: Sequence[acceptance_pb2.ProvidedMaterial],
    conditions_apply: Sequence[str],
) -> list[acceptance_pb2.MaterialIssue]:
    """All missing and defective items among `materials`, in the catalogue's order."""
    given = {item.material_code: item for item in provided}
    applies = set(conditions_apply)
    issues = []
    for material in materials:
        needed = material.requirement == catalog_pb2.MATERIAL_REQUIREMENT_REQUIRED or material.code in applies
        item = given.get(material.code)
        if item is None:
            if needed:
                detail = f"缺少, 需{form_name(material.form)}{max(material.copies, 1)}份"
                issues.append(_issue(material, acceptance_pb2.ISSUE_KIND_MISSING, detail))
            continue
        defects = _defects(material, item)
        if defects:
            issues.append(_issue(material, acceptance_pb2.ISSUE_KIND_DEFECTIVE, "; ".join(defects)))
    return issues
