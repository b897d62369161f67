"""The service catalogue against a real server."""

from __future__ import annotations

import grpc
from tongban.acceptance.v1 import catalog_pb2 as C

from tests.conftest import AcceptanceUnderTest
from tests.contract.helpers import COUNTY_ONLY, rpc_error
from tests.support import as_role, identity_metadata

AS_INSPECTOR = identity_metadata(as_role("inspector"))


def test_search_by_keyword_department_and_site(acceptance: AcceptanceUnderTest) -> None:
    found = acceptance.catalog.ListMatters(C.ListMattersRequest(keyword="户口"), metadata=AS_INSPECTOR)
    assert "320826-GA-QT-001" in [m.code for m in found.matters]
    assert all("户口" in m.name + m.department_name or "户口" in m.code for m in found.matters)

    civil = acceptance.catalog.ListMatters(
        C.ListMattersRequest(department_code="MZ", page_size=100), metadata=AS_INSPECTOR
    )
    assert civil.total_size >= 3 and {m.department_code for m in civil.matters} == {"MZ"}

    village = acceptance.catalog.ListMatters(
        C.ListMattersRequest(site_code="320826101001", page_size=100), metadata=AS_INSPECTOR
    )
    assert village.matters and all(C.SITE_LEVEL_VILLAGE in m.accepting_levels for m in village.matters)
    county = acceptance.catalog.ListMatters(
        C.ListMattersRequest(site_code="320826000", page_size=100), metadata=AS_INSPECTOR
    )
    assert COUNTY_ONLY in [m.code for m in county.matters]
    assert COUNTY_ONLY not in [m.code for m in village.matters]


def test_matters_page_through_the_whole_catalogue(acceptance: AcceptanceUnderTest) -> None:
    seen: list[str] = []
    token = ""
    while True:
        page = acceptance.catalog.ListMatters(
            C.ListMattersRequest(page_size=7, page_token=token), metadata=AS_INSPECTOR
        )
        seen += [m.code for m in page.matters]
        token = page.next_page_token
        if not token:
            break
    assert len(seen) == len(set(seen)) == page.total_size >= 20


def test_matter_details_and_unknown_matter(acceptance: AcceptanceUnderTest) -> None:
    matter = acceptance.catalog.GetMatter(
        C.GetMatterRequest(code="320826-GA-QT-001"), metadata=AS_INSPECTOR
    ).matter
    assert matter.service_mode == C.SERVICE_MODE_JOINT and matter.promised_limit_days == 5
    assert [m.code for m in matter.materials][:4] == ["M01", "M02", "M03", "M04"]
    error = rpc_error(
        lambda: acceptance.catalog.GetMatter(
            C.GetMatterRequest(code="320826-GA-XK-999"), metadata=AS_INSPECTOR
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_sites_and_departments(acceptance: AcceptanceUnderTest) -> None:
    sites = acceptance.catalog.ListSites(C.ListSitesRequest(), metadata=AS_INSPECTOR).sites
    levels = [s.level for s in sites]
    assert levels.count(C.SITE_LEVEL_COUNTY) == 1 and levels.count(C.SITE_LEVEL_TOWNSHIP) >= 3
    assert C.SITE_LEVEL_VILLAGE in levels and all(s.windows for s in sites)
    departments = acceptance.catalog.ListDepartments(
        C.ListDepartmentsRequest(), metadata=AS_INSPECTOR
    ).departments
    assert len([d for d in departments if d.matter_count > 0]) >= 6


def test_unknown_site_filter_is_not_found(acceptance: AcceptanceUnderTest) -> None:
    error = rpc_error(
        lambda: acceptance.catalog.ListMatters(
            C.ListMattersRequest(site_code="320826999"), metadata=AS_INSPECTOR
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
