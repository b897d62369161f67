"""Queries on the acceptance database. Reads and adds only: the domain layer commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import BindParameter, and_, bindparam, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from services.acceptance.models import (
    CaseRow,
    DepartmentRow,
    DocumentRow,
    ExtensionRow,
    MatterRow,
    MatterVersionRow,
    SiteRow,
    WindowRow,
)
from services.common.errors import or_not_found
from services.common.rows import plain_columns, read_plain

T = TypeVar("T")

PUBLISHED = 2  # tongban.acceptance.v1.VERSION_STATE_PUBLISHED
DRAFT = 1


def definition(row: MatterVersionRow) -> catalog_pb2.Matter:
    return catalog_pb2.Matter.FromString(row.definition)


def version_in_force(session: Session, code: str, day: date) -> MatterVersionRow | None:
    """The published version of the matter in force on the day: the latest effective by then."""
    return session.exec(_VERSION_IN_FORCE, params={"code": code, "day": day}).first()


# Every submission asks it: built once with bound parameters (bench/README.md, "Statements built once").
_VERSION_IN_FORCE = (
    select(MatterVersionRow)
    .where(
        col(MatterVersionRow.matter_code) == bindparam("code"),
        MatterVersionRow.state == PUBLISHED,
        col(MatterVersionRow.effective_on) <= bindparam("day"),
    )
    .order_by(col(MatterVersionRow.effective_on).desc(), col(MatterVersionRow.version).desc())
    .limit(1)
)


def matter(session: Session, code: str, day: date) -> catalog_pb2.Matter | None:
    """The matter in force on the day (shared: read it, never change it). Only its version number
    is read; a published version never changes, so each is parsed once per process."""
    found = read_plain(session, _VERSION_NUMBER_IN_FORCE, {"code": code, "day": day}, _VersionNumber)
    return _published(session, code, found[0].version) if found else None


class _VersionNumber(NamedTuple):
    version: int


_VERSION_NUMBER_IN_FORCE = _VERSION_IN_FORCE.with_only_columns(col(MatterVersionRow.version))


def known_matter(session: Session, code: str, day: date) -> catalog_pb2.Matter:
    """The matter in force on the day, or NOT_FOUND for a code the catalogue does not list."""
    return or_not_found(
        matter(session, code, day),
        "matter",
        code,
        f"事项 {code} 不在目录中 / no such matter in the catalogue",
    )


# A published version never changes (a change is a new version), so each engine's process reads
# and parses one once. Keyed by engine: tests run several databases in one process.
_parsed_versions: WeakKeyDictionary[object, dict[tuple[str, int], catalog_pb2.Matter]] = WeakKeyDictionary()


def case_matter(session: Session, row: CaseRow) -> catalog_pb2.Matter:
    """The version of its matter the case was received under (shared: read it, never change it)."""
    return _published(session, row.matter_code, row.matter_version)


def _published(session: Session, code: str, version: int) -> catalog_pb2.Matter:
    """A published version of a matter, parsed once per process and database."""
    parsed = _parsed_versions.setdefault(session.get_bind(), {})
    key = (code, version)
    if key not in parsed:
        found = session.get(MatterVersionRow, key)
        assert found is not None, "a published matter version is never deleted"
        assert found.state == PUBLISHED, "only a published version is kept parsed: it never changes"
        parsed[key] = definition(found)
    return parsed[key]


def matter_version(session: Session, code: str, version: int) -> MatterVersionRow | None:
    return session.get(MatterVersionRow, (code, version))


def matter_versions(session: Session, code: str) -> list[MatterVersionRow]:
    query = select(MatterVersionRow).where(MatterVersionRow.matter_code == code)
    return list(session.exec(query.order_by(col(MatterVersionRow.version).desc())).all())


def latest_version(session: Session, code: str, *, for_update: bool = False) -> MatterVersionRow | None:
    query = select(MatterVersionRow).where(MatterVersionRow.matter_code == code)
    query = query.order_by(col(MatterVersionRow.version).desc()).limit(1)
    return session.exec(query.with_for_update() if for_update else query).first()


def matters_in_force(session: Session, day: date | None) -> list[catalog_pb2.Matter]:
    """Every matter's version in force on the day, by code; its latest published when day is None."""
    query = select(MatterVersionRow).where(MatterVersionRow.state == PUBLISHED)
    if day is not None:
        query = query.where(col(MatterVersionRow.effective_on) <= day)
    rows = session.exec(
        query.order_by(
            col(MatterVersionRow.matter_code),
            col(MatterVersionRow.effective_on),
            col(MatterVersionRow.version),
        )
    ).all()
    latest = {row.matter_code: row for row in rows}
    return [definition(latest[code]) for code in sorted(latest)]


