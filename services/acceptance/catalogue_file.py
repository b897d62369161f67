"""The whole catalogue as a file: JSON (the seed's shape) and the xlsx a county office edits.

Reading collects every problem with where it is (sheet, row and column for a spreadsheet, the
JSON path for a file) and never stops at the first; the rules of a matter are checked by
services.acceptance.matter_rules, those of an extension decision by
services.acceptance.extension_decisions, their field paths translated back to the cell they came
from.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from google.protobuf import json_format
from google.protobuf.descriptor import EnumDescriptor
from openpyxl import Workbook, load_workbook
from tongban.acceptance.v1 import catalog_admin_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C
from tongban.access.v1 import access_pb2

from services.acceptance import extension_decisions, matter_rules
from services.common import labels, validation
from services.common.errors import FieldProblem

SEPARATOR = "、"
# The department's columns (services.acceptance.models.DepartmentRow) and the code the matters use.
_DEPARTMENT_CODE = re.compile(r"[A-Z]{2,6}")
_DEPARTMENT_NAME_LENGTH = 100


@dataclass
class CatalogueFile:
    departments: dict[str, str] = field(default_factory=dict)
    matters: list[C.Matter] = field(default_factory=list)
    # Extension decisions, as exported (matter_name and changed_by are not read back).
    extensions: list[A.Extension] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)
    # Field path ("matters[3].materials[1].code", "extensions[0].site_code") -> where a person
    # finds it.
    places: dict[str, str] = field(default_factory=dict)

    def check(self, known_departments: Iterable[str]) -> None:
        """Add the catalogue rules' problems of every matter, placed where they were written."""
        departments = set(known_departments) | set(self.departments)
        # One problem per place: a cell that could not be read is not reported again for what
        # its emptiness then breaks.
        placed = {problem.field for problem in self.problems}
        seen: set[str] = set()
        for i, matter in enumerate(self.matters):
            prefix = f"matters[{i}]."
            found = validation.problems(matter, prefix) + matter_rules.problems(matter, departments, prefix)
            if matter.code in seen:
                found.insert(0, FieldProblem(prefix + "code", "事项编码重复 / listed twice"))
            seen.add(matter.code)
            # The input limits a draft's request would be held to, then the catalogue's rules.
            for problem in found:
                place = self._place(problem.field)
                if place not in placed:
                    placed.add(place)
                    self.problems.append(FieldProblem(place, problem.description))

    def check_extensions(
        self, *, today: date, matters: set[str], sites: set[str], recorded: set[extension_decisions.Key]
    ) -> list[A.ChangeExtensionRequest]:
        """The file's decisions not yet on record, each checked as ChangeExtension checks one
        (a decision already recorded is left as it is, past dates and all); problems placed."""
        placed = {problem.field for problem in self.problems}
        fresh: list[A.ChangeExtensionRequest] = []
        seen: set[extension_decisions.Key] = set()
        for i, extension in enumerate(self.extensions):
            prefix = f"extensions[{i}]."
            decision = extension_decisions.as_request(extension)
            key = extension_decisions.key(decision)
            if key in recorded:
                continue
            found = validation.problems(decision, prefix) + extension_decisions.problems(
                decision,
                today=today,
                matter_known=decision.matter_code in matters,
                site_known=decision.site_code in sites,
                prefix=prefix,
            )
            if key in seen:
                found.insert(0, FieldProblem(prefix + "matter_code", "延伸决定重复 / listed twice"))
            seen.add(key)
            for problem in found:
                place = self._place(problem.field)
                if place not in placed:
                    placed.add(place)
                    self.problems.append(FieldProblem(place, problem.description))
            if not found:
                fresh.append(decision)
        return fresh

    def department(self, code: str, name: str, place: str) -> None:
        """A department of the file, if its code and name fit the catalogue's columns."""
        if not _DEPARTMENT_CODE.fullmatch(code):
            self.problems.append(
                FieldProblem(place, "部门编码应为2至6个大写字母 / code: 2-6 capitals, e.g. GA")
            )
        elif not name.strip() or len(name) > _DEPARTMENT_NAME_LENGTH:
            self.problems.append(FieldProblem(place, "部门名称必填, 至多100字 / name: 1-100 characters"))
        else:
            self.departments[code] = name.strip()

    def _place(self, path: str) -> str:
        # The most precise place known: the field, else its item, else the matter.
        candidates = [
            path,
            re.sub(r"\.[a-z_]+$", "", path),
            re.sub(r"^((matters|extensions)\[\d+\]).*", r"\1", path),
        ]
        return next((self.places[c] for c in candidates if c in self.places), path)


