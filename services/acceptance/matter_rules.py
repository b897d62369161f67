"""What a matter's definition must satisfy before it can be saved as a draft or published.

Every problem is found at once (a county office fixes a draft in one pass) and named by its field
path under `prefix`, e.g. "matter.review_steps[1].lead_department_code". Approval relies on the
flow rules: a flow ends in its decision, its steps fit the promised limit, a parallel step has a lead.
"""

from __future__ import annotations

from collections.abc import Collection

from tongban.acceptance.v1 import catalog_pb2 as C

from services.common.errors import FieldProblem

_PROMISED = C.HANDLING_TYPE_PROMISED
_COUNTY = C.DECIDING_LEVEL_COUNTY


def problems(matter: C.Matter, departments: Collection[str], prefix: str = "matter.") -> list[FieldProblem]:
    """Every problem of the definition; `departments` are the department codes the catalogue knows."""
    found = _identity(matter, departments, prefix)
    found += _limits(matter, prefix)
    found += _materials(matter, prefix)
    found += _fees(matter, prefix)
    found += _flow(matter, departments, prefix)
    return found


def _identity(matter: C.Matter, departments: Collection[str], p: str) -> list[FieldProblem]:
    found = []
    for value, field, label in (
        (matter.code, "code", "事项编码"),
        (matter.name, "name", "事项名称"),
        (matter.department_code, "department_code", "部门编码"),
    ):
        if not value.strip():
            found.append(FieldProblem(p + field, f"{label}必填 / {field} is required"))
    if matter.department_code and matter.department_code not in departments:
        found.append(FieldProblem(p + "department_code", "部门不在目录中 / no such department"))
    segments = matter.code.split("-")
    if (
        matter.code
        and matter.department_code
        and len(segments) == 4
        and segments[1] != matter.department_code
    ):
        found.append(
            FieldProblem(p + "code", "事项编码中的部门与所属部门不一致 / the code names another department")
        )
    for number, field, label in (
        (matter.kind, "kind", "事项类型"),
        (matter.handling_type, "handling_type", "办件类型"),
        (matter.deciding_level, "deciding_level", "审批层级"),
        (matter.service_mode, "service_mode", "服务模式"),
    ):
        if not number:
            found.append(FieldProblem(p + field, f"请选择{label} / {field} is required"))
    if not matter.accepting_levels:
        found.append(FieldProblem(p + "accepting_levels", "请选择受理层级 / at least one accepting level"))
    if len(set(matter.accepting_levels)) != len(matter.accepting_levels):
        found.append(FieldProblem(p + "accepting_levels", "受理层级重复 / a level is listed twice"))
    if len(set(matter.special_procedures)) != len(matter.special_procedures):
        found.append(FieldProblem(p + "special_procedures", "特殊环节重复 / a procedure is listed twice"))
    return found


def _limits(matter: C.Matter, p: str) -> list[FieldProblem]:
    if matter.handling_type != _PROMISED:
        if matter.promised_limit_days or matter.legal_limit_days:
            return [
                FieldProblem(p + "promised_limit_days", "即办件没有时限 / an instant matter has no limit")
            ]
        return []
    found = []
    if matter.promised_limit_days < 1:
        found.append(FieldProblem(p + "promised_limit_days", "承诺件须有承诺时限 / at least 1 working day"))
    if matter.legal_limit_days < 1:
        found.append(FieldProblem(p + "legal_limit_days", "承诺件须有法定时限 / at least 1 working day"))
    if matter.promised_limit_days > matter.legal_limit_days >= 1:
        found.append(
            FieldProblem(
                p + "promised_limit_days", "承诺时限不得超过法定时限 / promised exceeds the legal limit"
            )
        )
    return found


def _materials(matter: C.Matter, p: str) -> list[FieldProblem]:
    found = []
    seen: set[str] = set()
    for i, material in enumerate(matter.materials):
        at = f"{p}materials[{i}]."
        if not material.code.strip():
            found.append(FieldProblem(at + "code", "材料编码必填 / code is required"))
        elif material.code in seen:
            # The later one is the mistake to fix.
            found.append(FieldProblem(at + "code", "材料编码重复 / the code is used already"))
        seen.add(material.code)
        if not material.name.strip():
            found.append(FieldProblem(at + "name", "材料名称必填 / name is required"))
        if not material.requirement:
            found.append(FieldProblem(at + "requirement", "请选择必要或视情形 / requirement is required"))
        if material.requirement == C.MATERIAL_REQUIREMENT_CONDITIONAL and not material.condition.strip():
            found.append(FieldProblem(at + "condition", "视情形提交的材料须写明情形 / condition is required"))
        if not material.form:
            found.append(FieldProblem(at + "form", "请选择材料形式 / form is required"))
        if material.copies < 1:
            found.append(FieldProblem(at + "copies", "份数至少为 1 / at least one copy"))
    return found


def _fees(matter: C.Matter, p: str) -> list[FieldProblem]:
    return [
        FieldProblem(f"{p}fees[{i}].name", "收费项目名称必填 / name is required")
        for i, fee in enumerate(matter.fees)
        if not fee.name.strip()
    ]


def _flow(matter: C.Matter, departments: Collection[str], p: str) -> list[FieldProblem]:
    steps = list(matter.review_steps)
    at = p + "review_steps"
    if matter.deciding_level != _COUNTY or matter.handling_type != _PROMISED:
        # Township-decided and instant matters are done at the window: no county review.
        return [FieldProblem(at, "只有县级审批的承诺件设审查环节 / no review flow here")] if steps else []
    if not steps or steps[-1].kind != C.STEP_KIND_DECISION:
        return [FieldProblem(at, "审查流程须以决定环节结束 / the flow must end with a decision step")]
    found = []
    if sum(step.time_limit_days for step in steps) > matter.promised_limit_days:
        found.append(
            FieldProblem(at, "各环节时限之和超过承诺时限 / the steps' limits exceed the promised limit")
        )
    if any(step.kind == C.STEP_KIND_DECISION for step in steps[:-1]):
        found.append(FieldProblem(at, "决定环节只能是最后一步 / only the last step decides"))
    for i, step in enumerate(steps):
        here = f"{at}[{i}]."
        if not step.name.strip():
            found.append(FieldProblem(here + "name", "环节名称必填 / name is required"))
        if not step.kind:
            found.append(FieldProblem(here + "kind", "请选择环节类型 / kind is required"))
        if not step.role:
            found.append(FieldProblem(here + "role", "请选择办理角色 / role is required"))
        if step.time_limit_days < 1:
            found.append(FieldProblem(here + "time_limit_days", "环节时限至少 1 个工作日 / at least 1 day"))
        unknown = sorted(set(step.department_codes) - set(departments))
        if unknown:
            found.append(
                FieldProblem(here + "department_codes", f"部门不在目录中 / unknown departments {unknown}")
            )
        if step.kind == C.STEP_KIND_PARALLEL_REVIEW:
            if len(set(step.department_codes)) < 2:
                found.append(FieldProblem(here + "department_codes", "并联审核至少两个部门 / 2+ departments"))
            if step.lead_department_code not in step.department_codes:
                found.append(
                    FieldProblem(
                        here + "lead_department_code",
                        "并联审核须指定参与部门中的牵头部门 / a lead among them",
                    )
                )
    return found
