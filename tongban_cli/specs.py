"""Argument values a clerk types, turned into contract values (argparse `type=` functions).

Each parser raises `argparse.ArgumentTypeError` with a Chinese sentence, so a bad value is a
usage error (exit code 2) that says what is wrong and how to write it.
"""

from __future__ import annotations

import argparse
from datetime import date

from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

MATERIAL_SPEC_HELP = "编码[:形式[:份数[:问题]]]，例如 M01、M02:copy:2、M03::1:复印件不清晰"

MATERIAL_FORMS: dict[str, catalog_pb2.MaterialForm] = {
    "": catalog_pb2.MATERIAL_FORM_UNSPECIFIED,
    "original": catalog_pb2.MATERIAL_FORM_ORIGINAL,
    "copy": catalog_pb2.MATERIAL_FORM_COPY,
    "both": catalog_pb2.MATERIAL_FORM_ORIGINAL_AND_COPY,
    "原件": catalog_pb2.MATERIAL_FORM_ORIGINAL,
    "复印件": catalog_pb2.MATERIAL_FORM_COPY,
    "原件及复印件": catalog_pb2.MATERIAL_FORM_ORIGINAL_AND_COPY,
}
_MAX_COPIES = 99

CASE_STATES: dict[str, acceptance_pb2.CaseState] = {
    "received": acceptance_pb2.CASE_STATE_RECEIVED,
    "supplement_requested": acceptance_pb2.CASE_STATE_SUPPLEMENT_REQUESTED,
    "not_accepted": acceptance_pb2.CASE_STATE_NOT_ACCEPTED,
    "accepted": acceptance_pb2.CASE_STATE_ACCEPTED,
    "decided": acceptance_pb2.CASE_STATE_DECIDED,
    "completed": acceptance_pb2.CASE_STATE_COMPLETED,
    "result_issued": acceptance_pb2.CASE_STATE_RESULT_ISSUED,
    "withdrawn": acceptance_pb2.CASE_STATE_WITHDRAWN,
    "收件": acceptance_pb2.CASE_STATE_RECEIVED,
    "待补正": acceptance_pb2.CASE_STATE_SUPPLEMENT_REQUESTED,
    "一次性告知": acceptance_pb2.CASE_STATE_SUPPLEMENT_REQUESTED,
    "不予受理": acceptance_pb2.CASE_STATE_NOT_ACCEPTED,
    "已受理": acceptance_pb2.CASE_STATE_ACCEPTED,
    "受理": acceptance_pb2.CASE_STATE_ACCEPTED,
    "已决定": acceptance_pb2.CASE_STATE_DECIDED,
    "已办结": acceptance_pb2.CASE_STATE_COMPLETED,
    "办结": acceptance_pb2.CASE_STATE_COMPLETED,
    "已出件": acceptance_pb2.CASE_STATE_RESULT_ISSUED,
    "出件": acceptance_pb2.CASE_STATE_RESULT_ISSUED,
    "已撤回": acceptance_pb2.CASE_STATE_WITHDRAWN,
    "撤回": acceptance_pb2.CASE_STATE_WITHDRAWN,
}


def parse_material(spec: str) -> acceptance_pb2.ProvidedMaterial:
    """`code[:form[:copies[:defect]]]`; an empty form or copies means what the matter asks for."""
    parts = spec.split(":", 3)
    code = parts[0].strip()
    if not code or any(c.isspace() for c in code):
        raise argparse.ArgumentTypeError(
            f"材料“{spec}”写法有误：缺少材料编码或编码中有空格。格式为 {MATERIAL_SPEC_HELP}"
        )
    form_text = parts[1].strip() if len(parts) > 1 else ""
    form = MATERIAL_FORMS.get(form_text.lower())
    if form is None:
        raise argparse.ArgumentTypeError(
            f"材料“{spec}”写法有误：形式“{form_text}”不认识，只能是 original(原件)、"
            "copy(复印件) 或 both(原件及复印件)，或留空"
        )
    copies_text = parts[2].strip() if len(parts) > 2 else ""
    copies = 0
    if copies_text:
        if not copies_text.isascii() or not copies_text.isdigit():
            raise argparse.ArgumentTypeError(
                f"材料“{spec}”写法有误：份数“{copies_text}”应为 0 到 {_MAX_COPIES} 的整数"
                "（0 或留空表示按事项要求）"
            )
        copies = int(copies_text)
        if copies > _MAX_COPIES:
            raise argparse.ArgumentTypeError(f"材料“{spec}”写法有误：份数不能超过 {_MAX_COPIES}")
    defect = parts[3].strip() if len(parts) > 3 else ""
    return acceptance_pb2.ProvidedMaterial(material_code=code, form=form, copies=copies, defect=defect)


def parse_state(text: str) -> acceptance_pb2.CaseState:
    key = text.strip().lower().removeprefix("case_state_")
    state = CASE_STATES.get(key)
    if state is None:
        raise argparse.ArgumentTypeError(
            f"办件状态“{text}”不认识，可用：收件、待补正、不予受理、已受理、已决定、已办结、"
            "已出件、已撤回（或 received、supplement_requested、not_accepted、accepted、"
            "decided、completed、result_issued、withdrawn）"
        )
    return state


def parse_date(text: str) -> str:
    """A calendar date as YYYY-MM-DD (the contract's date format)."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”写法有误，应为 YYYY-MM-DD，例如 2026-11-27") from None


def parse_page_size(text: str) -> int:
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 100:
        return int(text)
    raise argparse.ArgumentTypeError(f"每页条数“{text}”应为 1 到 100 的整数")


def parse_hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        hours = 0.0
    if not 0 < hours <= 24 * 30:
        raise argparse.ArgumentTypeError(f"有效时长“{text}”应为大于 0、不超过 720 的小时数")
    return hours
