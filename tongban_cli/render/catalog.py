"""The service catalogue: matters with their materials, limits and fees; sites; departments."""

from __future__ import annotations

from collections.abc import Iterable

from tongban.acceptance.v1 import catalog_pb2

from tongban_cli.render.text import label, yuan


def limit_text(matter: catalog_pb2.Matter) -> str:
    if matter.handling_type == catalog_pb2.HANDLING_TYPE_INSTANT:
        return "即办，当场办结"
    return f"承诺 {matter.promised_limit_days} 个工作日（法定 {matter.legal_limit_days} 个工作日）"


def matter_line(matter: catalog_pb2.Matter) -> str:
    handling = label(catalog_pb2.HandlingType, matter.handling_type)
    if matter.handling_type == catalog_pb2.HANDLING_TYPE_PROMISED:
        handling += f" {matter.promised_limit_days}个工作日"
    mode = label(catalog_pb2.ServiceMode, matter.service_mode)
    return f"{matter.code}  {matter.name}  [{matter.department_name}] {handling} {mode}"


def matter_list(response: catalog_pb2.ListMattersResponse) -> str:
    if not response.matters:
        return "没有符合条件的事项。"
    lines = [matter_line(m) for m in response.matters]
    lines.append(f"共 {response.total_size} 项，本页 {len(response.matters)} 项。")
    if response.next_page_token:
        lines.append(f"下一页：加上 --page-token {response.next_page_token}")
    return "\n".join(lines)


def material_line(material: catalog_pb2.Material) -> str:
    # A material with no requirement set is required: the catalogue's default.
    if material.requirement == catalog_pb2.MATERIAL_REQUIREMENT_CONDITIONAL:
        need = label(catalog_pb2.MaterialRequirement, material.requirement)
        need += f"（{material.condition}）" if material.condition else ""
    else:
        need = label(catalog_pb2.MaterialRequirement, catalog_pb2.MATERIAL_REQUIREMENT_REQUIRED)
    form = label(catalog_pb2.MaterialForm, material.form)
    return f"  {material.code}  {material.name}  {need}  {form} {material.copies} 份"


def matter_detail(matter: catalog_pb2.Matter) -> str:
    levels = "、".join(label(catalog_pb2.SiteLevel, lv) for lv in matter.accepting_levels) or "未填"
    lines = [
        f"{matter.name}（{matter.code}）",
        f"实施部门：{matter.department_name}（{matter.department_code}）",
        f"事项类型：{label(catalog_pb2.MatterKind, matter.kind)}  "
        f"办件类型：{label(catalog_pb2.HandlingType, matter.handling_type)}",
        f"办理时限：{limit_text(matter)}",
        f"办理模式：{label(catalog_pb2.ServiceMode, matter.service_mode)}  "
        f"审批层级：{label(catalog_pb2.DecidingLevel, matter.deciding_level)}",
        f"可受理站点：{levels}",
        "申请材料：" if matter.materials else "申请材料：无",
        *(material_line(m) for m in matter.materials),
    ]
    if matter.fees:
        lines.append("收费：")
        lines += [f"  {fee.name}  {yuan(fee.amount_fen)}  依据：{fee.basis}" for fee in matter.fees]
    else:
        lines.append("收费：不收费")
    if matter.special_procedures:
        names = "、".join(label(catalog_pb2.SpecialProcedure, p) for p in matter.special_procedures)
        lines.append(f"特殊环节（不计入时限）：{names}")
    if matter.legal_basis:
        lines.append(f"设定依据：{matter.legal_basis}")
    return "\n".join(lines)


def site_list(sites: Iterable[catalog_pb2.Site]) -> str:
    lines: list[str] = []
    for site in sites:
        parent = f"，上级 {site.parent_code}" if site.parent_code else ""
        lines.append(f"{site.code}  {site.name}（{label(catalog_pb2.SiteLevel, site.level)}{parent}）")
        for window in site.windows:
            kind = f"专业窗口 {window.department_code}" if window.department_code else "综合窗口"
            lines.append(f"    窗口 {window.code}  {window.name}（{kind}）")
    return "\n".join(lines) or "没有站点。"


def department_list(departments: Iterable[catalog_pb2.Department]) -> str:
    lines = [f"{d.code}  {d.name}  {d.matter_count} 项事项" for d in departments]
    return "\n".join(lines) or "没有部门。"
