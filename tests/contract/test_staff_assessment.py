"""Assessment against a real staff server: supervision's deductions delivered as events (each
counted once, bad ones rejected), praise capped, long leave, a total worked out by hand for a
quarter and for the year, the awards, a township officer refused on another site, bad input
refused and nothing changed."""

from __future__ import annotations

from datetime import datetime

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from tongban.events.v1 import event_pb2, intake_pb2, intake_pb2_grpc
from tongban.staff.v1 import assessment_pb2 as S
from tongban.staff.v1 import leave_pb2 as L
from tongban.supervision.v1 import deductions_pb2 as D

from services.common.clock import CHINA
from services.common.identity import Caller
from tests.contract.helpers import field_violations, rpc_error
from tests.contract.staff_support import ADMIN, CLERK, OFFICER, StaffUnderTest, staff
from tests.support import envelope, identity_metadata, row_counts

__all__ = ["staff"]
_ids = iter(range(1, 10**9))
SUPERVISION_RELAY = Caller("service:supervision", "", frozenset({"service"}))
TOWNSHIP, W01 = "320826101", "320826101-W01"


def rid() -> str:
    return f"assessment-{next(_ids)}"


def deduction(finding: str, points: int, decided: str, user: str = "clerk-gaogou") -> event_pb2.Event:
    stamp = Timestamp()
    stamp.FromDatetime(datetime.fromisoformat(decided).replace(tzinfo=CHINA))
    payload = D.DeductionRecorded(
        finding_id=finding,
        accountability_case_id=f"WZ-{finding}",
        user_id=user,
        window_code=W01 if user == "clerk-gaogou" else "",
        site_code=TOWNSHIP if user == "clerk-gaogou" else "",
        points=points,
        reason_code="late",
        decided_at=stamp,
    )
    return envelope(payload, source="supervision", aggregate_id=f"WZ-{finding}")


def deliver(staff: StaffUnderTest, *events: event_pb2.Event) -> intake_pb2.DeliverEventsResponse:
    """Through the running service's own intake, as supervision's relay delivers them."""
    return intake_pb2_grpc.EventIntakeServiceStub(staff.channel).DeliverEvents(
        intake_pb2.DeliverEventsRequest(events=events), metadata=identity_metadata(SUPERVISION_RELAY)
    )


def praise(
    staff: StaffUnderTest, kind: int, user: str = "", window: str = "", who: Caller = ADMIN
) -> S.Praise:
    request = S.RecordPraiseRequest(
        request_id=rid(), user_id=user, window_code=window, kind=kind, awarded_on="2026-09-28"
    )
    return staff.assessment.RecordPraise(request, metadata=identity_metadata(who)).praise


def assessment(
    staff: StaffUnderTest, site: str, quarter: int, who: Caller = ADMIN
) -> S.GetAssessmentResponse:
    request = S.GetAssessmentRequest(site_code=site, year=2026, quarter=quarter)
    return staff.assessment.GetAssessment(request, metadata=identity_metadata(who))


def six_days_leave(staff: StaffUnderTest) -> None:
    """Mon 10-12 to Mon 10-19: six working days, every level approving."""
    leave = staff.leave.RequestLeave(
        L.RequestLeaveRequest(request_id=rid(), start_on="2026-10-12", end_on="2026-10-19", reason="事假"),
        metadata=identity_metadata(CLERK),
    ).leave
    assert leave.working_days == 6
    for level in leave.chain:
        staff.leave.DecideLeave(
            L.DecideLeaveRequest(request_id=rid(), leave_id=leave.leave_id, level=level, approve=True),
            metadata=identity_metadata(ADMIN),
        )


