"""The catalogue administered: a matter's versions, a diff, extension decisions."""

from __future__ import annotations

from collections.abc import Iterable

from tongban.acceptance.v1 import catalog_admin_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C

from tongban_cli.render.text import label


def version_line(version: A.MatterVersion) -> str:
    state = label(A.VersionState, version.state)
    line = f"第 {version.version} 版  {state}  起草 {version.drafted_by} {version.drafted_on}"
    if version.state == A.VERSION_STATE_PUBLISHED:
        line += f"  发布 {version.published_by} {version.published_on}  自 {version.effective_on} 起施行"
    if version.note:
        line += f"  说明：{version.note}"
    return line


def version_list(versions: Iterable[A.MatterVersion]) -> str:
    found = list(versions)
    if not found:
        return "没有版本。"
    head = f"{found[0].matter.name}（{found[0].matter_code}）"
    return "\n".join([head, *(f"  {version_line(v)}" for v in found)])


def saved(version: A.MatterVersion) -> str:
    return (
        f"已保存草稿：{version.matter.name}（{version.matter_code}）第 {version.version} 版。\n"
        f"须由中心管理员（起草人以外）发布：tongban catalog publish {version.matter_code} {version.version} "
        "--effective YYYY-MM-DD"
    )


def published(version: A.MatterVersion) -> str:
    return (
        f"已发布：{version.matter.name}（{version.matter_code}）第 {version.version} 版，"
        f"自 {version.effective_on} 起施行；此前受理的办件仍按原版本办理。"
    )


def diff(response: A.DiffMatterVersionsResponse, code: str, before: int, after: int) -> str:
    return f"{code} 第 {before} 版 → 第 {after} 版\n{response.text}"


def extension_line(extension: A.Extension) -> str:
    where = extension.site_code or label(C.SiteLevel, extension.site_level)
    action = label(A.ExtensionAction, extension.action)
    return (
        f"{extension.matter_code}  {extension.matter_name}  {action}至 {where}  "
        f"自 {extension.effective_on} 起  {extension.document_number}（{extension.document_date}）"
    )


def extension_list(extensions: Iterable[A.Extension]) -> str:
    return "\n".join(extension_line(e) for e in extensions) or "没有延伸调整记录。"


def imported(response: A.ImportCatalogueResponse) -> str:
    lines = [
        f"已导入：{response.department_count} 个部门；{len(response.drafts)} 个事项存为草稿，"
        f"{response.unchanged_count} 个事项未变；{response.extension_count} 项延伸决定已记录，"
        f"{response.unchanged_extension_count} 项已在册。"
    ]
    lines += [f"  草稿 {d.matter_code} 第 {d.version} 版  {d.matter.name}" for d in response.drafts]
    if response.drafts:
        lines.append("草稿须由另一位中心管理员逐项发布（tongban catalog publish）。")
    return "\n".join(lines)
