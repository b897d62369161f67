"""Extension decisions (事项延伸/收回): what one must say, and recording it with its event.

ChangeExtension and each decision of an imported catalogue file are held to the same rules and
recorded the same way, so a decision typed at the CLI and one in the county's spreadsheet are
one thing. Decisions are appended, never changed (services.acceptance.extension reads them).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session
from tongban.acceptance.v1 import catalog_admin_pb2 as A
from tongban.acceptance.v1 import events_pb2 as E

from services.acceptance.models import ExtensionRow
from services.common.errors import FieldProblem, required
from services.common.outbox import record_event

SOURCE = "acceptance"
# Two records of one decision: the same matter, place, action, date and document.
Key = tuple[str, int, str, int, str, str, str]


def iso_day(value: str, field: str, label: str, problems: list[FieldProblem]) -> date | None:
    """The YYYY-MM-DD date, or a problem added for a blank or impossible one."""
    if not value.strip():
        problems.append(FieldProblem(field, f"{label}必填 / {field} is required"))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FieldProblem(field, f"{label}不是有效日期 / not a valid date"))
        return None


def problems(
    decision: A.ChangeExtensionRequest,
    *,
    today: date,
    matter_known: bool,
    site_known: bool,
    prefix: str = "",
) -> list[FieldProblem]:
    """Every problem of the decision at once; `matter_known` and `site_known` say whether its
    matter and its named site (if any) exist."""
    found = required(decision.matter_code, "matter_code", "事项编码")
    found += required(decision.document_number, "document_number", "决定文号")
    if bool(decision.site_level) == bool(decision.site_code):
        found.append(FieldProblem("site_code", "请指定站点层级或站点之一 / a site level or a site, one"))
    if not decision.action:
        found.append(FieldProblem("action", "请选择延伸或收回 / extend or withdraw"))
    effective_on = iso_day(decision.effective_on, "effective_on", "生效日期", found)
    document_date = iso_day(decision.document_date, "document_date", "文件日期", found)
    # A decision takes effect from a day to come: what was accepted before stays as it was.
    if effective_on is not None and effective_on < today:
        found.append(FieldProblem("effective_on", "生效日期不能早于今天 / not before today"))
    if effective_on and document_date and document_date > effective_on:
        found.append(FieldProblem("document_date", "文件日期晚于生效日期 / after the effective date"))
    if decision.matter_code and not matter_known:
        found.append(FieldProblem("matter_code", "事项不在目录中 / no such matter"))
    if decision.site_code and not site_known:
        found.append(FieldProblem("site_code", "站点不存在 / no such site"))
    return [FieldProblem(prefix + p.field, p.description) for p in found]


def as_request(extension: A.Extension) -> A.ChangeExtensionRequest:
    """A decision of a file as the request that would record it (its input limits included)."""
    return A.ChangeExtensionRequest(
        matter_code=extension.matter_code,
        site_level=extension.site_level,
        site_code=extension.site_code,
        action=extension.action,
        effective_on=extension.effective_on,
        document_number=extension.document_number,
        document_date=extension.document_date,
    )


def key(decision: A.ChangeExtensionRequest | A.Extension) -> Key:
    return (
        decision.matter_code,
        decision.site_level,
        decision.site_code,
        decision.action,
        decision.effective_on,
        decision.document_number.strip(),
        decision.document_date,
    )


def row_key(row: ExtensionRow) -> Key:
    return key(message(row, ""))


def record(
    session: Session,
    decision: A.ChangeExtensionRequest,
    *,
    department_code: str,
    by: str,
    now: datetime,
    announce: bool = True,
) -> ExtensionRow:
    """Append the (checked) decision; announce it unless it is the demo's starting catalogue."""
    row = ExtensionRow(
        matter_code=decision.matter_code,
        site_level=decision.site_level,
        site_code=decision.site_code,
        action=decision.action,
        effective_on=date.fromisoformat(decision.effective_on),
        document_number=decision.document_number.strip(),
        document_date=date.fromisoformat(decision.document_date),
        changed_by=by,
        recorded_at=now,
    )
    session.add(row)
    if announce:
        record_event(
            session,
            source=SOURCE,
            aggregate_id=row.matter_code,
            payload=E.MatterExtensionChanged(
                matter_code=row.matter_code,
                department_code=department_code,
                site_level=decision.site_level,
                site_code=row.site_code,
                extended=row.action == A.EXTENSION_ACTION_EXTEND,
                effective_on=decision.effective_on,
                document_number=row.document_number,
                document_date=decision.document_date,
                changed_by=by,
            ),
            occurred=now,
        )
    return row


def message(row: ExtensionRow, matter_name: str) -> A.Extension:
    return A.Extension(
        matter_code=row.matter_code,
        matter_name=matter_name,
        site_level=row.site_level,  # type: ignore[arg-type]
        site_code=row.site_code,
        action=row.action,  # type: ignore[arg-type]
        effective_on=row.effective_on.isoformat(),
        document_number=row.document_number,
        document_date=row.document_date.isoformat(),
        changed_by=row.changed_by,
    )
