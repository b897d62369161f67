"""Load the demo catalogue (departments, sites, windows, matters) idempotently."""

from __future__ import annotations

import json
from pathlib import Path

from google.protobuf import json_format
from tongban.acceptance.v1 import catalog_pb2

from services.acceptance.models import DepartmentRow, MatterRow, SiteRow, WindowRow
from services.common.db import Database

CATALOG_FILE = Path(__file__).parent / "seed" / "catalog.json"


def load_catalog(db: Database, path: Path = CATALOG_FILE) -> int:
    """Insert or update every entry of the file; returns the number of matters."""
    data = json.loads(path.read_text(encoding="utf-8"))
    with db.transaction() as session:
        for item in data["departments"]:
            session.merge(DepartmentRow(code=item["code"], name=item["name"]))
        for item in data["sites"]:
            site = json_format.ParseDict(item, catalog_pb2.Site())
            session.merge(
                SiteRow(code=site.code, name=site.name, level=site.level, parent_code=site.parent_code)
            )
            session.flush()
            for window in site.windows:
                session.merge(
                    WindowRow(
                        code=window.code,
                        site_code=site.code,
                        name=window.name,
                        department_code=window.department_code,
                    )
                )
        for item in data["matters"]:
            matter = json_format.ParseDict(item, catalog_pb2.Matter())
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
    return len(data["matters"])
