"""The catalogue's reads: a matter's history and diffs, extensions, a hall's list, the export."""

from __future__ import annotations

import html
from dataclasses import dataclass

from sqlmodel import Session, select
from tongban.acceptance.v1 import catalog_admin_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C

from services.acceptance import catalogue_file, extension, matter_diff, repository
from services.acceptance.extension_decisions import iso_day
from services.acceptance.extension_decisions import message as extension_message
from services.acceptance.models import DepartmentRow, MatterRow, MatterVersionRow, SiteRow
from services.acceptance.versions import version_message
from services.common import labels
from services.common.errors import FieldProblem, invalid_input, not_found
from services.common.usecases import UseCases


def _version(session: Session, code: str, number: int) -> MatterVersionRow:
    row = repository.matter_version(session, code, number)
    if row is None:
        raise not_found(
            "matter_version", f"{code}/{number}", f"事项 {code} 没有第 {number} 版 / no such version"
        )
    return row


def _names(session: Session) -> dict[str, str]:
    return {row.code: row.name for row in session.exec(select(MatterRow)).all()}


def _site(session: Session, code: str) -> SiteRow:
    site = repository.site(session, code)
    if site is None:
        raise not_found("site", code, f"站点 {code} 不存在 / no such site")
    return site


@dataclass
class CatalogueQueries:
    uc: UseCases

    def versions(self, request: A.ListMatterVersionsRequest) -> A.ListMatterVersionsResponse:
        with self.uc.db.reading() as session:
            rows = repository.matter_versions(session, request.matter_code)
            if not rows:
                raise not_found(
                    "matter", request.matter_code, f"事项 {request.matter_code} 不在目录中 / no such matter"
                )
            return A.ListMatterVersionsResponse(versions=[version_message(row) for row in rows])

    def version(self, request: A.GetMatterVersionRequest) -> A.GetMatterVersionResponse:
        with self.uc.db.reading() as session:
            return A.GetMatterVersionResponse(
                version=version_message(_version(session, request.matter_code, request.version))
            )

    def diff(self, request: A.DiffMatterVersionsRequest) -> A.DiffMatterVersionsResponse:
        with self.uc.db.reading() as session:
            before = repository.definition(_version(session, request.matter_code, request.from_version))
            after = repository.definition(_version(session, request.matter_code, request.to_version))
        changes = matter_diff.diff(before, after)
        return A.DiffMatterVersionsResponse(
            changes=[
                A.FieldChange(path=c.path, label=c.label, before=c.before, after=c.after) for c in changes
            ],
            text=matter_diff.text(changes),
        )

    def extensions(self, request: A.ListExtensionsRequest) -> A.ListExtensionsResponse:
        with self.uc.db.reading() as session:
            site = _site(session, request.site_code) if request.site_code else None
            rows = repository.extensions(session, matter_code=request.matter_code, site=site)
            names = _names(session)
        return A.ListExtensionsResponse(
            extensions=[extension_message(r, names.get(r.matter_code, "")) for r in rows]
        )

    def site_catalogue(self, request: A.GetSiteCatalogueRequest) -> A.GetSiteCatalogueResponse:
        problems: list[FieldProblem] = []
        day = iso_day(request.on, "on", "日期", problems) if request.on else self.uc.today()
        if problems or day is None:
            raise invalid_input("日期有误 / the date is wrong", problems)
        with self.uc.db.reading() as session:
            site = _site(session, request.site_code)
            records = extension.by_matter(repository.extensions(session, site=site))
            entries = []
            for matter in repository.matters_in_force(session, day):
                standing = extension.standing(matter, site, records.get(matter.code, []), day)
                if not standing.accepts:
                    continue
                entry = A.SiteCatalogueEntry(matter=matter)
                if standing.decision is not None:
                    entry.document_number = standing.decision.document_number
                    entry.document_date = standing.decision.document_date.isoformat()
                    entry.extended_on = standing.decision.effective_on.isoformat()
                entries.append(entry)
        response = A.GetSiteCatalogueResponse(
            site_code=site.code,
            site_name=site.name,
            site_level=site.level,  # type: ignore[arg-type]
            on=day.isoformat(),
            entries=entries,
        )
        response.text, response.html = _printed(response)
        return response

    def export(self, request: A.ExportCatalogueRequest) -> A.ExportCatalogueResponse:
        chosen = request.format or A.CATALOGUE_FORMAT_JSON
        today = self.uc.today()
        with self.uc.db.reading() as session:
            departments = {row.code: row.name for row in session.exec(select(DepartmentRow)).all()}
            # Each matter's latest publication, future ones included: what the county office edits,
            # so a file exported and imported again changes nothing.
            matters = repository.matters_in_force(session, None)
            names = _names(session)
            records = [
                extension_message(r, names.get(r.matter_code, "")) for r in repository.extensions(session)
            ]
        xlsx = chosen == A.CATALOGUE_FORMAT_XLSX
        write = catalogue_file.to_xlsx if xlsx else catalogue_file.to_json
        return A.ExportCatalogueResponse(
            format=chosen,
            file_name=f"catalog-{today.isoformat()}.{'xlsx' if xlsx else 'json'}",
            content=write(departments, matters, records),
            matter_count=len(matters),
        )


def _printed(catalogue: A.GetSiteCatalogueResponse) -> tuple[str, str]:
    """The hall's public list (进驻事项目录) as text and as an HTML page."""
    title = f"{catalogue.site_name}进驻事项目录"
    rows = []
    for i, entry in enumerate(catalogue.entries, start=1):
        m = entry.matter
        limit = f"{m.promised_limit_days}个工作日" if m.handling_type == C.HANDLING_TYPE_PROMISED else "即办"
        basis = f"{entry.document_number}({entry.document_date})" if entry.document_number else ""
        rows.append((str(i), m.code, m.name, m.department_name, limit, basis))
    header = ("序号", "事项编码", "事项名称", "实施部门", "承诺时限", "延伸依据")
    lines = [
        title,
        f"{labels.zh(C.SiteLevel, catalogue.site_level)} {catalogue.site_code}  截至 {catalogue.on}",
        "",
    ]
    lines += ["  ".join(row) for row in [header, *rows]]
    lines.append(f"共 {len(rows)} 项")
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    page = (
        f'<!doctype html><html lang="zh"><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<h1>{html.escape(title)}</h1><p>截至 {catalogue.on}</p><table>"
        + "<tr>"
        + "".join(f"<th>{h}</th>" for h in header)
        + "</tr>"
        + cells
        + f"</table><p>共 {len(rows)} 项</p></html>"
    )
    return "\n".join(lines), page
