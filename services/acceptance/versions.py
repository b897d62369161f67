"""Matters as versions: a draft is saved, checked, then published from an effective date.

These steps run inside a caller's transaction (the RPC use cases, the import, the demo seed);
who may take them is the use cases' business (services/acceptance/catalogue_commands.py).
"""

from __future__ import annotations

from datetime import date, datetime

import grpc
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from tongban.acceptance.v1 import catalog_admin_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C
from tongban.acceptance.v1 import events_pb2 as E

from services.acceptance import matter_diff, repository
from services.acceptance.models import MatterVersionRow
from services.common.errors import DomainError
from services.common.outbox import record_event

SOURCE = "acceptance"


def content(matter: C.Matter) -> bytes:
    """The definition without what the catalogue sets itself: equal content, equal bytes."""
    copy = C.Matter()
    copy.CopyFrom(matter)
    copy.ClearField("version")
    copy.ClearField("effective_on")
    copy.ClearField("department_name")
    return copy.SerializeToString(deterministic=True)


def save_draft(
    session: Session, matter: C.Matter, *, by: str, today: date, note: str = ""
) -> MatterVersionRow | None:
    """The matter's open draft, replaced, or its next version as a new draft; None when the
    content equals its latest version's (nothing to draft)."""
    department = repository.department(session, matter.department_code)
    definition = C.Matter()
    definition.CopyFrom(matter)
    definition.department_name = department.name if department else ""
    latest = repository.latest_version(session, matter.code, for_update=True)
    if latest is not None and content(repository.definition(latest)) == content(definition):
        return None
    if latest is not None and latest.state == repository.DRAFT:
        row = latest
    else:
        row = MatterVersionRow(
            matter_code=matter.code,
            version=(latest.version + 1) if latest else 1,
            state=repository.DRAFT,
            department_code=matter.department_code,
            definition=b"",
            drafted_by=by,
            drafted_on=today,
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            # Another draft of the same matter took this version number first (PostgreSQL; SQLite
            # writers take turns): nothing is saved, and the person tries again.
            raise DomainError(
                "该事项正由他人同时修改, 请稍后重试 / the matter was changed at the same time; try again",
                grpc.StatusCode.ABORTED,
            ) from None
    definition.version = row.version
    definition.ClearField("effective_on")
    row.definition = definition.SerializeToString()
    row.department_code = matter.department_code
    row.drafted_by, row.drafted_on, row.note = by, today, note.strip()
    return row


def publish(
    session: Session,
    row: MatterVersionRow,
    *,
    by: str,
    effective_on: date,
    now: datetime,
    announce: bool = True,
) -> MatterVersionRow:
    """Publish the draft from the date; the searchable row and (when announced) the event follow."""
    definition = repository.definition(row)
    before = repository.version_in_force(session, row.matter_code, effective_on)
    definition.version = row.version
    definition.effective_on = effective_on.isoformat()
    row.definition = definition.SerializeToString()
    row.state = repository.PUBLISHED
    row.published_by, row.published_on, row.effective_on = by, now.date(), effective_on
    session.flush()
    repository.publish_matter_row(session, definition)
    if not announce:
        return row
    changed = len(matter_diff.diff(repository.definition(before), definition)) if before else 0
    record_event(
        session,
        source=SOURCE,
        aggregate_id=row.matter_code,
        payload=E.MatterVersionPublished(
            matter_code=row.matter_code,
            version=row.version,
            department_code=definition.department_code,
            effective_on=effective_on.isoformat(),
            drafted_by=row.drafted_by,
            published_by=by,
            handling_type=definition.handling_type,
            legal_limit_days=definition.legal_limit_days,
            promised_limit_days=definition.promised_limit_days,
            changed_field_count=changed,
        ),
        occurred=now,
    )
    return row


def version_message(row: MatterVersionRow) -> A.MatterVersion:
    return A.MatterVersion(
        matter_code=row.matter_code,
        version=row.version,
        state=row.state,  # type: ignore[arg-type]
        matter=repository.definition(row),
        drafted_by=row.drafted_by,
        drafted_on=row.drafted_on.isoformat(),
        published_by=row.published_by,
        published_on=row.published_on.isoformat() if row.published_on else "",
        effective_on=row.effective_on.isoformat() if row.effective_on else "",
        note=row.note,
    )
