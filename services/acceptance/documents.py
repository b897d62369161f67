"""The documents a window prints: acceptance receipt, one-time notice, notice of non-acceptance.

Rendered once, when issued, and stored: a reprint returns the stored text, so it is
identical to the original even if the catalogue or templates change later.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from services.common import labels
from services.common.identifiers import mask_phone, mask_resident_id


@dataclass(frozen=True)
class DocumentFacts:
    kind: int
    number: str
    issued_on: date
    site_name: str
    window_name: str
    case_no: str
    matter: catalog_pb2.Matter
    applicant: acceptance_pb2.Applicant
    received_on: date
    accepted_on: date | None = None
    promised_date: date | None = None
    issues: Sequence[acceptance_pb2.MaterialIssue] = field(default_factory=list)
    notice_count: int = 0
    reason: str = ""
    competent_agency: str = ""


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str
    sha256: str


def _day(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _applicant_lines(a: acceptance_pb2.Applicant) -> list[tuple[str, str]]:
    person = a.kind == acceptance_pb2.APPLICANT_KIND_PERSON
    return [
        ("申请人", a.name),
        ("证件号码", mask_resident_id(a.id_number) if person else a.id_number),
        ("联系电话", mask_phone(a.phone)),
    ]


def _fees(matter: catalog_pb2.Matter) -> str:
    if not matter.fees:
        return "不收费"
    return "; ".join(f"{fee.name} {fee.amount_fen / 100:.2f}元" for fee in matter.fees)


def _body(facts: DocumentFacts) -> tuple[list[tuple[str, str]], list[str]]:
    """Labelled fields and free paragraphs of the document."""
    fields = [
        ("办件编号", facts.case_no),
        *_applicant_lines(facts.applicant),
        ("申请事项", f"{facts.matter.name}({facts.matter.code})"),
        ("收件日期", _day(facts.received_on)),
    ]
    paragraphs: list[str] = []
    if facts.kind == acceptance_pb2.DOCUMENT_KIND_ACCEPTANCE_RECEIPT:
        fields += [("受理日期", _day(facts.accepted_on))]
        if facts.matter.handling_type == catalog_pb2.HANDLING_TYPE_INSTANT:
            paragraphs.append("本事项为即办件, 当场办结。")
        else:
            fields += [
                ("承诺时限", f"{facts.matter.promised_limit_days}个工作日"),
                ("承诺办结日期", _day(facts.promised_date)),
            ]
            paragraphs.append(
                "您的申请材料齐全、符合法定形式, 予以受理。承诺时限按工作日计算, 自受理次日起算; "
                "听证、检验检测、现场踏勘、公告、专家论证所需时间不计入时限。"
            )
        fields += [("收费", _fees(facts.matter))]
    elif facts.kind == acceptance_pb2.DOCUMENT_KIND_ONE_TIME_NOTICE:
        ordinal = "" if facts.notice_count <= 1 else f"(第{facts.notice_count}次, 因出现新情况)"
        paragraphs.append(
            f"您提交的申请材料不齐全或不符合法定形式{ordinal}, 请一次性补正以下全部材料后再次提交"
            "(《中华人民共和国行政许可法》第三十二条):"
        )
        paragraphs += [
            f"{i}. {issue.material_name}: {issue.detail}" for i, issue in enumerate(facts.issues, 1)
        ]
    else:
        fields += [("不予受理理由", facts.reason), ("请向以下机关申请", facts.competent_agency)]
        paragraphs.append("如对本决定不服, 可依法申请行政复议或提起行政诉讼。")
    return fields, paragraphs


def render(facts: DocumentFacts) -> Rendered:
    title = labels.zh(acceptance_pb2.DocumentKind, facts.kind)
    fields, paragraphs = _body(facts)
    footer = [("受理窗口", f"{facts.site_name} {facts.window_name}"), ("日期", _day(facts.issued_on))]
    width = max(len(label) for label, _ in fields + footer)
    lines = [title.center(30), f"编号: {facts.number}", ""]
    lines += [f"{label.ljust(width, '　')}: {value}" for label, value in fields]
    lines += ["", *paragraphs, ""]
    lines += [f"{label.ljust(width, '　')}: {value}" for label, value in footer]
    text = "\n".join(lines) + "\n"

    def rows(items: list[tuple[str, str]]) -> str:
        return "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in items)

    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} {html.escape(facts.number)}</title>"
        "<style>body{font-family:serif;max-width:40em;margin:2em auto}th{text-align:left;"
        "padding-right:1em;white-space:nowrap}@media print{body{margin:0}}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>编号: {html.escape(facts.number)}</p>"
        f"<table>{rows(fields)}</table>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        + f"<table>{rows(footer)}</table></body></html>\n"
    )
    digest = hashlib.sha256((text + page).encode()).hexdigest()
    return Rendered(text=text, html=page, sha256=digest)
