"""Acceptance's counts for the metrics (services/common/metrics.py): cases received, accepted and
decided (or completed: decided at the county, issued at the township, done on the spot) per
site, counted from the cases themselves at each collection, so a restart neither loses nor
doubles any."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from opentelemetry.metrics import CallbackOptions, Observation
from sqlalchemy import func
from sqlmodel import col, select

from services.acceptance.models import CaseRow
from services.common.db import Database
from services.common.metrics import meter


def observe(db: Database) -> None:
    def counter(name: str, column: Any, what: str) -> None:
        def counted(_options: CallbackOptions) -> Iterable[Observation]:
            query = select(CaseRow.site_code, func.count()).group_by(col(CaseRow.site_code))
            if column is not None:
                query = query.where(col(column).is_not(None))
            with db.reading() as session:
                rows = session.exec(query).all()
            # No case yet: one 0, so the series is there for an alert rule.
            return [Observation(count, {"tongban.site_code": site}) for site, count in rows] or [
                Observation(0)
            ]

        meter().create_observable_counter(name, [counted], unit="{case}", description=what)

    counter("tongban.cases.received", None, "Cases received")
    counter("tongban.cases.accepted", CaseRow.accepted_on, "Cases accepted")
    counter("tongban.cases.decided", CaseRow.completed_on, "Cases decided, issued or completed on the spot")