def test_a_quarter_and_a_year_worked_out_by_hand(staff: StaffUnderTest) -> None:
    late = deduction("F-2", 3, "2026-10-15T10:00:00")
    counted = deliver(
        staff,
        deduction("F-1", 4, "2026-09-28T16:00:00"),  # the third quarter
        late,
        deduction("F-3", 2, "2026-12-31T23:59:00"),  # still the fourth quarter, China time
    )
    assert (counted.applied_count, counted.rejected_count) == (3, 0)
    # The same event again, and the same finding under another event id: counted once.
    again = deliver(staff, late, deduction("F-2", 3, "2026-10-15T10:00:00"))
    assert (again.applied_count, again.duplicate_count) == (1, 1)
    # Praise: a banner (3) and three times 1 point: 6, capped at 5 a quarter.
    praise(staff, S.PRAISE_KIND_BANNER, user="clerk-gaogou")
    for kind in (S.PRAISE_KIND_CARD, S.PRAISE_KIND_CARD, S.PRAISE_KIND_GOOD_REVIEW):
        praise(staff, kind, user="clerk-gaogou", who=OFFICER)
    # A window's own praise: W03 of the township, a card.
    assert praise(staff, S.PRAISE_KIND_CARD, window="320826101-W03", who=OFFICER).points == 1
    six_days_leave(staff)

    q3 = assessment(staff, TOWNSHIP, 3)
    clerk = next(p for p in q3.people if p.user_id == "clerk-gaogou")
    # 100 - 4 + min(6, 5) - 0 (no leave in the third quarter)
    assert (clerk.score.deductions, clerk.score.bonus, clerk.score.total) == (4, 5, 101)
    q4 = next(p for p in assessment(staff, TOWNSHIP, 4).people if p.user_id == "clerk-gaogou")
    # 100 - (3 + 2) + 0 (the praise was in September) - (6 - 5 free days)
    assert (q4.score.deductions, q4.score.bonus, q4.score.leave_days, q4.score.leave_points) == (5, 0, 6, 1)
    assert q4.score.total == 94
    assert [(d.finding_id, d.accountability_case_id, d.points) for d in q4.deductions] == [
        ("F-2", "WZ-F-2", 3),
        ("F-3", "WZ-F-3", 2),
    ]
    year = assessment(staff, TOWNSHIP, 0)
    whole = next(p for p in year.people if p.user_id == "clerk-gaogou")
    # 100 - (4 + 3 + 2) + min(6, 10) - max(0, 6 - 10)
    assert (whole.score.deductions, whole.score.bonus, whole.score.leave_points, whole.score.total) == (
        9,
        6,
        0,
        97,
    )
    assert (year.first_day, year.last_day) == ("2026-01-01", "2026-12-31")
    # Windows: W03 (101, no deduction) is the red-flag window; W01 had deductions.
    windows = {w.window_code: (w.score.total, w.score.rank, w.red_flag) for w in year.windows}
    assert windows["320826101-W03"] == (101, 1, True)
    assert windows[W01] == (100 - 9 + 6, 6, False)
    assert year.windows[0].window_code == "320826101-W03"
    assert not whole.advanced_worker


def test_advanced_workers_are_the_top_three_without_deductions(staff: StaffUnderTest) -> None:
    for user, kinds in {
        "reviewer-mz": [S.PRAISE_KIND_BANNER],
        "reviewer-nj": [S.PRAISE_KIND_CARD, S.PRAISE_KIND_CARD],
        "reviewer-zr": [S.PRAISE_KIND_CARD, S.PRAISE_KIND_CARD],
        "reviewer-zj": [S.PRAISE_KIND_CARD],
        "clerk-county": [S.PRAISE_KIND_BANNER],
    }.items():
        for kind in kinds:
            praise(staff, kind, user=user)
    deliver(staff, deduction("F-9", 1, "2026-09-29T09:00:00", user="clerk-county"))
    people = assessment(staff, "320826000", 3).people
    ranked = [(p.user_id, p.score.total, p.score.rank, p.advanced_worker) for p in people][:5]
    assert ranked == [
        ("reviewer-mz", 103, 1, True),
        ("clerk-county", 102, 2, False),  # 100 - 1 + 3: a deduction, no award
        ("reviewer-nj", 102, 2, True),
        ("reviewer-zr", 102, 2, True),
        ("reviewer-zj", 101, 5, False),
    ]


def test_bad_deduction_events_are_rejected_and_nothing_is_counted(staff: StaffUnderTest) -> None:
    before = row_counts(staff.db)["assessment_deductions"]
    zero = deduction("F-5", 0, "2026-10-15T10:00:00")
    stranger = deduction("F-6", 2, "2026-10-15T10:00:00", user="nobody-known")
    counts = deliver(staff, zero, stranger)
    assert (counts.applied_count, counts.rejected_count) == (0, 2)
    assert row_counts(staff.db)["assessment_deductions"] == before


def test_a_township_officer_is_refused_on_another_site_and_bad_praise_changes_nothing(
    staff: StaffUnderTest,
) -> None:
    before = row_counts(staff.db)
    refused = rpc_error(lambda: praise(staff, S.PRAISE_KIND_CARD, user="reviewer-mz", who=OFFICER))
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(lambda: assessment(staff, "320826000", 4, who=OFFICER)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    blank = S.RecordPraiseRequest(request_id=rid(), awarded_on="2026-12-01")
    bad = rpc_error(lambda: staff.assessment.RecordPraise(blank, metadata=identity_metadata(ADMIN)))
    assert set(field_violations(bad)) == {"window_code", "kind", "awarded_on"}
    unknown = S.RecordPraiseRequest(request_id=rid(), user_id="nobody", kind=S.PRAISE_KIND_CARD)
    assert set(
        field_violations(
            rpc_error(lambda: staff.assessment.RecordPraise(unknown, metadata=identity_metadata(ADMIN)))
        )
    ) == {"user_id"}
    after = row_counts(staff.db)
    assert {t: n for t, n in after.items() if t != "idempotency_keys"} == {
        t: n for t, n in before.items() if t != "idempotency_keys"
    }
