"""Attendance against a real staff server: late by a minute against on time, early leave, a
holiday against a make-up working day, a repeated check-in, absences and unattended windows
decided once when the day is closed (B covering for an absent A, leave excusing), a township
officer refused on another site, bad input refused and nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import grpc
from tongban.staff.v1 import accounts_pb2 as P
from tongban.staff.v1 import attendance_pb2 as A
from tongban.staff.v1 import events_pb2 as E
from tongban.staff.v1 import leave_pb2 as L

from services.common.calendar import WorkingCalendar
from services.common.clock import CHINA
from services.common.identity import Caller
from services.staff.day_closing import DayCloser
from tests.contract.helpers import field_violations, rpc_error
from tests.contract.staff_support import ADMIN, CLERK, OFFICER, StaffUnderTest, staff
from tests.support import identity_metadata, row_counts

__all__ = ["staff"]
_ids = iter(range(1, 10**9))
MZ = Caller("reviewer-mz", "320826000", frozenset({"reviewer"}), "MZ")
NJ = Caller("reviewer-nj", "320826000", frozenset({"reviewer"}), "NJ")
ZR = Caller("reviewer-zr", "320826000", frozenset({"reviewer"}), "ZR")


def rid() -> str:
    return f"attendance-{next(_ids)}"


def at(staff: StaffUnderTest, moment: str) -> None:
    staff.clock.moment = datetime.fromisoformat(moment).replace(tzinfo=CHINA)


def check_in(staff: StaffUnderTest, who: Caller, request_id: str = "") -> A.AttendanceRecord:
    request = A.CheckInRequest(request_id=request_id or rid())
    return staff.attendance.CheckIn(request, metadata=identity_metadata(who)).record


def check_out(staff: StaffUnderTest, who: Caller) -> A.AttendanceRecord:
    request = A.CheckOutRequest(request_id=rid())
    return staff.attendance.CheckOut(request, metadata=identity_metadata(who)).record


def close(staff: StaffUnderTest, site: str, day: str, who: Caller = ADMIN) -> A.CloseDayResponse:
    request = A.CloseDayRequest(request_id=rid(), site_code=site, day=day)
    return staff.attendance.CloseDay(request, metadata=identity_metadata(who))


def listing(staff: StaffUnderTest, site: str, day: str, who: Caller = ADMIN) -> A.ListAttendanceResponse:
    request = A.ListAttendanceRequest(site_code=site, day=day)
    return staff.attendance.ListAttendance(request, metadata=identity_metadata(who))


def test_late_by_a_minute_against_on_time_and_early_leave_likewise(staff: StaffUnderTest) -> None:
    # The windows open 08:30-12:00 and 14:00-17:30 (the demo organisation).
    at(staff, "2026-09-29T08:30:59")
    on_time = check_in(staff, CLERK)
    at(staff, "2026-09-29T08:31:00")
    late = check_in(staff, MZ)
    assert (on_time.minutes_late, on_time.status) == (0, A.ATTENDANCE_STATUS_AT_WORK)
    assert (late.minutes_late, late.status, late.checked_in_at) == (1, A.ATTENDANCE_STATUS_LATE, "08:31:00")
    at(staff, "2026-09-29T17:29:01")
    stayed = check_out(staff, CLERK)
    at(staff, "2026-09-29T17:29:00")
    left = check_out(staff, MZ)
    assert (stayed.minutes_early, stayed.status) == (0, A.ATTENDANCE_STATUS_ON_TIME)
    assert (left.minutes_early, left.status) == (1, A.ATTENDANCE_STATUS_LATE_AND_EARLY)
    assert [(e.user_id, e.window_code, e.day, e.minutes_late) for e in staff.published(E.LateArrival)] == [
        ("reviewer-mz", "320826000-W03", "2026-09-29", 1)
    ]
    assert [(e.user_id, e.checked_out_at, e.minutes_early) for e in staff.published(E.EarlyLeave)] == [
        ("reviewer-mz", "17:29:00", 1)
    ]


def test_a_holiday_is_not_judged_and_a_make_up_working_day_is(staff: StaffUnderTest) -> None:
    at(staff, "2026-10-01T09:00:00")  # National Day
    holiday = check_in(staff, CLERK)
    at(staff, "2026-10-10T09:00:00")  # a Saturday, worked in exchange (调休)
    make_up = check_in(staff, CLERK)
    assert (holiday.working_day, holiday.minutes_late, holiday.status) == (
        False,
        0,
        A.ATTENDANCE_STATUS_REST_DAY,
    )
    assert (make_up.working_day, make_up.minutes_late) == (True, 30)
    assert [e.day for e in staff.published(E.LateArrival)] == ["2026-10-10"]


def test_a_retried_check_in_replays_and_another_is_refused(staff: StaffUnderTest) -> None:
    at(staff, "2026-09-29T08:40:00")
    first = check_in(staff, CLERK, "same-request")
    at(staff, "2026-09-29T08:45:00")
    assert check_in(staff, CLERK, "same-request") == first
    before = row_counts(staff.db)
    again = rpc_error(lambda: check_in(staff, CLERK))
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "08:40:00" in (again.details() or "")
    assert len(staff.published(E.LateArrival)) == 1
    out_first = rpc_error(lambda: check_out(staff, MZ))
    assert out_first.code() == grpc.StatusCode.FAILED_PRECONDITION
    check_out(staff, CLERK)
    assert rpc_error(lambda: check_out(staff, CLERK)).code() == grpc.StatusCode.FAILED_PRECONDITION
    after = row_counts(staff.db)
    assert after["attendance"] == before["attendance"]


def test_closing_a_day_decides_absences_and_unattended_windows_once(staff: StaffUnderTest) -> None:
    # reviewer-zr is on approved leave on Tuesday 09-29 (one day: the business section alone).
    leave = staff.leave.RequestLeave(
        L.RequestLeaveRequest(request_id=rid(), start_on="2026-09-29", end_on="2026-09-29", reason="事假"),
        metadata=identity_metadata(ZR),
    ).leave
    staff.leave.DecideLeave(
        L.DecideLeaveRequest(
            request_id=rid(), leave_id=leave.leave_id, level=L.APPROVAL_LEVEL_BUSINESS_SECTION, approve=True
        ),
        metadata=identity_metadata(ADMIN),
    )
    # MZ's A post (reviewer-mz) does not come; its B post (reviewer-nj) is there all day.
    at(staff, "2026-09-29T08:20:00")
    check_in(staff, NJ)
    # The township's only clerk leaves at noon: W01 is unattended all afternoon (210 minutes).
    at(staff, "2026-09-29T08:30:00")
    check_in(staff, CLERK)
    at(staff, "2026-09-29T12:00:00")
    check_out(staff, CLERK)
    at(staff, "2026-09-29T17:40:00")
    check_out(staff, NJ)
    # Not before the day is over.
    early = rpc_error(lambda: close(staff, "320826000", "2026-09-29"))
    assert set(field_violations(early)) == {"day"}

    at(staff, "2026-09-30T08:00:00")
    county = close(staff, "320826000", "2026-09-29")
    assert (county.working_day, county.already_closed, county.absences) == (True, False, 5)
    absent = {e.user_id for e in staff.published(E.Absence)}
    assert absent == {"clerk-county", "reviewer-county", "reviewer-ga-b", "reviewer-mz", "reviewer-zj"}
    unattended = {
        e.window_code: (e.unattended_minutes, e.whole_day) for e in staff.published(E.WindowUnattended)
    }
    # B covered W03; W05's A is on leave and its B absent; W06, W07, W09 have nobody at all.
    assert "320826000-W03" not in unattended and "320826000-W04" not in unattended
    assert unattended["320826000-W05"] == (420, True)
    assert {"320826000-W01", "320826000-W02", "320826000-W06"} <= set(unattended)

    township = close(staff, "320826101", "2026-09-29", who=OFFICER)
    assert township.absences == 0
    day = listing(staff, "320826101", "2026-09-29", who=OFFICER)
    assert day.closed
    assert next((u.window_code, u.unattended_minutes, u.whole_day) for u in day.unattended) == (
        "320826101-W01",
        210,
        False,
    )
    clerk = next(r for r in day.records if r.user_id == "clerk-gaogou")
    assert (clerk.checked_in_at, clerk.checked_out_at, clerk.minutes_early, clerk.status) == (
        "08:30:00",
        "12:00:00",
        330,
        A.ATTENDANCE_STATUS_EARLY_LEAVE,
    )
    statuses = {r.user_id: r.status for r in listing(staff, "320826000", "2026-09-29").records}
    assert statuses["reviewer-mz"] == A.ATTENDANCE_STATUS_ABSENT
    assert statuses["reviewer-zr"] == A.ATTENDANCE_STATUS_ON_LEAVE
    assert statuses["reviewer-nj"] == A.ATTENDANCE_STATUS_ON_TIME

    # Closing again (by hand, or the sweep) decides and announces nothing twice.
    counts = (len(staff.published(E.Absence)), len(staff.published(E.WindowUnattended)))
    again = close(staff, "320826000", "2026-09-29")
    assert (again.already_closed, again.absences) == (True, 5)
    assert (len(staff.published(E.Absence)), len(staff.published(E.WindowUnattended))) == counts


def test_a_rest_day_closes_with_no_absence(staff: StaffUnderTest) -> None:
    at(staff, "2026-10-05T08:00:00")
    closed = close(staff, "320826000", "2026-10-03")
    assert (closed.working_day, closed.absences, closed.unattended_windows) == (False, 0, 0)
    assert staff.published(E.Absence) == []


def test_the_sweep_closes_days_gone_by_from_a_sites_first_check_in(staff: StaffUnderTest) -> None:
    at(staff, "2026-09-29T08:30:00")
    check_in(staff, CLERK)
    at(staff, "2026-10-09T10:00:00")
    closer = DayCloser(staff.db, WorkingCalendar.load(), staff.clock, lookback=14)
    # Only the township has tracked attendance: its days from 09-29 to 10-08.
    assert closer.sweep() == 10
    assert closer.sweep() == 0
    assert listing(staff, "320826101", "2026-10-08", who=OFFICER).closed
    assert not listing(staff, "320826000", "2026-10-08").closed


def test_a_township_officer_is_refused_on_another_site_and_nothing_changes(staff: StaffUnderTest) -> None:
    at(staff, "2026-09-30T08:00:00")
    before = row_counts(staff.db)
    refused = rpc_error(lambda: close(staff, "320826000", "2026-09-29", who=OFFICER))
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(lambda: listing(staff, "320826000", "2026-09-29", who=OFFICER)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    bad = rpc_error(lambda: close(staff, "999999999", "2026-02-30"))
    assert set(field_violations(bad)) == {"day", "site_code"}
    after = row_counts(staff.db)
    assert {t: n for t, n in after.items() if t != "idempotency_keys"} == {
        t: n for t, n in before.items() if t != "idempotency_keys"
    }


def test_two_check_ins_at_once_one_wins_and_the_other_is_refused(staff: StaffUnderTest) -> None:
    at(staff, "2026-09-29T08:00:00")
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda _: _outcome(lambda: check_in(staff, CLERK)), range(4)))
    assert sorted(outcomes, key=str) == sorted(
        [grpc.StatusCode.OK, *[grpc.StatusCode.FAILED_PRECONDITION] * 3], key=str
    )


def _outcome(call: Callable[[], object]) -> grpc.StatusCode:
    try:
        call()
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def test_a_disabled_account_is_out_of_post_not_absent_and_b_covers(staff: StaffUnderTest) -> None:
    staff.accounts.DisableAccount(
        P.DisableAccountRequest(request_id=rid(), user_id="reviewer-mz", reason="停职检查"),
        metadata=identity_metadata(ADMIN),
    )
    at(staff, "2026-09-29T08:25:00")
    check_in(staff, NJ)
    at(staff, "2026-09-30T08:00:00")
    close(staff, "320826000", "2026-09-29")
    assert "reviewer-mz" not in {e.user_id for e in staff.published(E.Absence)}
    assert "320826000-W03" not in {e.window_code for e in staff.published(E.WindowUnattended)}
