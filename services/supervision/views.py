"""Supervision's rows as response messages."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from tongban.supervision.v1 import supervision_pb2 as S

from services.supervision.models import AlertRow


def _stamp(moment: datetime | None) -> Timestamp | None:
    if moment is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return stamp


def alert_message(alert: AlertRow) -> S.Alert:
    return S.Alert(
        alert_id=alert.alert_id or 0,
        rule=alert.rule,
        severity=alert.severity,  # type: ignore[arg-type]
        state=alert.state,  # type: ignore[arg-type]
        summary=alert.summary,
        case_no=alert.case_no,
        site_code=alert.site_code,
        department_code=alert.department_code,
        window_code=alert.window_code,
        user_id=alert.user_id,
        raise_time=_stamp(alert.raised_at),
        finish_by=alert.finish_by.isoformat() if alert.finish_by else "",
        trace_id=alert.trace_id,
        record_seq=alert.record_seq,
        acknowledged_by=alert.acknowledged_by,
        acknowledge_time=_stamp(alert.acknowledged_at),
    )