def extensions(session: Session, *, matter_code: str = "", site: SiteRow | None = None) -> list[ExtensionRow]:
    """Extension decisions, in the order they were recorded; of one matter, or about one site
    (the site itself or its level)."""
    query = select(ExtensionRow)
    if matter_code:
        query = query.where(ExtensionRow.matter_code == matter_code)
    if site is not None:
        query = query.where(
            or_(
                col(ExtensionRow.site_code) == site.code,
                and_(col(ExtensionRow.site_code) == "", col(ExtensionRow.site_level) == site.level),
            )
        )
    return list(session.exec(query.order_by(col(ExtensionRow.id))).all())


def matter_extensions(session: Session, matter_code: str) -> list[ExtensionRow]:
    """The matter's extension decisions, in the order they were recorded."""
    return list(session.exec(_MATTER_EXTENSIONS, params={"matter_code": matter_code}).all())


# Every submission asks it: built once (bench/README.md, "Statements built once").
_MATTER_EXTENSIONS = (
    select(ExtensionRow)
    .where(col(ExtensionRow.matter_code) == bindparam("matter_code"))
    .order_by(col(ExtensionRow.id))
)


def matter_departments(session: Session) -> list[tuple[str, str]]:
    """(code, department code) of every published matter."""
    return list(session.exec(select(MatterRow.code, MatterRow.department_code)).all())


def site_codes(session: Session) -> set[str]:
    return set(session.exec(select(SiteRow.code)).all())


def department_codes(session: Session) -> set[str]:
    return set(session.exec(select(DepartmentRow.code)).all())


def department(session: Session, code: str) -> DepartmentRow | None:
    return session.get(DepartmentRow, code)


def department_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    """{code: name} of the departments with these codes.

    A county has a few dozen departments: all of them are read, with one statement compiled
    once, and the wanted ones kept. An IN list of the codes cost three times as much, being
    rendered anew for each call (bench/README.md, seventh session)."""
    wanted = set(codes)
    return {
        row.code: row.name for row in read_plain(session, _DEPARTMENTS, {}, _Department) if row.code in wanted
    }


class _Department(NamedTuple):
    code: str
    name: str


_DEPARTMENTS = plain_columns(DepartmentRow, _Department._fields)


def publish_matter_row(session: Session, matter: catalog_pb2.Matter) -> None:
    """The matter's searchable row follows its latest published version (cases refer to it)."""
    session.merge(
        MatterRow(
            code=matter.code,
            name=matter.name,
            department_code=matter.department_code,
            department_name=matter.department_name,
            accepting_levels=" ".join(str(level) for level in matter.accepting_levels),
            definition=matter.SerializeToString(),
        )
    )


def departments(session: Session) -> list[tuple[DepartmentRow, int]]:
    counts = dict(
        session.exec(
            select(MatterRow.department_code, func.count()).group_by(col(MatterRow.department_code))
        ).all()
    )
    rows = session.exec(select(DepartmentRow).order_by(col(DepartmentRow.code))).all()
    return [(row, int(counts.get(row.code, 0))) for row in rows]


# The sites and windows a session has read, held for its life: the session's identity map keeps
# rows only while something refers to them, and a view of every case reads its site again.
_SITES = "acceptance.sites"
_WINDOWS = "acceptance.windows"


def site(session: Session, code: str) -> SiteRow | None:
    return _kept(session, _SITES, _SITE, code)


def window(session: Session, code: str) -> WindowRow | None:
    return _kept(session, _WINDOWS, _WINDOW, code)


def _kept(session: Session, kind: str, statement: SelectOfScalar[T], code: str) -> T | None:
    known: dict[str, T] = session.info.setdefault(kind, {})
    # Only rows found are kept: a site or window the staff service's events add later is seen.
    found = known.get(code) or session.exec(statement, params={"code": code}).first()
    if found is not None:
        known[code] = found
    return found


# Every submission and every view of a case asks them: built once (bench/README.md, "Statements
# built once"; session.get builds its query anew each time, at twice the cost of running one).
_SITE = select(SiteRow).where(col(SiteRow.code) == bindparam("code"))
_WINDOW = select(WindowRow).where(col(WindowRow.code) == bindparam("code"))


