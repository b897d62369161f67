"""The catalogue's file formats, rules and diff, without a server: the demo catalogue survives a
round trip through xlsx and JSON, every problem of a file is placed where a person finds it, and
a diff names what changed in words."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook
from tongban.acceptance.v1 import catalog_admin_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C

from services.acceptance import catalogue_file, matter_diff, matter_rules
from services.acceptance.extension_decisions import key
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


def _checked(parsed: catalogue_file.CatalogueFile, **known: object) -> list[A.ChangeExtensionRequest]:
    parsed.check([])
    return parsed.check_extensions(
        today=known.get("today", date(2026, 1, 1)),  # type: ignore[arg-type]
        matters={m.code for m in parsed.matters},
        sites={"320826101"},
        recorded=known.get("recorded", set()),  # type: ignore[arg-type]
    )


def test_extension_decisions_survive_xlsx_and_json() -> None:
    demo = _demo()
    assert len(demo.extensions) == 26 and _checked(demo) and demo.problems == []
    decisions = [
        *demo.extensions,
        A.Extension(
            matter_code="320826-ZJ-XK-001",
            site_code="320826101",
            action=A.EXTENSION_ACTION_WITHDRAW,
            effective_on="2026-03-01",
            document_number="涟政办发〔2026〕9号",
            document_date="2026-02-20",
        ),
    ]
    for write, read in (
        (catalogue_file.to_xlsx, catalogue_file.from_xlsx),
        (catalogue_file.to_json, catalogue_file.from_json),
    ):
        again = read(write(demo.departments, demo.matters, decisions))
        fresh = _checked(again)
        assert again.problems == [] and [key(d) for d in fresh] == [key(d) for d in decisions]
        # Decisions already on record are left as they are, past dates and all.
        later = read(write(demo.departments, demo.matters, decisions))
        recorded = {key(d) for d in decisions}
        assert _checked(later, today=date(2026, 9, 28), recorded=recorded) == []
        assert later.problems == []


def test_a_date_typed_into_excel_is_read_as_the_day() -> None:
    demo = _demo()
    book = load_workbook(io.BytesIO(catalogue_file.to_xlsx(demo.departments, demo.matters, demo.extensions)))
    book["延伸"]["E2"] = datetime(2026, 2, 1)
    book["延伸"]["G2"] = date(2026, 1, 20)
    out = io.BytesIO()
    book.save(out)
    parsed = catalogue_file.from_xlsx(out.getvalue())
    _checked(parsed)
    assert parsed.problems == []
    assert (parsed.extensions[0].effective_on, parsed.extensions[0].document_date) == (
        "2026-02-01",
        "2026-01-20",
    )


def test_every_problem_of_a_decision_is_placed_by_sheet_row_and_column() -> None:
    demo = _demo()
    book = load_workbook(io.BytesIO(catalogue_file.to_xlsx(demo.departments, demo.matters, demo.extensions)))
    sheet = book["延伸"]
    sheet["A2"] = "320826-XX-XK-999"  # no such matter
    sheet["C3"] = "320826999"  # a level and a site, and no such site
    sheet["D4"] = "撤销"  # no such action
    sheet["E5"] = "2025-12-31"  # before the day of the import
    sheet["G6"] = "2026-02-30"  # no such day
    sheet["F7"] = ""  # the decision's number is required
    out = io.BytesIO()
    book.save(out)
    parsed = catalogue_file.from_xlsx(out.getvalue())
    assert _checked(parsed) and sorted(p.field for p in parsed.problems) == sorted(
        [
            "延伸!A2(事项编码)",
            "延伸!C3(站点编码)",
            "延伸!D4(调整)",
            "延伸!E5(生效日期)",
            "延伸!G6(文件日期)",
            "延伸!F7(决定文号)",
        ]
    ), [(p.field, p.description) for p in parsed.problems]
    json_file = catalogue_file.from_json(
        catalogue_file.to_json(demo.departments, demo.matters, [*demo.extensions[:1], *demo.extensions[:1]])
    )
    _checked(json_file)
    assert [p.field for p in json_file.problems] == ["extensions[1].matter_code"]


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
