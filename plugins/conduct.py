"""Conduct rules of the halls (行为规范, DOMAIN.md "Supervision"): each violation an inspector or a
patrol records is a finding against the person, with its deduction from their assessment. The
deductions per kind are this rule's parameters, so a county sets its own.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator
from tongban.supervision.v1 import events_pb2 as supervision_events
from tongban.supervision.v1 import supervision_pb2

from services.common import labels
from services.supervision.hookspecs import hookimpl
from services.supervision.rule_types import Finding, ReceivedEvent, Severity
from services.supervision.rulebook import Rule

K = supervision_pb2.ConductKind


class ConductParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Points deducted per kind, by the kind's short name (absent, late_or_early, …).
    points: dict[str, int] = Field(
        default={
            "absent": 2,
            "late_or_early": 1,
            "no_badge": 1,
            "distracted": 2,
            "smoking_or_eating": 1,
            "quarrelling": 3,
            "visitors_at_counter": 1,
        }
    )

    @field_validator("points")
    @classmethod
    def _known_kinds(cls, points: dict[str, int]) -> dict[str, int]:
        known = {short_name(value) for value in K.values() if value}
        unknown = sorted(set(points) - known)
        if unknown:
            raise ValueError(f"unknown conduct kinds {unknown}; known: {sorted(known)}")
        if any(not 0 <= p <= 100 for p in points.values()):
            raise ValueError("points are 0 to 100")
        return points


def short_name(kind: int) -> str:
    return K.Name(kind).removeprefix("CONDUCT_KIND_").lower()


class ConductRule(Rule):
    """行为规范：巡查、监察发现的违规行为及扣分"""

    Parameters = ConductParameters

    @hookimpl
    def tongban_rule_event(self, event: ReceivedEvent) -> list[Finding]:
        seen = event.payload
        if not isinstance(seen, supervision_events.ConductViolationRecorded):
            return []
        assert isinstance(self.parameters, ConductParameters)
        points = self.parameters.points.get(short_name(seen.kind), 0)
        what = labels.zh(K, seen.kind)
        return [
            Finding(
                rule=self.name, key=f"violation-{seen.violation_id}",
                severity=Severity.ALERT_SEVERITY_VIOLATION,
                summary=f"{what}（{seen.observed_on}）：扣 {points} 分", site_code=seen.site_code,
                window_code=seen.window_code, user_id=seen.user_id, points=points,
            )
        ]  # fmt: skip
