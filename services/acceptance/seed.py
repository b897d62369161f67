"""Load the demo catalogue (departments, matters) idempotently. Sites and windows are the staff
service's (services/staff/seed); acceptance keeps its copy of them from staff's events."""

from __future__ import annotations

import json
from pathlib import Path

from google.protobuf import json_format
from tongban.acceptance.v1 import catalog_pb2

from services.acceptance.models import DepartmentRow, MatterRow
from services.common.db import Database

CATALOG_FILE = Path(__file__).parent / "seed" / "catalog.json"


def review_flow_problems(matter: catalog_pb2.Matter, departments: set[str]) -> list[str]:
    """What is wrong with a matter's review flow; approval relies on these rules."""
    steps = list(matter.review_steps)
    if matter.deciding_level != catalog_pb2.DECIDING_LEVEL_COUNTY:
        return [f"{matter.code}: only county-decided matters have a review flow"] if steps else []
    if matter.handling_type != catalog_pb2.HANDLING_TYPE_PROMISED:
        return []
    if not steps or steps[-1].kind != catalog_pb2.STEP_KIND_DECISION:
        return [f"{matter.code}: the review flow must end with a decision step"]
    problems = []
    if sum(step.time_limit_days for step in steps) > matter.promised_limit_days:
        problems.append(f"{matter.code}: the steps' time limits exceed the promised limit")
    for step in steps:
        unknown = set(step.department_codes) - departments
        if unknown or step.time_limit_days < 1:
            problems.append(
                f"{matter.code}/{step.name}: unknown departments {sorted(unknown)} or no time limit"
            )
        parallel = step.kind == catalog_pb2.STEP_KIND_PARALLEL_REVIEW
        if parallel and (
            len(step.department_codes) < 2 or step.lead_department_code not in step.department_codes
        ):
            problems.append(f"{matter.code}/{step.name}: parallel review needs 2+ departments and their lead")
    return problems


def load_catalog(db: Database, path: Path = CATALOG_FILE) -> int:
    """Insert or update every entry of the file; returns the number of matters."""
    data = json.loads(path.read_text(encoding="utf-8"))
    departments = {item["code"] for item in data["departments"]}
    for item in data["matters"]:
        problems = review_flow_problems(json_format.ParseDict(item, catalog_pb2.Matter()), departments)
        if problems:
            raise ValueError(f"{path}: " + "; ".join(problems))
    with db.transaction() as session:
        for item in data["departments"]:
            session.merge(DepartmentRow(code=item["code"], name=item["name"]))
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
