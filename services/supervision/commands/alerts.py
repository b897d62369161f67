"""Supervision's use cases that write: an inspector acknowledges an alert (on the record)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session
from tongban.supervision.v1 import supervision_pb2 as S

from services.common.calls import CallContext
from services.common.errors import StateProblem, or_not_found, wrong_state
from services.common.usecases import UseCases
from services.supervision import record, repository
from services.supervision.views import alert_message


@dataclass
class AlertCommands:
    uc: UseCases

    def acknowledge(
        self, call: CallContext, request: S.AcknowledgeAlertRequest
    ) -> S.AcknowledgeAlertResponse:
        def use_case(session: Session) -> S.AcknowledgeAlertResponse:
            record.lock(session)
            alert = or_not_found(
                repository.alert(session, request.alert_id, for_update=True),
                "alert",
                str(request.alert_id),
                f"没有编号为 {request.alert_id} 的预警 / no such alert",
            )
            if alert.state != S.ALERT_STATE_OPEN:
                raise wrong_state(
                    f"预警 {alert.alert_id} 已由 {alert.acknowledged_by} 签收 / already acknowledged",
                    [StateProblem(str(alert.alert_id), "already acknowledged", "ALERT_STATE")],
                )
            now = self.uc.clock.now()
            alert.state = S.ALERT_STATE_ACKNOWLEDGED
            alert.acknowledged_by = call.caller.user_id
            alert.acknowledged_at = now
            alert.acknowledge_note = request.note.strip()
            record.append(session, record.ALERT_ACKNOWLEDGED, record.acknowledgement_body(alert), now)
            return S.AcknowledgeAlertResponse(alert=alert_message(alert))

        return self.uc.once(call, "AcknowledgeAlert", request, S.AcknowledgeAlertResponse, use_case)
