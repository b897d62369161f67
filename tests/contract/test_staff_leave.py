"""Leave against a real staff server: counted in working days across a weekend and a holiday, its
chain set by its length, the A/B handover while A is away and back after 销假, quarterly totals,
a township officer refused on another site, bad input refused and nothing changed."""

from __future__ import annotations

import grpc
from tongban.staff.v1 import events_pb2 as E
from tongban.staff.v1 import leave_pb2 as L
from tongban.staff.v1 import organisation_pb2 as G

from services.common.identity import Caller
from tests.contract.helpers import field_violations, rpc_error
from tests.contract.staff_support import ADMIN, CLERK, OFFICER, StaffUnderTest, staff
from tests.support import identity_metadata, row_counts

__all__ = ["staff"]
_ids = iter(range(1, 10**9))
SECTION, DEPUTY, UNIT = (
    L.APPROVAL_LEVEL_BUSINESS_SECTION,
    L.APPROVAL_LEVEL_DEPUTY_DIRECTOR,
    L.APPROVAL_LEVEL_ORIGINAL_UNIT,
)
MZ = Caller("reviewer-mz", "320826000", frozenset({"reviewer"}), "MZ")


def rid() -> str:
    return f"leave-{next(_ids)}"


def ask(staff: StaffUnderTest, who: Caller, start: str, end: str, reason: str = "事假") -> L.Leave:
    request = L.RequestLeaveRequest(request_id=rid(), start_on=start, end_on=end, reason=reason)
    return staff.leave.RequestLeave(request, metadata=identity_metadata(who)).leave


def decide(staff: StaffUnderTest, leave: L.Leave, level: int, approve: bool = True) -> L.Leave:
    request = L.DecideLeaveRequest(request_id=rid(), leave_id=leave.leave_id, level=level, approve=approve)
    return staff.leave.DecideLeave(request, metadata=identity_metadata(ADMIN)).leave


def approve_all(staff: StaffUnderTest, leave: L.Leave) -> L.Leave:
    for level in leave.chain:
        leave = decide(staff, leave, level)
    return leave


def test_two_working_days_against_three_across_a_weekend_and_a_holiday(staff: StaffUnderTest) -> None:
    # Thursday to Monday: the Mid-Autumn Festival (Friday 09-25) and the weekend do not count.
    weekend = ask(staff, CLERK, "2026-09-24", "2026-09-28")
    # Wednesday to the Thursday after National Day: the holiday does not count ...
    holiday = ask(
        staff, Caller("reviewer-nj", "320826000", frozenset({"reviewer"}), "NJ"), "2026-09-30", "2026-10-08"
    )
    # ... and one day more makes three: the original unit's leader must approve too.
    three = ask(staff, MZ, "2026-09-29", "2026-10-08")
    assert [(x.working_days, list(x.chain)) for x in (weekend, holiday, three)] == [
        (2, [SECTION, DEPUTY]),
        (2, [SECTION, DEPUTY]),
        (3, [SECTION, DEPUTY, UNIT]),
    ]
    one = ask(staff, CLERK, "2026-10-09", "2026-10-10")  # Friday and the make-up Saturday: two
    assert one.working_days == 2
    # The levels come in order; the last one approves.
    wrong = rpc_error(lambda: decide(staff, three, UNIT))
    assert set(field_violations(wrong)) == {"level"}
    assert decide(staff, holiday, SECTION).state == L.LEAVE_STATE_PENDING
    assert decide(staff, holiday, DEPUTY).state == L.LEAVE_STATE_APPROVED
    assert decide(staff, decide(staff, three, SECTION), DEPUTY).state == L.LEAVE_STATE_PENDING
    approved = decide(staff, three, UNIT)
    assert approved.state == L.LEAVE_STATE_APPROVED
    assert [(a.level, a.decided_by) for a in approved.approvals] == [
        (SECTION, "admin-county"),
        (DEPUTY, "admin-county"),
        (UNIT, "admin-county"),
    ]
    announced = staff.published(E.LeaveApproved)
    assert [(e.user_id, e.working_days, e.window_code) for e in announced] == [
        ("reviewer-nj", 2, "320826000-W04"),
        ("reviewer-mz", 3, "320826000-W03"),
    ]
    assert "事假" not in str(announced)  # the reason stays with staff


def test_a_centre_sets_its_own_chain(staff: StaffUnderTest) -> None:
    staff.leave.SetLeavePolicy(
        L.SetLeavePolicyRequest(
            request_id=rid(), site_code="320826000", section_max_days=2, deputy_max_days=5
        ),
        metadata=identity_metadata(ADMIN),
    )
    assert list(ask(staff, MZ, "2026-09-29", "2026-10-08").chain) == [SECTION, DEPUTY]