def sites_with_windows(session: Session) -> list[tuple[SiteRow, list[WindowRow]]]:
    sites = session.exec(select(SiteRow).order_by(col(SiteRow.code))).all()
    windows = session.exec(select(WindowRow).order_by(col(WindowRow.code))).all()
    return [(s, [w for w in windows if w.site_code == s.code]) for s in sites]


# The statements of every read and write of a case, built once with the case number a bound
# parameter (bench/README.md, "Statements built once").
_CASE_NO: BindParameter[str] = bindparam("case_no")
_CASE_LOCKED = select(CaseRow).where(col(CaseRow.case_no) == _CASE_NO).with_for_update()
# A read shows the case with its site: loaded in the same query, site() then finds it in the
# session instead of asking again. (A locking read takes the case alone: sites stay unlocked.)
_CASE_WITH_SITE = (
    select(CaseRow, SiteRow)
    .join(SiteRow, col(SiteRow.code) == col(CaseRow.site_code))
    .where(col(CaseRow.case_no) == _CASE_NO)
)


class DocumentRef(NamedTuple):
    """A document of the case, as its views name it."""

    number: str
    kind: int
    issued_on: date


# A view names a case's documents; their text and HTML are read only when one is asked for.
_DOCUMENTS = (
    plain_columns(DocumentRow, DocumentRef._fields)
    .where(col(DocumentRow.case_no) == _CASE_NO)
    .order_by(col(DocumentRow.issued_on), col(DocumentRow.number))
)


def case(session: Session, case_no: str, *, for_update: bool = False) -> CaseRow | None:
    if for_update:
        return session.exec(_CASE_LOCKED, params={"case_no": case_no}).first()
    found = session.exec(_CASE_WITH_SITE, params={"case_no": case_no}).first()
    if found is None:
        return None
    row, its_site = found
    session.info.setdefault(_SITES, {})[its_site.code] = its_site
    return row


@dataclass(frozen=True)
class CaseFilter:
    # "" for every site.
    site_code: str
    # Only accepted cases of the county-decided matters this department reviews.
    reviewed_by: str | None = None
    state: int = 0
    matter_code: str = ""
    received_from: date | None = None
    received_to: date | None = None
    overdue_on: date | None = None
    open_states: Sequence[int] = ()


def matters_reviewed_by(session: Session, department_code: str) -> list[str]:
    """Codes of the county-decided matters in whose review flow the department acts."""
    found = set()
    # Every published version: a case follows the version it was received under.
    for row in session.exec(select(MatterVersionRow).where(MatterVersionRow.state == PUBLISHED)).all():
        matter = definition(row)
        departments = {matter.department_code} | {
            c for step in matter.review_steps for c in step.department_codes
        }
        if matter.deciding_level == catalog_pb2.DECIDING_LEVEL_COUNTY and department_code in departments:
            found.add(matter.code)
    return sorted(found)


def list_cases(session: Session, where: CaseFilter, offset: int, limit: int) -> tuple[list[CaseRow], int]:
    query = select(CaseRow)
    if where.site_code:
        query = query.where(CaseRow.site_code == where.site_code)
    if where.reviewed_by is not None:
        matters = matters_reviewed_by(session, where.reviewed_by)
        query = query.where(col(CaseRow.matter_code).in_(matters), col(CaseRow.accepted_on).is_not(None))
    if where.state:
        query = query.where(CaseRow.state == where.state)
    if where.matter_code:
        query = query.where(CaseRow.matter_code == where.matter_code)
    if where.received_from:
        query = query.where(CaseRow.received_on >= where.received_from)
    if where.received_to:
        query = query.where(CaseRow.received_on <= where.received_to)
    if where.overdue_on:
        # Overdue is derived: the clock still runs and the promised date has passed.
        query = query.where(
            col(CaseRow.state).in_(where.open_states), col(CaseRow.window_due_on) < where.overdue_on
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(CaseRow.received_at).desc(), col(CaseRow.case_no).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


def decided_without_issue_deadline(session: Session) -> list[CaseRow]:
    """County decisions whose Art. 44 issue deadline is not known yet (a calendar year was missing)."""
    query = select(CaseRow).where(
        col(CaseRow.decided_on).is_not(None),
        col(CaseRow.window_due_on).is_(None),
        CaseRow.state == acceptance_pb2.CASE_STATE_DECIDED,
    )
    return list(session.exec(query).all())


def documents_of(session: Session, case_no: str) -> list[DocumentRef]:
    return read_plain(session, _DOCUMENTS, {"case_no": case_no}, DocumentRef)


def document(session: Session, number: str) -> DocumentRow | None:
    return session.get(DocumentRow, number)
