"""Conduct violations (行为规范): an inspector, the centre administrator or the township officer
records what they saw at a window; the conduct rule (plugins/conduct.py) makes it a finding with
its deduction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select
from tongban.supervision.v1 import events_pb2 as E
from tongban.supervision.v1 import supervision_pb2 as S

from services.common.calls import CallContext
from services.common.errors import FieldProblem, invalid_input
from services.common.usecases import UseCases
from services.supervision.events import EventRecorder
from services.supervision.models import AlertRow, ConductViolationRow
from services.supervision.own_events import announce
from services.supervision.views import alert_message


@dataclass
class ConductCommands:
    uc: UseCases
    recorder: EventRecorder

    def record(
        self, call: CallContext, request: S.RecordConductViolationRequest
    ) -> S.RecordConductViolationResponse:
        problems = [
            FieldProblem(field, "必填 / required")
            for field, value in (("user_id", request.user_id), ("window_code", request.window_code))
            if not value
        ]
        if request.kind == S.CONDUCT_KIND_UNSPECIFIED:
            problems.append(FieldProblem("kind", "违规类型必选 / required"))
        if problems:
            raise invalid_input("违规记录不完整 / the violation is incomplete", problems)
        site = request.window_code.split("-W")[0]
        call.require(site)

        def use_case(session: Session) -> S.RecordConductViolationResponse:
            now = self.uc.clock.now()
            violation = ConductViolationRow(
                user_id=request.user_id,
                site_code=site,
                window_code=request.window_code,
                kind=request.kind,
                note=request.note.strip(),
                recorded_by=call.caller.user_id,
                recorded_at=now,
            )
            session.add(violation)
            session.flush()
            recorded = E.ConductViolationRecorded(
                violation_id=violation.violation_id or 0,
                user_id=request.user_id,
                site_code=site,
                window_code=request.window_code,
                kind=request.kind,
                observed_on=self.uc.today().isoformat(),
            )
            announce(session, self.recorder, recorded, aggregate_id=request.user_id)
            raised = session.exec(
                select(AlertRow).where(col(AlertRow.finding_key) == f"violation-{violation.violation_id}")
            ).all()
            return S.RecordConductViolationResponse(alerts=[alert_message(a) for a in raised])

        return self.uc.once(
            call, "RecordConductViolation", request, S.RecordConductViolationResponse, use_case
        )