def duty(staff: StaffUnderTest, day: str) -> tuple[str, int]:
    found = staff.organisation.GetWindowDuty(
        G.GetWindowDutyRequest(window_code="320826000-W03", day=day), metadata=identity_metadata(CLERK)
    )
    return found.on_duty, found.reason


def test_b_covers_while_a_is_on_leave_and_a_is_back_after_reporting_return(staff: StaffUnderTest) -> None:
    leave = approve_all(staff, ask(staff, MZ, "2026-10-08", "2026-10-12"))
    assert duty(staff, "2026-10-07") == ("reviewer-mz", G.DUTY_REASON_A_POST)
    assert duty(staff, "2026-10-08") == ("reviewer-nj", G.DUTY_REASON_A_ON_LEAVE)
    assert duty(staff, "2026-10-09") == ("reviewer-nj", G.DUTY_REASON_A_ON_LEAVE)
    # Back a day early (销假): A is on duty again from that day.
    back = staff.leave.ReportReturn(
        L.ReportReturnRequest(request_id=rid(), leave_id=leave.leave_id, returned_on="2026-10-09"),
        metadata=identity_metadata(MZ),
    ).leave
    assert (back.state, back.returned_on) == (L.LEAVE_STATE_RETURNED, "2026-10-09")
    assert duty(staff, "2026-10-08") == ("reviewer-nj", G.DUTY_REASON_A_ON_LEAVE)
    assert duty(staff, "2026-10-09") == ("reviewer-mz", G.DUTY_REASON_A_POST)
    assert [e.returned_on for e in staff.published(E.LeaveReturned)] == ["2026-10-09"]


def test_quarterly_totals_count_working_days_in_each_quarter(staff: StaffUnderTest) -> None:
    approve_all(staff, ask(staff, MZ, "2026-09-29", "2026-10-08"))  # 9-29, 9-30 | 10-08
    early = approve_all(staff, ask(staff, MZ, "2026-10-12", "2026-10-16"))  # back on 10-14: 10-12, 10-13
    staff.leave.ReportReturn(
        L.ReportReturnRequest(request_id=rid(), leave_id=early.leave_id, returned_on="2026-10-14"),
        metadata=identity_metadata(MZ),
    )
    ask(staff, MZ, "2026-11-02", "2026-11-03")  # pending: not counted

    def totals(quarter: int) -> dict[str, int]:
        listed = staff.leave.ListLeave(
            L.ListLeaveRequest(site_code="320826000", year=2026, quarter=quarter),
            metadata=identity_metadata(ADMIN),
        )
        return {t.user_id: t.working_days for t in listed.totals}

    assert totals(3) == {"reviewer-mz": 2}
    assert totals(4) == {"reviewer-mz": 1 + 2}


def test_a_township_officer_decides_only_their_own_sub_centres_leave(staff: StaffUnderTest) -> None:
    county = ask(staff, MZ, "2026-10-12", "2026-10-12")
    before = row_counts(staff.db)
    refused = rpc_error(
        lambda: staff.leave.DecideLeave(
            L.DecideLeaveRequest(request_id=rid(), leave_id=county.leave_id, level=SECTION, approve=True),
            metadata=identity_metadata(OFFICER),
        )
    )
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
    assert {t: n for t, n in row_counts(staff.db).items() if t != "idempotency_keys"} == {
        t: n for t, n in before.items() if t != "idempotency_keys"
    }
    own = ask(staff, CLERK, "2026-10-12", "2026-10-12")
    decided = staff.leave.DecideLeave(
        L.DecideLeaveRequest(request_id=rid(), leave_id=own.leave_id, level=SECTION, approve=True),
        metadata=identity_metadata(OFFICER),
    ).leave
    assert decided.state == L.LEAVE_STATE_APPROVED


def test_bad_leave_requests_are_refused_field_by_field(staff: StaffUnderTest) -> None:
    before = row_counts(staff.db)
    backwards = rpc_error(lambda: ask(staff, MZ, "2026-10-12", "2026-10-09"))
    assert set(field_violations(backwards)) == {"end_on"}
    weekend = rpc_error(lambda: ask(staff, MZ, "2026-10-17", "2026-10-18"))
    assert set(field_violations(weekend)) == {"start_on"}
    blank = rpc_error(lambda: ask(staff, MZ, "", "2026-02-30", reason=" "))
    assert set(field_violations(blank)) == {"start_on", "end_on", "reason"}
    for_someone_else = L.RequestLeaveRequest(
        request_id=rid(), user_id="clerk-gaogou", start_on="2026-10-12", end_on="2026-10-12", reason="x"
    )
    assert (
        rpc_error(lambda: staff.leave.RequestLeave(for_someone_else, metadata=identity_metadata(MZ))).code()
        == grpc.StatusCode.PERMISSION_DENIED
    )
    after = row_counts(staff.db)
    assert {t: n for t, n in after.items() if t != "idempotency_keys"} == {
        t: n for t, n in before.items() if t != "idempotency_keys"
    }
