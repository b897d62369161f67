"""Load the demo catalogue through the catalogue's own import (the same checks as any file, its
extension decisions included), then publish what it drafted. Idempotent: a second run finds
nothing changed. Sites and windows are the staff service's (services/staff/seed); acceptance
keeps its copy of them from staff's events.

Seeding is the operator's set-up of an empty county, not a person's change: its drafts are
published under the seed's name, outside the two-person rule that governs the RPCs, and they and
its extension decisions announce no event: the starting catalogue is no change for supervision
to record. Its decisions name site levels, not sites: acceptance learns the sites from the staff
service's events, after this runs.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from services.acceptance import catalogue_file, repository, versions
from services.acceptance.catalogue_commands import import_file
from services.common.clock import CHINA
from services.common.db import Database

CATALOG_FILE = Path(__file__).parent / "seed" / "catalog.json"
SEED_USER = "seed"
# The demo catalogue is in force from the start of the demo year.
DEMO_EFFECTIVE_ON = date(2026, 1, 1)


def load_catalog(db: Database, path: Path = CATALOG_FILE, effective_on: date = DEMO_EFFECTIVE_ON) -> int:
    """Import the file and publish its drafts; returns the number of matters in the file."""
    parsed = catalogue_file.from_json(path.read_bytes())
    now = datetime.combine(effective_on, datetime.min.time(), CHINA)
    with db.transaction() as session:
        imported = import_file(
            session,
            parsed,
            by=SEED_USER,
            today=effective_on,
            now=now,
            note="演示目录 / demo catalogue",
            announce=False,
        )
        for draft in imported.drafts:
            row = repository.matter_version(session, draft.matter_code, draft.version)
            assert row is not None
            versions.publish(session, row, by=SEED_USER, effective_on=effective_on, now=now, announce=False)
    return len(parsed.matters)
