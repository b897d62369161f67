"""Read use cases: the catalogue, cases and documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlmodel import Session
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from services.acceptance import extension, repository, views
from services.acceptance.models import CaseRow
from services.common.calls import CallContext
from services.common.case_tracing import case_span
from services.common.errors import FieldProblem, invalid_input, not_found, permission_denied
from services.common.paging import next_token, page_window
from services.common.usecases import UseCases


def _date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid_input(
            "日期格式应为 YYYY-MM-DD / dates are YYYY-MM-DD",
            [FieldProblem(field, "不是 YYYY-MM-DD 格式的日期 / not a YYYY-MM-DD date")],
        ) from None


def _require_scope(session: Session, call: CallContext, row: CaseRow) -> None:
    """The caller's site, or for a county reviewer the case being under their department's review."""
    departments = views.reviewing_departments(row, repository.case_matter(session, row))
    call.require(row.site_code, departments)


@dataclass
class Catalog:
    uc: UseCases

    def list_matters(self, request: catalog_pb2.ListMattersRequest) -> catalog_pb2.ListMattersResponse:
        """Matters in force today, filtered; a site lists what it accepts today (its levels and the
        extension decisions in force). The catalogue is hundreds of matters: filtered here."""
        offset, limit = page_window(request.page_size, request.page_token)
        keyword, today = request.keyword.strip(), self.uc.today()
        with self.uc.db.reading() as session:
            matters = repository.matters_in_force(session, today)
            if request.site_code:
                site = repository.site(session, request.site_code)
                if site is None:
                    raise not_found(
                        "site", request.site_code, f"站点 {request.site_code} 不存在 / no such site"
                    )
                records = extension.by_matter(repository.extensions(session, site=site))
                matters = [
                    m for m in matters if extension.standing(m, site, records.get(m.code, []), today).accepts
                ]
        if keyword:
            matters = [
                m for m in matters if keyword in m.name or keyword in m.code or keyword in m.department_name
            ]
        if request.department_code:
            matters = [m for m in matters if m.department_code == request.department_code]
        total = len(matters)
        return catalog_pb2.ListMattersResponse(
            matters=matters[offset : offset + limit],
            next_page_token=next_token(offset, limit, total),
            total_size=total,
        )

    def get_matter(self, request: catalog_pb2.GetMatterRequest) -> catalog_pb2.GetMatterResponse:
        with self.uc.db.reading() as session:
            return catalog_pb2.GetMatterResponse(
                matter=repository.known_matter(session, request.code, self.uc.today())
            )

    def list_departments(self) -> catalog_pb2.ListDepartmentsResponse:
        with self.uc.db.reading() as session:
            rows = repository.departments(session)
        return catalog_pb2.ListDepartmentsResponse(
            departments=[catalog_pb2.Department(code=d.code, name=d.name, matter_count=n) for d, n in rows]
        )

    def list_sites(self) -> catalog_pb2.ListSitesResponse:
        with self.uc.db.reading() as session:
            rows = repository.sites_with_windows(session)
        return catalog_pb2.ListSitesResponse(
            sites=[
                catalog_pb2.Site(
                    code=s.code,
                    name=s.name,
                    level=cast(catalog_pb2.SiteLevel, s.level),  # a plain int in the row
                    parent_code=s.parent_code,
                    windows=[
                        catalog_pb2.Window(code=w.code, name=w.name, department_code=w.department_code)
                        for w in windows
                    ],
                )
                for s, windows in rows
            ]
        )


@dataclass
class CaseQueries:
    uc: UseCases

    def get_case(
        self, call: CallContext, request: acceptance_pb2.GetCaseRequest
    ) -> acceptance_pb2.GetCaseResponse:
        with self.uc.db.reading() as session:
            row = self._case(session, call, request.case_no)
            # A read about the case is part of the case's trace too.
            with case_span("acceptance.get_case", row):
                return acceptance_pb2.GetCaseResponse(case=self._view(session, row, call))

    def _view(self, session: Session, row: CaseRow, call: CallContext) -> acceptance_pb2.Case:
        return views.case_view(session, row, call, self.uc.calendar, self.uc.today())

    def _case(self, session: Session, call: CallContext, case_no: str) -> CaseRow:
        row = repository.case(session, case_no)
        if row is None:
            raise not_found("case", case_no, f"办件 {case_no} 不存在 / no such case")
        _require_scope(session, call, row)
        return row

    def list_cases(
        self, call: CallContext, request: acceptance_pb2.ListCasesRequest
    ) -> acceptance_pb2.ListCasesResponse:
        offset, limit = page_window(request.page_size, request.page_token)
        # A county reviewer lists what their department reviews, of every site unless one is named.
        reviewer = call.department_scoped
        site_code = request.site_code or ("" if reviewer else call.caller.site_code)
        if not reviewer and not call.may_touch(site_code):
            raise permission_denied("只能查看本站点的办件 / you may only list your own site's cases")
        today = self.uc.today()
        where = repository.CaseFilter(
            site_code=site_code,
            reviewed_by=call.caller.department_code if reviewer else None,
            state=request.state,
            matter_code=request.matter_code,
            received_from=_date(request.received_from, "received_from"),
            received_to=_date(request.received_to, "received_to"),
            overdue_on=today if request.overdue_only else None,
            open_states=views.MAY_BE_OVERDUE,
        )
        with self.uc.db.reading() as session:
            rows, total = repository.list_cases(session, where, offset, limit)
            cases = [self._view(session, row, call) for row in rows]
        return acceptance_pb2.ListCasesResponse(
            cases=cases, next_page_token=next_token(offset, limit, total), total_size=total
        )

    def get_document(
        self, call: CallContext, request: acceptance_pb2.GetDocumentRequest
    ) -> acceptance_pb2.GetDocumentResponse:
        with self.uc.db.reading() as session:
            row = repository.document(session, request.number)
            if row is None:
                raise not_found(
                    "document", request.number, f"文书 {request.number} 不存在 / no such document"
                )
            case = repository.case(session, row.case_no)
            assert case is not None  # foreign key
            _require_scope(session, call, case)
            return acceptance_pb2.GetDocumentResponse(document=views.document_message(row))
