"""The catalogue's file formats, rules and diff, without a server: the demo catalogue survives a
round trip through xlsx and JSON, every problem of a file is placed where a person finds it, and
a diff names what changed in words."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from tongban.acceptance.v1 import catalog_pb2 as C

from services.acceptance import catalogue_file, matter_diff, matter_rules
from services.acceptance.seed import CATALOG_FILE
from services.acceptance.versions import content


def _demo() -> catalogue_file.CatalogueFile:
    return catalogue_file.from_json(CATALOG_FILE.read_bytes())


def test_the_demo_catalogue_survives_xlsx_and_json() -> None:
    demo = _demo()
    demo.check([])
    assert demo.problems == [] and len(demo.matters) == 29
    for write, read in (
        (catalogue_file.to_xlsx, catalogue_file.from_xlsx),
        (catalogue_file.to_json, catalogue_file.from_json),
    ):
        again = read(write(demo.departments, demo.matters, []))
        again.check([])
        assert again.problems == []
        assert again.departments == demo.departments
        assert [content(m) for m in again.matters] == [content(m) for m in demo.matters]


def test_every_problem_of_a_spreadsheet_is_placed_once() -> None:
    demo = _demo()
    book = load_workbook(io.BytesIO(catalogue_file.to_xlsx(demo.departments, demo.matters, [])))
    book["部门"].append(["minzheng", "某部门"])  # not a department code
    book["事项"]["E3"] = "马上办"  # no such handling type
    book["事项"]["B4"] = ""  # a name is required
    book["材料"]["B5"] = book["材料"]["B4"].value  # the same material code twice
    book["收费"]["A2"] = "320826-XX-XK-999"  # a fee of no matter in the file
    out = io.BytesIO()
    book.save(out)
    parsed = catalogue_file.from_xlsx(out.getvalue())
    parsed.check([])
    places = [p.field for p in parsed.problems]
    assert sorted(places) == sorted(
        ["部门!第10行", "事项!E3(办件类型)", "收费!A2(事项编码)", "事项!B4(事项名称)", "材料!B5(材料编码)"]
    ), places
    assert all(" / " in p.description for p in parsed.problems)


def test_a_file_that_is_no_catalogue_is_one_problem() -> None:
    for read in (catalogue_file.from_xlsx, catalogue_file.from_json):
        parsed = read(b"\x00not a file")
        assert [p.field for p in parsed.problems] == ["content"]


def test_rules_report_everything_at_once() -> None:
    matter = C.Matter(
        code="320826-GA-XK-009",
        department_code="MZ",
        handling_type=C.HANDLING_TYPE_PROMISED,
        promised_limit_days=30,
        legal_limit_days=20,
        materials=[
            C.Material(code="M01"),
            C.Material(code="M01", requirement=C.MATERIAL_REQUIREMENT_CONDITIONAL),
        ],
    )
    fields = {p.field for p in matter_rules.problems(matter, {"GA", "MZ"})}
    assert {
        "matter.name",
        "matter.code",
        "matter.kind",
        "matter.accepting_levels",
        "matter.promised_limit_days",
        "matter.materials[1].code",
        "matter.materials[1].condition",
        "matter.materials[0].name",
    } <= fields


def test_a_diff_says_what_changed_and_ignores_the_order_of_materials() -> None:
    before = _demo().matters[2]
    after = C.Matter()
    after.CopyFrom(before)
    after.materials.reverse()
    after.version, after.effective_on = 7, "2026-12-01"
    assert matter_diff.diff(before, after) == []
    after.materials[0].copies = 3
    after.special_procedures.append(C.SPECIAL_PROCEDURE_HEARING)
    lines = matter_diff.text(matter_diff.diff(before, after)).splitlines()
    code = after.materials[0].code
    assert f"~ 申请材料 {code} 份数: 1 → 3" in lines and "+ 特殊环节: 听证" in lines
