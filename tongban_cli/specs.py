"""Argument values a clerk types, turned into contract values (argparse `type=` functions).

Each parser raises `argparse.ArgumentTypeError` with a Chinese sentence, so a bad value is a
usage error (exit code 2) that says what is wrong and how to write it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TypeVar, cast

from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.approval.v1 import approval_pb2
from tongban.supervision.v1 import supervision_pb2

from services.common import labels
from services.common.labels import EnumType
from tongban_cli.render.supervision import EVENT_TYPE_NAMES, short_type

MATERIAL_SPEC_HELP = "编码[:形式[:份数[:问题]]]，例如 M01、M02:copy:2、M03::1:复印件不清晰"

_MAX_COPIES = 99
# A sanity bound only: the approval service applies the real limit and says so.
_MAX_PLANNED_DAYS = 999

_E = TypeVar("_E", bound=int)


def choices(enum_type: type[_E], aliases: Mapping[str, _E] | None = None) -> dict[str, _E]:
    """What a person may type for an enum: its labels and names from the protos, lower case
    (services/common/labels.py), plus the extra words clerks use for the same values."""
    found = {text: cast(_E, value) for text, value in labels.by_text(cast(EnumType, enum_type)).items()}
    return {**found, **(aliases or {})}


def choice_help(enum_type: EnumType, values: Iterable[int] | None = None) -> str:
    """hearing(听证)、site-inspection(现场踏勘)…: the words to type, from the protos."""
    numbers = list(values) if values is not None else list(labels.labels(enum_type))
    return "、".join(
        f"{labels.short_name(enum_type, v).replace('_', '-')}({labels.zh(enum_type, v)})" for v in numbers
    )


# Forms of a provided material: original, copy, both (the short word the help shows), or Chinese.
MATERIAL_FORMS = choices(
    catalog_pb2.MaterialForm,
    {"": catalog_pb2.MATERIAL_FORM_UNSPECIFIED, "both": catalog_pb2.MATERIAL_FORM_ORIGINAL_AND_COPY},
)
# `tongban case list --state`: the label (已受理), the name (accepted) or a clerk's short word.
CASE_STATES = choices(
    acceptance_pb2.CaseState,
    {
        "待补正": acceptance_pb2.CASE_STATE_SUPPLEMENT_REQUESTED,
        "一次性告知": acceptance_pb2.CASE_STATE_SUPPLEMENT_REQUESTED,
        "受理": acceptance_pb2.CASE_STATE_ACCEPTED,
        "办结": acceptance_pb2.CASE_STATE_COMPLETED,
        "出件": acceptance_pb2.CASE_STATE_RESULT_ISSUED,
        "撤回": acceptance_pb2.CASE_STATE_WITHDRAWN,
        "退回补正": acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT,
        "审查退回补正": acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT,
    },
)
# `tongban review inbox --scope`.
INBOX_SCOPES = choices(approval_pb2.InboxScope)
# `tongban review pause --procedure` (行政许可法 Art. 45); the older words are still understood.
PROCEDURES = choices(
    catalog_pb2.SpecialProcedure,
    {
        "公告公示": catalog_pb2.SPECIAL_PROCEDURE_PUBLIC_NOTICE,
        "专家评审": catalog_pb2.SPECIAL_PROCEDURE_EXPERT_REVIEW,
    },
)
# `tongban review decide CASE_NO grant|refuse`: the verbs, beside the labels 准予许可/不予许可.
OUTCOMES = choices(
    approval_pb2.DecisionOutcome,
    {
        "grant": approval_pb2.DECISION_OUTCOME_GRANTED,
        "refuse": approval_pb2.DECISION_OUTCOME_REFUSED,
        "准予": approval_pb2.DECISION_OUTCOME_GRANTED,
        "不予": approval_pb2.DECISION_OUTCOME_REFUSED,
    },
)

# The words the help and the refusals show, from the same labels.
_STATES = labels.labels(acceptance_pb2.CaseState)
STATE_HELP = (
    "、".join(label.zh for label in _STATES.values())
    + f"（或 {'、'.join(labels.short_name(acceptance_pb2.CaseState, v) for v in _STATES)}）"
)
SCOPE_HELP = choice_help(approval_pb2.InboxScope)
PROCEDURE_HELP = choice_help(catalog_pb2.SpecialProcedure)
OUTCOME_HELP = (
    f"grant({labels.zh(approval_pb2.DecisionOutcome, approval_pb2.DECISION_OUTCOME_GRANTED)}) 或 "
    f"refuse({labels.zh(approval_pb2.DecisionOutcome, approval_pb2.DECISION_OUTCOME_REFUSED)})"
)
_FORMS = [catalog_pb2.MATERIAL_FORM_ORIGINAL, catalog_pb2.MATERIAL_FORM_COPY]
_FORM_HELP = (
    choice_help(catalog_pb2.MaterialForm, _FORMS)
    + f" 或 both({labels.zh(catalog_pb2.MaterialForm, catalog_pb2.MATERIAL_FORM_ORIGINAL_AND_COPY)})"
)


def parse_material(spec: str) -> acceptance_pb2.ProvidedMaterial:
    """`code[:form[:copies[:defect]]]`; an empty form or copies means what the matter asks for."""
    parts = spec.split(":", 3)
    code = parts[0].strip()
    if not code or any(c.isspace() for c in code):
        raise argparse.ArgumentTypeError(
            f"材料“{spec}”写法有误：缺少材料编码或编码中有空格。格式为 {MATERIAL_SPEC_HELP}"
        )
    form_text = parts[1].strip() if len(parts) > 1 else ""
    form = MATERIAL_FORMS.get(_key(form_text))
    if form is None:
        raise argparse.ArgumentTypeError(
            f"材料“{spec}”写法有误：形式“{form_text}”不认识，只能是 {_FORM_HELP}，或留空"
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


def _key(text: str) -> str:
    """site-inspection, Site_Inspection and site_inspection are the same word."""
    return text.strip().lower().replace("-", "_")


def parse_state(text: str) -> acceptance_pb2.CaseState:
    state = CASE_STATES.get(_key(text))
    if state is None:
        raise argparse.ArgumentTypeError(f"办件状态“{text}”不认识，可用：{STATE_HELP}")
    return state


def parse_scope(text: str) -> approval_pb2.InboxScope:
    scope = INBOX_SCOPES.get(_key(text))
    if scope is None:
        raise argparse.ArgumentTypeError(f"待办范围“{text}”不认识，可用：{SCOPE_HELP}")
    return scope


def parse_procedure(text: str) -> catalog_pb2.SpecialProcedure:
    procedure = PROCEDURES.get(_key(text))
    if procedure is None:
        raise argparse.ArgumentTypeError(f"特殊环节“{text}”不认识，可用：{PROCEDURE_HELP}")
    return procedure


def parse_outcome(text: str) -> approval_pb2.DecisionOutcome:
    outcome = OUTCOMES.get(_key(text))
    if outcome is None:
        raise argparse.ArgumentTypeError(f"决定“{text}”不认识，只能是 {OUTCOME_HELP}")
    return outcome


def _positive(text: str) -> int | None:
    text = text.strip()
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    return None


def parse_step_number(text: str) -> int:
    """A step's number within its case, as `tongban review show` prints it (#2); the # may be typed."""
    number = _positive(text.strip().removeprefix("#"))
    if number is None:
        raise argparse.ArgumentTypeError(
            f"环节号“{text}”应为正整数，即 tongban review show 列出的 # 后面的数字"
        )
    return number


