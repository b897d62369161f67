"""The demo service catalogue (services/acceptance/seed/catalog.json) for 涟水县 (320826), and the
sites and windows that accept its matters (the staff service's demo organisation).

The file is parsed strictly into the catalog.proto messages, so a misspelt field or enum name
fails here, and the catalogue rules the acceptance and approval services rely on are checked.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from google.protobuf.json_format import ParseDict
from tongban.acceptance.v1 import catalog_admin_pb2, catalog_pb2

ROOT = Path(__file__).resolve().parents[2]
CATALOG_PATH = ROOT / "services" / "acceptance" / "seed" / "catalog.json"
ORGANISATION_PATH = ROOT / "services" / "staff" / "seed" / "organisation.json"

REGION = "320826"
COUNTY_SITE = "320826000"
CODE_RE = re.compile(r"^320826-([A-Z]{2})-(XK|GG|QT)-(\d{3})$")
MATERIAL_CODE_RE = re.compile(r"^M0[1-6]$")
WINDOW_CODE_RE = re.compile(r"^(?P<site>\d+)-W\d{2}$")

KIND_BY_CODE = {
    "XK": catalog_pb2.MATTER_KIND_LICENCE,
    "GG": catalog_pb2.MATTER_KIND_PUBLIC_SERVICE,
    "QT": catalog_pb2.MATTER_KIND_OTHER,
}
COUNTY = catalog_pb2.SITE_LEVEL_COUNTY
TOWNSHIP = catalog_pb2.SITE_LEVEL_TOWNSHIP
VILLAGE = catalog_pb2.SITE_LEVEL_VILLAGE
INSTANT = catalog_pb2.HANDLING_TYPE_INSTANT
PROMISED = catalog_pb2.HANDLING_TYPE_PROMISED
DECIDED_BY_COUNTY = catalog_pb2.DECIDING_LEVEL_COUNTY
DECIDED_BY_TOWNSHIP = catalog_pb2.DECIDING_LEVEL_TOWNSHIP
LOCAL = catalog_pb2.SERVICE_MODE_LOCAL
JOINT = catalog_pb2.SERVICE_MODE_JOINT
COUNTY_WIDE = catalog_pb2.SERVICE_MODE_COUNTY_WIDE
REQUIRED = catalog_pb2.MATERIAL_REQUIREMENT_REQUIRED
CONDITIONAL = catalog_pb2.MATERIAL_REQUIREMENT_CONDITIONAL


def _parse(cls, items):
    return [ParseDict(item, cls(), ignore_unknown_fields=False) for item in items]


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(CATALOG_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def departments(raw) -> list[catalog_pb2.Department]:
    return _parse(catalog_pb2.Department, raw["departments"])


@pytest.fixture(scope="module")
def organisation() -> dict:
    return json.loads(ORGANISATION_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sites(organisation) -> list[catalog_pb2.Site]:
    """The staff service's sites and windows, as the catalogue's Site messages show them."""
    shown = [
        {
            **{key: site[key] for key in ("code", "name", "level", "parent_code") if key in site},
            "windows": [
                {key: w[key] for key in ("code", "name", "department_code") if key in w}
                for w in site["windows"]
            ],
        }
        for site in organisation["sites"]
    ]
    return _parse(catalog_pb2.Site, shown)


@pytest.fixture(scope="module")
def matters(raw) -> list[catalog_pb2.Matter]:
    return _parse(catalog_pb2.Matter, raw["matters"])


@pytest.fixture(scope="module")
def dept_names(departments) -> dict[str, str]:
    return {d.code: d.name for d in departments}


def test_top_level_keys(raw):
    assert set(raw) == {"departments", "matters", "extensions"}


def test_extension_decisions_bring_the_county_matters_down(raw, matters):
    """The county's decision extending its matters to the townships and villages (县级事项向乡镇
    延伸): for each county-decided matter, the levels below the county that accept it."""
    decisions = _parse(catalog_admin_pb2.Extension, raw["extensions"])
    expected = {
        (m.code, level)
        for m in matters
        if m.deciding_level == DECIDED_BY_COUNTY
        for level in m.accepting_levels
        if level != COUNTY
    }
    assert {(d.matter_code, d.site_level) for d in decisions} == expected
    assert len(decisions) == len(expected)
    for d in decisions:
        assert (d.action, d.site_code) == (catalog_admin_pb2.EXTENSION_ACTION_EXTEND, "")
        assert (d.document_date, d.effective_on) == ("2025-12-15", "2026-01-01")


# ---------------------------------------------------------------- departments


def test_departments(departments):
    codes = [d.code for d in departments]
    assert len(departments) >= 7
    assert len(set(codes)) == len(codes)
    assert {"GA", "MZ", "NJ", "ZR", "WJ", "SJ", "ZJ"} <= set(codes)
    for d in departments:
        assert re.fullmatch(r"[A-Z]{2}", d.code), d.code
        assert d.name.startswith("县"), d.name


def test_department_matter_count_unset_or_consistent(departments, matters):
    per_dept = Counter(m.department_code for m in matters)
    for d in departments:
        assert d.matter_count in (0, per_dept[d.code]), d.code


# ---------------------------------------------------------------------- sites


def test_site_hierarchy(sites):
    by_code = {s.code: s for s in sites}
    assert len(by_code) == len(sites)
    county = by_code[COUNTY_SITE]
    assert county.name == "涟水县政务服务中心"
    assert county.level == COUNTY
    assert county.parent_code == ""
    expected_townships = {
        "320826101": "高沟镇政务服务分中心",
        "320826102": "红窑镇政务服务分中心",
        "320826103": "朱码街道政务服务分中心",
    }
    for code, name in expected_townships.items():
        site = by_code[code]
        assert site.name == name
        assert site.level == TOWNSHIP
        assert site.parent_code == COUNTY_SITE
    village = by_code["320826101001"]
    assert village.name == "高沟镇杨口村便民服务站"
    assert village.level == VILLAGE
    assert village.parent_code == "320826101"
    for site in sites:
        assert site.code.startswith(REGION)
        if site.level != COUNTY:
            parent = by_code[site.parent_code]
            assert parent.level == site.level - 1, site.code
            assert site.code.startswith(parent.code) or parent.level == COUNTY


def test_windows(sites, dept_names):
    all_codes = [w.code for s in sites for w in s.windows]
    assert len(set(all_codes)) == len(all_codes)
    for site in sites:
        assert site.windows, site.code
        for w in site.windows:
            match = WINDOW_CODE_RE.fullmatch(w.code)
            assert match and match["site"] == site.code, w.code
            assert w.name
            assert w.department_code == "" or w.department_code in dept_names, w.code
        first = site.windows[0]
        assert first.code == f"{site.code}-W01"
        assert first.department_code == "", "W01 is the comprehensive/proxy window"


def test_county_centre_has_a_window_per_department(sites, dept_names):
    county = next(s for s in sites if s.code == COUNTY_SITE)
    windows = {w.code: w for w in county.windows}
    assert windows["320826000-W01"].name == "综合受理窗口"
    assert windows["320826000-W02"].name == "公安窗口"
    assert windows["320826000-W02"].department_code == "GA"
    dept_windows = Counter(w.department_code for w in county.windows if w.department_code)
    assert set(dept_windows) == set(dept_names)
    assert all(n == 1 for n in dept_windows.values())


def test_township_and_village_windows(sites):
    for site in sites:
        if site.level == TOWNSHIP:
            windows = {w.code: w for w in site.windows}
            assert windows[f"{site.code}-W01"].name == "综合窗口"
            assert windows[f"{site.code}-W02"].department_code == "MZ"
            assert windows[f"{site.code}-W03"].department_code == "NJ"
            assert windows[f"{site.code}-W04"].department_code == "ZR"
        elif site.level == VILLAGE:
            assert [(w.code, w.name) for w in site.windows] == [(f"{site.code}-W01", "代办窗口")]


def test_demo_users_point_at_existing_sites_and_windows(sites, organisation):
    users = organisation["people"]
    windows_by_site = {s.code: {w.code for w in s.windows} for s in sites}
    for user in users:
        assert user["site_code"] in windows_by_site, user["user_id"]
        if user.get("window_code"):
            assert user["window_code"] in windows_by_site[user["site_code"]], user["user_id"]


# -------------------------------------------------------------------- matters


def test_matter_count_and_unique_codes(matters):
    codes = [m.code for m in matters]
    assert len(matters) >= 24
    assert len(set(codes)) == len(codes)
    names = [m.name for m in matters]
    assert len(set(names)) == len(names)


def test_matter_codes_departments_and_kinds(matters, dept_names):
    for m in matters:
        match = CODE_RE.fullmatch(m.code)
        assert match, m.code
        dept, kind, _serial = match.groups()
        assert dept == m.department_code, m.code
        assert m.department_code in dept_names, m.code
        assert m.department_name == dept_names[m.department_code], m.code
        assert m.kind == KIND_BY_CODE[kind], m.code
        assert m.name and m.legal_basis, m.code
        assert "《" in m.legal_basis, m.code


def test_at_least_six_departments_have_matters(matters):
    assert len({m.department_code for m in matters}) >= 6


def test_enums_are_specified(matters):
    for m in matters:
        assert m.kind != catalog_pb2.MATTER_KIND_UNSPECIFIED, m.code
        assert m.handling_type != catalog_pb2.HANDLING_TYPE_UNSPECIFIED, m.code
        assert m.deciding_level != catalog_pb2.DECIDING_LEVEL_UNSPECIFIED, m.code
        assert m.service_mode != catalog_pb2.SERVICE_MODE_UNSPECIFIED, m.code
        assert m.accepting_levels, m.code
        assert catalog_pb2.SITE_LEVEL_UNSPECIFIED not in m.accepting_levels, m.code
        assert len(set(m.accepting_levels)) == len(m.accepting_levels), m.code


def test_time_limits(matters):
    for m in matters:
        if m.handling_type == INSTANT:
            assert m.legal_limit_days == 0 and m.promised_limit_days == 0, m.code
            assert not (m.deciding_level == DECIDED_BY_COUNTY and m.service_mode == JOINT), m.code
        else:
            assert m.legal_limit_days > 0, m.code
            assert 0 < m.promised_limit_days <= m.legal_limit_days, m.code


def test_service_modes_and_levels(matters):
    for m in matters:
        levels = set(m.accepting_levels)
        if m.deciding_level == DECIDED_BY_TOWNSHIP:
            assert m.service_mode == LOCAL, m.code
            assert TOWNSHIP in levels and COUNTY not in levels, m.code
        elif m.service_mode == JOINT:
            assert TOWNSHIP in levels and levels <= {TOWNSHIP, COUNTY}, m.code
        elif m.service_mode == COUNTY_WIDE:
            assert levels == {COUNTY, TOWNSHIP, VILLAGE}, m.code
        else:
            assert m.service_mode == LOCAL
            assert levels == {COUNTY}, m.code


def test_every_combination_is_represented(matters):
    combos = Counter((m.deciding_level, m.service_mode, m.handling_type) for m in matters)
    assert combos[(DECIDED_BY_TOWNSHIP, LOCAL, INSTANT)] >= 1
    assert combos[(DECIDED_BY_TOWNSHIP, LOCAL, PROMISED)] >= 1
    assert combos[(DECIDED_BY_COUNTY, JOINT, PROMISED)] >= 3
    assert (
        combos[(DECIDED_BY_COUNTY, COUNTY_WIDE, INSTANT)] + combos[(DECIDED_BY_COUNTY, COUNTY_WIDE, PROMISED)]
        >= 3
    )
    assert combos[(DECIDED_BY_COUNTY, LOCAL, INSTANT)] + combos[(DECIDED_BY_COUNTY, LOCAL, PROMISED)] >= 3
    assert {m.kind for m in matters} == set(KIND_BY_CODE.values())


def test_materials(matters):
    has_conditional = False
    for m in matters:
        assert 2 <= len(m.materials) <= 6, m.code
        codes = [mat.code for mat in m.materials]
        assert len(set(codes)) == len(codes), m.code
        assert any(mat.requirement == REQUIRED for mat in m.materials), m.code
        for mat in m.materials:
            where = f"{m.code}/{mat.code}"
            assert MATERIAL_CODE_RE.fullmatch(mat.code), where
            assert mat.name, where
            assert mat.requirement in (REQUIRED, CONDITIONAL), where
            assert mat.form != catalog_pb2.MATERIAL_FORM_UNSPECIFIED, where
            assert mat.copies >= 1, where
            if mat.requirement == CONDITIONAL:
                has_conditional = True
                assert mat.condition, where
            else:
                assert mat.condition == "", where
    assert has_conditional


def test_fees(matters):
    with_fees = [m for m in matters if m.fees]
    assert len(with_fees) >= 2
    for m in with_fees:
        for fee in m.fees:
            assert fee.name and fee.basis, m.code
            assert fee.amount_fen > 0, m.code


def test_special_procedures(matters):
    with_procs = [m for m in matters if m.special_procedures]
    assert len(with_procs) >= 3
    for m in with_procs:
        assert catalog_pb2.SPECIAL_PROCEDURE_UNSPECIFIED not in m.special_procedures, m.code
        assert len(set(m.special_procedures)) == len(m.special_procedures), m.code
        assert m.handling_type == PROMISED, "a paused clock only makes sense for promised matters"
    procs = {p for m in with_procs for p in m.special_procedures}
    assert catalog_pb2.SPECIAL_PROCEDURE_SITE_INSPECTION in procs
    assert catalog_pb2.SPECIAL_PROCEDURE_PUBLIC_NOTICE in procs


def test_every_accepting_level_has_a_site(matters, sites):
    site_levels = {s.level for s in sites}
    for m in matters:
        assert set(m.accepting_levels) <= site_levels, m.code


def test_named_examples_are_present(matters):
    names = {m.name for m in matters}
    for expected in (
        "户口迁移(准迁证)办理",
        "居民身份证申领(受理)",
        "出生登记",
        "最低生活保障申请",
        "结婚登记",
        "农机购置补贴申请",
        "乡村建设规划许可证核发",
        "农村宅基地用地审批",
        "生育登记",
    ):
        assert expected in names


def test_every_county_decided_promised_matter_has_a_valid_review_flow() -> None:
    from services.acceptance.matter_rules import problems

    data = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    departments = {item["code"] for item in data["departments"]}
    matters = [ParseDict(item, catalog_pb2.Matter()) for item in data["matters"]]
    assert [p for m in matters for p in problems(m, departments)] == []
    flows = [m for m in matters if m.review_steps]
    assert {m.code for m in flows} == {
        m.code for m in matters if m.deciding_level == DECIDED_BY_COUNTY and m.handling_type == PROMISED
    }
    # 县乡同办 matters start with the township's initial review (Art. 43).
    joint = [m for m in flows if m.service_mode == catalog_pb2.SERVICE_MODE_JOINT]
    assert all(m.review_steps[0].kind == catalog_pb2.STEP_KIND_INITIAL_REVIEW for m in joint)


def test_a_broken_review_flow_is_named() -> None:
    from services.acceptance.matter_rules import problems

    matter = catalog_pb2.Matter(
        code="320826-ZR-XK-009",
        name="测试事项",
        department_code="ZR",
        kind=catalog_pb2.MATTER_KIND_LICENCE,
        service_mode=catalog_pb2.SERVICE_MODE_JOINT,
        accepting_levels=[TOWNSHIP],
        legal_limit_days=20,
        deciding_level=DECIDED_BY_COUNTY,
        handling_type=PROMISED,
        promised_limit_days=5,
        review_steps=[
            catalog_pb2.ReviewStep(
                name="并联审核",
                kind=catalog_pb2.STEP_KIND_PARALLEL_REVIEW,
                time_limit_days=4,
                department_codes=["ZR", "XX"],
                lead_department_code="ZJ",
            ),
            catalog_pb2.ReviewStep(name="决定", kind=catalog_pb2.STEP_KIND_DECISION, time_limit_days=2),
        ],
    )
    found = problems(matter, {"ZR", "ZJ"})
    assert [(p.field, p.description.split(" / ")[1]) for p in found] == [
        ("matter.review_steps", "the steps' limits exceed the promised limit"),
        ("matter.review_steps[0].role", "role is required"),
        ("matter.review_steps[0].department_codes", "unknown departments ['XX']"),
        ("matter.review_steps[0].lead_department_code", "a lead among them"),
        ("matter.review_steps[1].role", "role is required"),
    ]
