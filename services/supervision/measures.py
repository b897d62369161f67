"""Supervision's counts for the metrics (services/common/metrics.py), from its own tables at each
collection: open cases overdue (a yellow or red card and not yet done) per site, and alerts by
rule and severity."""

from __future__ import annotations

from collections.abc import Iterable

from opentelemetry.metrics import CallbackOptions, Observation
from sqlalchemy import func
from sqlmodel import col, select
from tongban.supervision.v1 import supervision_pb2 as S

from services.common.db import Database
from services.common.metrics import meter
from services.supervision.models import AlertRow, CaseWatchRow

CARDS = (S.ALERT_SEVERITY_YELLOW_CARD, S.ALERT_SEVERITY_RED_CARD)


def observe(db: Database) -> None:
    def overdue(_options: CallbackOptions) -> Iterable[Observation]:
        carded = select(AlertRow.case_no).where(
            AlertRow.rule == "time_limit", col(AlertRow.severity).in_(CARDS)
        )
        query = (
            select(CaseWatchRow.site_code, func.count())
            .where(col(CaseWatchRow.case_no).in_(carded), col(CaseWatchRow.closed).is_(False))
            .group_by(col(CaseWatchRow.site_code))
        )
        with db.reading() as session:
            rows = session.exec(query).all()
        # No site with an overdue case: one 0, so the series is there for an alert rule.
        return [Observation(count, {"tongban.site_code": site}) for site, count in rows] or [Observation(0)]

    def alerts(_options: CallbackOptions) -> Iterable[Observation]:
        query = select(AlertRow.rule, AlertRow.severity, func.count()).group_by(
            col(AlertRow.rule), col(AlertRow.severity)
        )
        with db.reading() as session:
            return [
                Observation(count, {"tongban.rule": rule, "tongban.severity": S.AlertSeverity.Name(severity)})
                for rule, severity, count in session.exec(query)
            ]

    meter().create_observable_gauge(
        "tongban.cases.overdue_open",
        [overdue],
        unit="{case}",
        description="Open cases with a yellow or red card",
    )
    meter().create_observable_counter("tongban.alerts", [alerts], unit="{alert}", description="Alerts raised")