def parse_days(text: str) -> int:
    days = _positive(text)
    if days is None or days > _MAX_PLANNED_DAYS:
        raise argparse.ArgumentTypeError(f"计划天数“{text}”应为 1 到 {_MAX_PLANNED_DAYS} 的整数（工作日）")
    return days


def parse_date(text: str) -> str:
    """A calendar date as YYYY-MM-DD (the contract's date format)."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”写法有误，应为 YYYY-MM-DD，例如 2026-11-27") from None


# `tongban supervision events --type`: the Chinese name (受理), the message's name (CaseAccepted,
# any case) or the full type (tongban.acceptance.v1.CaseAccepted).
EVENT_TYPES: dict[str, str] = {
    **{short_type(event_type).lower(): event_type for event_type in EVENT_TYPE_NAMES},
    **{label: event_type for event_type, label in EVENT_TYPE_NAMES.items()},
}


def parse_event_type(text: str) -> str:
    """An event type as the services write it (a message's full name).

    Any other dotted name is sent as it is: supervision may hold types this CLI does not know.
    """
    text = text.strip()
    known = EVENT_TYPES.get(text) or EVENT_TYPES.get(text.lower())
    if known:
        return known
    if not text or "." not in text or not text.isascii() or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(
            f"事件类型“{text}”写法有误，应为中文名称（如 受理）或类型名（如 CaseAccepted）"
        )
    return text


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


def enum_parser(enum_type: type[_E], what: str) -> Callable[[str], _E]:
    """An argparse `type` for an enum: its labels or names, refused with the words one may type."""
    known = choices(enum_type)
    words = choice_help(cast(EnumType, enum_type))

    def parse(text: str) -> _E:
        value = known.get(_key(text))
        if value is None:
            raise argparse.ArgumentTypeError(f"{what}“{text}”不认识，可用：{words}")
        return value

    return parse


def parse_alert_id(text: str) -> int:
    """An alert's (or accountability case's, review's) number as the listings print it."""
    number = _positive(text.strip().removeprefix("#"))
    if number is None:
        raise argparse.ArgumentTypeError(f"编号“{text}”应为正整数，即列表中的编号")
    return number


# The supervision commands' enums: each label (黄牌, 扣分, 窗口 …) or name (yellow-card, deduction …).
S = supervision_pb2
SEVERITY_HELP = choice_help(S.AlertSeverity)
ALERT_STATE_HELP = choice_help(S.AlertState)
ACCOUNTABILITY_OUTCOME_HELP = choice_help(S.AccountabilityOutcome)
ACCOUNTABILITY_STATE_HELP = choice_help(S.AccountabilityState)
GROUPING_HELP = choice_help(S.StatisticsGrouping)
RATING_HELP = choice_help(S.ReviewRating)
CONDUCT_KIND_HELP = choice_help(S.ConductKind)
parse_severity = enum_parser(S.AlertSeverity, "预警级别")
parse_alert_state = enum_parser(S.AlertState, "预警状态")
parse_accountability_outcome = enum_parser(S.AccountabilityOutcome, "处理决定")
parse_accountability_state = enum_parser(S.AccountabilityState, "问责状态")
parse_grouping = enum_parser(S.StatisticsGrouping, "统计口径")
parse_rating = enum_parser(S.ReviewRating, "评价")
parse_conduct_kind = enum_parser(S.ConductKind, "违规类型")
