"""The built-in supervision rules on a real server (SQLite and PostgreSQL), at their boundary days
around National Day 2026, each finding made once however often the sweep runs.

National Day 2026: 1–7 October off, Saturday 10 October a make-up working day. A case accepted
on Monday 28 September with 5 working days counts 29 Sep, 30 Sep, 8, 9 and 10 Oct: due 10 Oct.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import grpc
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlmodel import select
from tongban.acceptance.v1 import events_pb2 as A
from tongban.approval.v1 import events_pb2 as P
from tongban.supervision.v1 import events_pb2 as SupervisionEvents
from tongban.supervision.v1 import supervision_pb2 as S

from services.common.outbox import OutboxEvent, events_for
from services.supervision.models import CaseWatchRow
from tests.contract.supervision_support import (
    BUILT_IN_RULES,
    INSPECTOR,
    Watching,
    accepted,
    case_ref,
    watching,
)
from tests.support import as_role, identity_metadata, payloads, status_of, wait_until

ACCEPTED_ON = date(2026, 9, 28)
C1, C2, X1, X2 = (f"320826101-20260928-000{n}" for n in range(1, 5))


@pytest.fixture(params=["sqlite", "postgresql"])
def sv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Watching]:
    with watching(request.param, tmp_path) as running:
        yield running


def _next_check(sv: Watching, case_no: str) -> date | None:
    with sv.db.reading() as session:
        watch = session.get(CaseWatchRow, case_no)
        assert watch is not None
        return watch.next_check_on


def test_the_ladder_reminds_then_cards_once_each_around_the_holiday(sv: Watching) -> None:
    # Hooks: tongban_rule_next_check, tongban_rule_sweep_case
    sv.deliver(accepted(C1, ACCEPTED_ON, 5))
    # Limit 5: the reminder comes 1 working day before the deadline (Fri 9 Oct).
    assert _next_check(sv, C1) == date(2026, 10, 9)
    assert sv.sweep_on(ACCEPTED_ON) == []
    assert sv.sweep_on(date(2026, 10, 8)) == []
    assert sv.sweep_on(date(2026, 10, 9)) == ["time_limit/reminder"]
    assert sv.sweep_on(date(2026, 10, 9)) == []
    # The make-up Saturday is the last day; Sunday counts nothing; Monday is the first overdue day.
    assert sv.sweep_on(date(2026, 10, 10)) == []
    assert sv.sweep_on(date(2026, 10, 11)) == []
    assert sv.sweep_on(date(2026, 10, 12)) == ["time_limit/yellow_card"]
    [yellow] = sv.alerts(severity=S.ALERT_SEVERITY_YELLOW_CARD)
    # Three more working days to finish: 13, 14, 15 October.
    assert yellow.finish_by == "2026-10-15"
    assert yellow.case_no == C1 and yellow.site_code == "320826101" and yellow.window_code == "320826101-W01"
    assert len(yellow.trace_id) == 32
    assert sv.sweep_on(date(2026, 10, 15)) == []
    assert sv.sweep_on(date(2026, 10, 16)) == ["time_limit/red_card"]
    for day in (16, 19, 20):
        assert sv.sweep_on(date(2026, 10, day)) == []
    assert _next_check(sv, C1) is None
    assert [a.rule for a in sv.alerts(case_no=C1)] == ["time_limit"] * 3


def test_a_late_sweep_skips_the_stages_it_went_past(sv: Watching) -> None:
    sv.deliver(accepted(C1, ACCEPTED_ON, 5))
    # Nobody swept until the first overdue day: no late reminder, the yellow card alone.
    assert sv.sweep_on(date(2026, 10, 12)) == ["time_limit/yellow_card"]
    assert sv.sweep_on(date(2026, 10, 13)) == []


def test_nothing_fires_while_the_clock_is_paused(sv: Watching) -> None:
    sv.deliver(accepted(C1, ACCEPTED_ON, 5))
    sv.on(date(2026, 10, 8))
    sv.deliver(P.ReviewSentBack(review=P.ReviewRef(case_no=C1), sent_back_on="2026-10-08"))
    assert _next_check(sv, C1) is None
    assert sv.sweep_on(date(2026, 10, 9)) == []
    assert sv.sweep_on(date(2026, 10, 12)) == []
    # Resumed on the 13th: 29, 30 Sep and 8 Oct used, 2 days left; the reminder comes on the 14th.
    sv.on(date(2026, 10, 13))
    sv.deliver(P.ReviewResumed(review=P.ReviewRef(case_no=C1), resumed_on="2026-10-13"))
    assert _next_check(sv, C1) == date(2026, 10, 14)
    assert sv.sweep_on(date(2026, 10, 13)) == []
    assert sv.sweep_on(date(2026, 10, 14)) == ["time_limit/reminder"]


def test_an_extension_moves_the_ladder(sv: Watching) -> None:
    sv.deliver(accepted(C1, ACCEPTED_ON, 5))
    sv.deliver(P.ReviewExtended(review=P.ReviewRef(case_no=C1), extension_days=3, granted_on="2026-09-29"))
    # 8 days: the reminder 2 working days before the deadline of 14 October.
    assert _next_check(sv, C1) == date(2026, 10, 12)
    assert sv.sweep_on(date(2026, 10, 12)) == ["time_limit/reminder"]


def test_a_decided_case_is_done_with(sv: Watching) -> None:
    sv.deliver(accepted(C1, ACCEPTED_ON, 5))
    sv.on(date(2026, 10, 9))
    sv.deliver(P.ReviewDecided(review=P.ReviewRef(case_no=C1), decided_on="2026-10-09"))
    assert _next_check(sv, C1) is None
    assert sv.sweep_on(date(2026, 10, 12)) == []


def test_a_step_over_its_limit_is_a_yellow_card_once(sv: Watching) -> None:
    # Hooks: tongban_rule_event
    sv.deliver(accepted(C1, ACCEPTED_ON, 10))
    step = P.ReviewStepCompleted(
        review=P.ReviewRef(case_no=C1),
        step_number=1,
        step_name="乡镇初审",
        completed_by="reviewer-nj",
        completed_on="2026-10-09",
        step_limit_days=2,
        step_used_days=4,
    )
    sv.deliver(step)
    sv.deliver(step)  # another event about the same step: the same finding
    on_time = P.ReviewStepCompleted(
        review=P.ReviewRef(case_no=C1), step_number=2, step_limit_days=2, step_used_days=2
    )
    sv.deliver(on_time)
    [card] = sv.alerts(case_no=C1)
    assert card.severity == S.ALERT_SEVERITY_YELLOW_CARD and card.user_id == "reviewer-nj"
    assert "乡镇初审" in card.summary


def test_a_second_notice_and_a_late_notice_break_the_one_time_rule(sv: Watching) -> None:
    ref = case_ref(C2)
    # Five working days after receipt (29, 30 Sep, 8, 9, 10 Oct) is still in time.
    sv.deliver(
        A.CaseSupplementRequested(
            case=ref, notice_count=1, received_on="2026-09-28", notified_on="2026-10-10"
        )
    )
    assert sv.alerts(case_no=C2) == []
    sv.deliver(
        A.CaseSupplementRequested(
            case=ref, notice_count=2, repeated_notice=True, received_on="2026-09-28", notified_on="2026-10-12"
        )
    )
    found = sorted(a.summary for a in sv.alerts(case_no=C2, rule="one_time_notice"))
    assert len(found) == 2
    assert "第 2 次补正告知" in found[0] + found[1]
    assert any("第 6 个工作日" in s and "即为受理" in s for s in found)
    # Art. 32: acceptance is told the case counts as accepted from its receipt, once.
    with sv.db.reading() as session:
        [deemed] = payloads(events_for(session, C2), SupervisionEvents.CaseDeemedAccepted)
        destinations = session.exec(
            select(OutboxEvent.destination).where(OutboxEvent.aggregate_id == C2)
        ).all()
    assert deemed.accepted_from == "2026-09-28" and destinations == ["acceptance"]


def test_a_decision_without_an_acceptance_is_off_system_work(sv: Watching) -> None:
    sv.deliver(
        P.ReviewDecided(review=P.ReviewRef(case_no=X1, site_code="320826101"), decided_on="2026-09-28")
    )
    # Events of two services may cross: one working day of grace for the acceptance to arrive.
    sv.deliver(
        P.ReviewDecided(review=P.ReviewRef(case_no=X2, site_code="320826101"), decided_on="2026-09-28")
    )
    sv.deliver(accepted(X2, ACCEPTED_ON, 5))
    assert sv.sweep_on(ACCEPTED_ON) == []
    assert sv.sweep_on(date(2026, 9, 29)) == ["off_system/violation"]
    [alert] = sv.alerts(rule="off_system")
    assert alert.case_no == X1


def test_next_years_calendar_missing_in_december_is_one_notice(sv: Watching) -> None:
    # Hooks: tongban_rule_sweep_day
    assert sv.sweep_on(date(2026, 11, 30)) == []
    assert sv.sweep_on(date(2026, 12, 1)) == ["calendar_gap/notice"]
    assert sv.sweep_on(date(2026, 12, 2)) == []
    [notice] = sv.alerts(rule="calendar_gap")
    assert "2027" in notice.summary and notice.case_no == ""


def test_an_inspector_acknowledges_an_alert_once_on_the_record(sv: Watching) -> None:
    sv.deliver(accepted(C1, ACCEPTED_ON, 5))
    sv.sweep_on(date(2026, 10, 9))
    [alert] = sv.alerts()
    request = S.AcknowledgeAlertRequest(request_id="ack-1", alert_id=alert.alert_id, note="已电话督办")
    done = sv.stub.AcknowledgeAlert(request, timeout=10, metadata=identity_metadata(INSPECTOR))
    assert done.alert.state == S.ALERT_STATE_ACKNOWLEDGED and done.alert.acknowledged_by == "inspector-county"
    # The same request again replays; another one is refused as the wrong state, changing nothing.
    again = sv.stub.AcknowledgeAlert(request, timeout=10, metadata=identity_metadata(INSPECTOR))
    assert again == done
    with pytest.raises(grpc.RpcError) as refused:
        sv.stub.AcknowledgeAlert(
            S.AcknowledgeAlertRequest(request_id="ack-2", alert_id=alert.alert_id),
            timeout=10,
            metadata=identity_metadata(INSPECTOR),
        )
    assert status_of(refused.value) == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as missing:
        sv.stub.AcknowledgeAlert(
            S.AcknowledgeAlertRequest(request_id="ack-3", alert_id=999),
            timeout=10,
            metadata=identity_metadata(INSPECTOR),
        )
    assert status_of(missing.value) == grpc.StatusCode.NOT_FOUND
    assert [a.state for a in sv.alerts(state=S.ALERT_STATE_OPEN)] == []
    verified = sv.stub.VerifyRecord(
        S.VerifyRecordRequest(), timeout=10, metadata=identity_metadata(INSPECTOR)
    )
    assert verified.intact and verified.entries == 2


def test_alerts_filter_by_site_and_rule_and_nobody_else_reads_them(sv: Watching) -> None:
    sv.deliver(accepted(C1, ACCEPTED_ON, 5))
    sv.sweep_on(date(2026, 12, 1))
    assert {a.rule for a in sv.alerts()} == {"time_limit", "calendar_gap"}
    assert {a.rule for a in sv.alerts(site_code="320826101")} == {"time_limit"}
    assert {a.rule for a in sv.alerts(rule="calendar_gap")} == {"calendar_gap"}
    with pytest.raises(grpc.RpcError) as refused:
        sv.stub.ListAlerts(
            S.ListAlertsRequest(), timeout=10, metadata=identity_metadata(as_role("clerk", "320826101"))
        )
    assert status_of(refused.value) == grpc.StatusCode.PERMISSION_DENIED


def test_the_loaded_rules_are_listed_with_their_parameters(sv: Watching) -> None:
    listed = sv.stub.ListRules(S.ListRulesRequest(), timeout=10, metadata=identity_metadata(INSPECTOR))
    by_name = {r.name: r for r in listed.rules}
    assert set(by_name) == BUILT_IN_RULES
    assert by_name["time_limit"].parameters_json == '{"order_days": 3}'
    assert by_name["time_limit"].title.startswith("时限预警")


def test_each_alert_is_a_span_in_its_case_trace(sv: Watching, recorded: InMemorySpanExporter) -> None:
    sv.deliver(accepted(C1, ACCEPTED_ON, 5))
    sv.sweep_on(date(2026, 10, 9))
    [alert] = sv.alerts(case_no=C1)

    def alert_span() -> ReadableSpan | None:
        spans = [s for s in recorded.get_finished_spans() if s.name == "supervision.alert"]
        return spans[0] if spans else None

    span = wait_until(alert_span, what="the alert's span")
    assert span.context is not None and f"{span.context.trace_id:032x}" == alert.trace_id
    attributes = dict(span.attributes or {})
    assert attributes["tongban.case_no"] == C1 and attributes["tongban.rule"] == "time_limit"
    assert attributes["tongban.severity"] == "ALERT_SEVERITY_REMINDER"


def test_two_late_completions_in_a_row_propose_public_criticism(sv: Watching) -> None:
    for case_no in (C1, C2, X1):
        sv.deliver(accepted(case_no, ACCEPTED_ON, 5))
    # On time, then late: no pair yet.
    sv.deliver(P.ReviewDecided(review=P.ReviewRef(case_no=C1), decided_on="2026-10-09", on_time=True))
    sv.deliver(P.ReviewDecided(review=P.ReviewRef(case_no=C2), decided_on="2026-10-12", on_time=False))
    assert sv.alerts(rule="repeated_lateness") == []
    sv.deliver(A.CaseResultIssued(case=case_ref(X1), completed_on="2026-10-13", on_time=False))
    [proposal] = sv.alerts(rule="repeated_lateness")
    assert proposal.case_no == X1 and "通报批评" in proposal.summary and proposal.department_code == "NJ"