# ----- JSON -----


def to_json(
    departments: dict[str, str], matters: Sequence[C.Matter], extensions: Sequence[A.Extension]
) -> bytes:
    def plain(message: Any) -> dict[str, Any]:
        found: dict[str, Any] = json_format.MessageToDict(message, preserving_proto_field_name=True)
        return found

    data = {
        "departments": [{"code": code, "name": name} for code, name in sorted(departments.items())],
        "matters": [plain(m) for m in matters],
        "extensions": [plain(e) for e in extensions],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def from_json(content: bytes) -> CatalogueFile:
    found = CatalogueFile()
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        found.problems.append(
            FieldProblem("content", f"不是有效的 JSON / not valid JSON: line {_line(error)}")
        )
        return found
    if not isinstance(data, dict) or not isinstance(data.get("matters"), list):
        found.problems.append(FieldProblem("content", "缺少 matters 列表 / a list of matters is required"))
        return found
    for i, item in enumerate(data.get("departments") or []):
        entry = item if isinstance(item, dict) else {}
        found.department(str(entry.get("code") or ""), str(entry.get("name") or ""), f"departments[{i}]")
    # A file without decisions (the seed's shape before them) records none.
    extensions = data.get("extensions", [])
    if extensions is None:
        extensions = []
    if not isinstance(extensions, list):
        found.problems.append(FieldProblem("extensions", "应为列表 / a list of decisions"))
        extensions = []
    for i, item in enumerate(data["matters"]):
        found.matters.append(_parsed(found, f"matters[{i}]", item, C.Matter()))
    for i, item in enumerate(extensions):
        # An exported decision's matter_name and changed_by are read, and not used.
        found.extensions.append(_parsed(found, f"extensions[{i}]", item, A.Extension()))
    return found


M = TypeVar("M", C.Matter, A.Extension)


def _parsed(found: CatalogueFile, path: str, item: Any, empty: M) -> M:
    """The item as a message; an empty one, and one problem for the whole item, if unreadable.
    A readable item's problems are named by their field's path."""
    try:
        if not isinstance(item, dict):
            raise json_format.ParseError("an object is required")
        return json_format.ParseDict(item, empty)
    except json_format.ParseError as error:
        # What an empty item then breaks is not reported again: it is all at this one place.
        found.places[path] = path
        found.problems.append(FieldProblem(path, f"无法读取 / unreadable: {str(error)[:200]}"))
        return type(empty)()


def _line(error: Exception) -> int:
    return int(getattr(error, "lineno", 0) or 0)


# ----- xlsx -----


@dataclass(frozen=True)
class Column:
    header: str
    # The field of the row's message (matter, material, step or fee).
    name: str
    # An enum column holds the value's Chinese label.
    enum: EnumDescriptor | None = None
    repeated: bool = False


_MATTER_COLUMNS = (
    Column("事项编码", "code"),
    Column("事项名称", "name"),
    Column("部门编码", "department_code"),
    Column("事项类型", "kind", C.MatterKind.DESCRIPTOR),
    Column("办件类型", "handling_type", C.HandlingType.DESCRIPTOR),
    Column("法定时限", "legal_limit_days"),
    Column("承诺时限", "promised_limit_days"),
    Column("受理层级", "accepting_levels", C.SiteLevel.DESCRIPTOR, repeated=True),
    Column("审批层级", "deciding_level", C.DecidingLevel.DESCRIPTOR),
    Column("服务模式", "service_mode", C.ServiceMode.DESCRIPTOR),
    Column("特殊环节", "special_procedures", C.SpecialProcedure.DESCRIPTOR, repeated=True),
    Column("设定依据", "legal_basis"),
)
_MATERIAL_COLUMNS = (
    Column("材料编码", "code"),
    Column("材料名称", "name"),
    Column("材料要求", "requirement", C.MaterialRequirement.DESCRIPTOR),
    Column("提交情形", "condition"),
    Column("材料形式", "form", C.MaterialForm.DESCRIPTOR),
    Column("份数", "copies"),
)
_STEP_COLUMNS = (
    Column("环节名称", "name"),
    Column("环节类型", "kind", C.StepKind.DESCRIPTOR),
    Column("办理角色", "role", access_pb2.Role.DESCRIPTOR),
    Column("环节时限", "time_limit_days"),
    Column("办理部门", "department_codes", repeated=True),
    Column("牵头部门", "lead_department_code"),
)
_FEE_COLUMNS = (Column("收费项目", "name"), Column("金额(分)", "amount_fen"), Column("收费依据", "basis"))
# Sheet name, the matter's repeated field its rows fill ("" for the matters), its columns.
_SHEETS: tuple[tuple[str, str, tuple[Column, ...]], ...] = (
    ("事项", "", _MATTER_COLUMNS),
    ("材料", "materials", _MATERIAL_COLUMNS),
    ("审查环节", "review_steps", _STEP_COLUMNS),
    ("收费", "fees", _FEE_COLUMNS),
)
DEPARTMENTS_SHEET = "部门"
EXTENSIONS_SHEET = "延伸"
# One decision a row; a file without the sheet records none (older exports had it for reading).
_EXTENSION_COLUMNS = (
    Column("事项编码", "matter_code"),
    Column("站点层级", "site_level", C.SiteLevel.DESCRIPTOR),
    Column("站点编码", "site_code"),
    Column("调整", "action", A.ExtensionAction.DESCRIPTOR),
    Column("生效日期", "effective_on"),
    Column("决定文号", "document_number"),
    Column("文件日期", "document_date"),
)


def _cell(column: Column, value: Any) -> Any:
    if column.repeated:
        return SEPARATOR.join(str(_cell(Column("", "", column.enum), v)) for v in value)
    if column.enum is not None:
        return labels.zh(column.enum, int(value))
    return value


def to_xlsx(
    departments: dict[str, str], matters: Sequence[C.Matter], extensions: Sequence[A.Extension]
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = DEPARTMENTS_SHEET
    sheet.append(["部门编码", "部门名称"])
    for code, name in sorted(departments.items()):
        sheet.append([code, name])
    for title, repeated, columns in _SHEETS:
        sheet = book.create_sheet(title)
        sheet.append((["事项编码"] if repeated else []) + [c.header for c in columns])
        for matter in matters:
            items: list[Any] = list(getattr(matter, repeated)) if repeated else [matter]
            for item in items:
                sheet.append(
                    ([matter.code] if repeated else []) + [_cell(c, getattr(item, c.name)) for c in columns]
                )
    sheet = book.create_sheet(EXTENSIONS_SHEET)
    sheet.append([c.header for c in _EXTENSION_COLUMNS])
    for e in extensions:
        sheet.append([_cell(c, getattr(e, c.name)) for c in _EXTENSION_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(column: Column, raw: Any, problem: Callable[[str], None]) -> Any:
    """The cell as the field's value; a problem (and None) when it cannot be one."""
    # A date typed into Excel comes back as a date, not as the text the file was exported with.
    if isinstance(raw, datetime):
        raw = raw.date()
    text = "" if raw is None else raw.isoformat() if isinstance(raw, date) else str(raw).strip()
    if column.repeated:
        parts = [p.strip() for p in re.split(r"[、,，]", text) if p.strip()]
        values = [_value(Column("", "", column.enum), p, problem) for p in parts]
        return None if None in values else values
    if column.enum is not None:
        if not text:
            return 0
        number = labels.by_text(column.enum).get(text) or labels.by_text(column.enum).get(text.lower())
        if not number:
            choices = SEPARATOR.join(label.zh for label in labels.labels(column.enum).values())
            problem(f"应为 {choices} 之一 / not one of the allowed values")
            return None
        return number
    if column.name.endswith(("_days", "copies", "amount_fen")):
        return _whole_number(text, problem)
    return text


def _whole_number(text: str, problem: Callable[[str], None]) -> int | None:
    """A cell's whole number; its bounds are the field's input limits, checked with the rest."""
    if not text:
        return 0
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not 0 <= number < _LARGEST or number != int(number):
        problem("应为非负整数 / a whole number, 0 or more")
        return None
    return int(number)


# Past every field's limit, yet within the 32-bit fields: a bigger cell is refused by its limit.
_LARGEST = 2**31


def from_xlsx(content: bytes) -> CatalogueFile:
    found = CatalogueFile()
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is no workbook
        found.problems.append(FieldProblem("content", "不是有效的 xlsx 文件 / not a valid xlsx workbook"))
        return found
    names = set(book.sheetnames)
    for title in [DEPARTMENTS_SHEET, *(s[0] for s in _SHEETS)]:
        if title not in names:
            found.problems.append(
                FieldProblem(f"{title}", f"缺少工作表「{title}」/ sheet {title} is missing")
            )
    if found.problems:
        return found
    for row_no, row in _rows(book[DEPARTMENTS_SHEET]):
        code, name = (str(v).strip() if v is not None else "" for v in ([*list(row), None, None])[:2])
        found.department(code, name, f"{DEPARTMENTS_SHEET}!第{row_no}行")
    index: dict[str, int] = {}
    for title, repeated, columns in _SHEETS:
        sheet = book[title]
        headers = _headers(sheet)
        wanted = (["事项编码"] if repeated else []) + [c.header for c in columns]
        missing = [h for h in wanted if h not in headers]
        if missing:
            found.problems.append(FieldProblem(title, f"缺少列 / missing columns: {SEPARATOR.join(missing)}"))
            continue
        for row_no, row in _rows(sheet):
            cells = dict(zip(headers, row, strict=False))
            _read_row(found, index, title, repeated, columns, headers, row_no, cells)
    if EXTENSIONS_SHEET in names:
        _read_extensions(found, book[EXTENSIONS_SHEET])
    return found


def _headers(sheet: Any) -> list[str]:
    first = next(sheet.iter_rows(max_row=1, values_only=True), ())
    return [str(v).strip() if v is not None else "" for v in first]


def _read_extensions(found: CatalogueFile, sheet: Any) -> None:
    headers = _headers(sheet)
    missing = [c.header for c in _EXTENSION_COLUMNS if c.header not in headers]
    if missing:
        found.problems.append(
            FieldProblem(EXTENSIONS_SHEET, f"缺少列 / missing columns: {SEPARATOR.join(missing)}")
        )
        return
    for row_no, row in _rows(sheet):
        cells = dict(zip(headers, row, strict=False))
        path = f"extensions[{len(found.extensions)}]"
        found.places[path] = f"{EXTENSIONS_SHEET}!第{row_no}行"
        item = A.Extension()
        found.extensions.append(item)
        for column in _EXTENSION_COLUMNS:
            place = f"{EXTENSIONS_SHEET}!{_column_letter(headers, column.header)}{row_no}({column.header})"
            found.places[f"{path}.{column.name}"] = place

            def problem(text: str, place: str = place) -> None:
                found.problems.append(FieldProblem(place, text))

            value = _value(column, cells.get(column.header), problem)
            if value is not None:
                setattr(item, column.name, value)


def _rows(sheet: Any) -> Iterable[tuple[int, tuple[Any, ...]]]:
    for row_no, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if any(v is not None and str(v).strip() for v in row):
            yield row_no, tuple(row)


def _column_letter(headers: list[str], header: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(headers.index(header) + 1)


def _read_row(
    found: CatalogueFile,
    index: dict[str, int],
    title: str,
    repeated: str,
    columns: tuple[Column, ...],
    headers: list[str],
    row_no: int,
    cells: dict[str, Any],
) -> None:
    def where(header: str) -> str:
        return f"{title}!{_column_letter(headers, header)}{row_no}({header})"

    code = str(cells.get("事项编码") or "").strip()
    if repeated:
        if code not in index:
            found.problems.append(
                FieldProblem(where("事项编码"), "事项表中没有此事项 / no such matter in 事项")
            )
            return
        matter = found.matters[index[code]]
        item = getattr(matter, repeated).add()
        path = f"matters[{index[code]}].{repeated}[{len(getattr(matter, repeated)) - 1}]"
    else:
        if code:
            # A repeated code is reported by the rules' check; its items go to the first.
            index.setdefault(code, len(found.matters))
        item = C.Matter()
        found.matters.append(item)
        path = f"matters[{len(found.matters) - 1}]"
    found.places[path] = f"{title}!第{row_no}行"
    for column in columns:
        place = where(column.header)
        found.places[f"{path}.{column.name}"] = place

        def problem(text: str, place: str = place) -> None:
            found.problems.append(FieldProblem(place, text))

        value = _value(column, cells.get(column.header), problem)
        if value is None:
            continue
        if column.repeated:
            getattr(item, column.name).extend(value)
        else:
            setattr(item, column.name, value)
