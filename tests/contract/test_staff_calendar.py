"""The calendar, administered at the staff service: a year previewed and loaded, announced to every
service, corrected before it starts; a change to a day already past refused."""

from __future__ import annotations

from datetime import date, timedelta

import grpc
from tongban.staff.v1 import calendar_pb2 as K
from tongban.staff.v1 import events_pb2 as E

from tests.contract.helpers import field_violations, precondition_subjects, rpc_error
from tests.contract.staff_support import ADMIN, CLERK, StaffUnderTest, staff
from tests.support import identity_metadata, row_counts

__all__ = ["staff"]
_ids = iter(range(1, 10**9))
SOURCE = "国务院办公厅关于2027年部分节假日安排的通知（测试用）"
# Invented for the tests: New Year's Day on Friday with the weekend, and a make-up Saturday.
HOLIDAYS_2027 = ["2027-01-01", "2027-01-02", "2027-01-03", "2027-02-08", "2027-02-09"]
MAKEUP_2027 = ["2027-02-06"]


def load(
    staff: StaffUnderTest, year: int, holidays: list[str], makeup: list[str]
) -> K.LoadCalendarYearResponse:
    return staff.calendar.LoadCalendarYear(
        K.LoadCalendarYearRequest(
            request_id=f"calendar-{next(_ids)}",
            year=year,
            holidays=holidays,
            makeup_workdays=makeup,
            source=SOURCE,
        ),
        metadata=identity_metadata(ADMIN),
    )


def test_a_year_is_previewed_loaded_announced_and_counted_with(staff: StaffUnderTest) -> None:
    admin = identity_metadata(ADMIN)
    missing = rpc_error(
        lambda: staff.calendar.GetCalendarYear(K.GetCalendarYearRequest(year=2027), metadata=admin)
    )
    assert missing.code() == grpc.StatusCode.NOT_FOUND
    before = row_counts(staff.db)
    preview = staff.calendar.PreviewCalendarYear(
        K.PreviewCalendarYearRequest(
            year=2027, holidays=HOLIDAYS_2027, makeup_workdays=MAKEUP_2027, source=SOURCE
        ),
        metadata=admin,
    )
    assert preview.current.source == "" and preview.working_days == 261 - 3 + 1
    assert row_counts(staff.db) == before  # a preview stores nothing
    load(staff, 2027, HOLIDAYS_2027, MAKEUP_2027)
    year = staff.calendar.GetCalendarYear(
        K.GetCalendarYearRequest(year=2027), metadata=identity_metadata(CLERK)
    )
    assert (list(year.year.holidays), year.year.source, year.working_days) == (HOLIDAYS_2027, SOURCE, 259)
    announced = staff.published(E.CalendarYearPublished)
    assert [(e.year, list(e.makeup_workdays), e.published_by) for e in announced] == [
        (2027, MAKEUP_2027, "admin-county")
    ]
    # Corrected before it starts: the preview shows the days that change.
    corrected = [*HOLIDAYS_2027, "2027-01-04"]
    changes = staff.calendar.PreviewCalendarYear(
        K.PreviewCalendarYearRequest(
            year=2027, holidays=corrected, makeup_workdays=MAKEUP_2027, source=SOURCE
        ),
        metadata=admin,
    ).changes
    assert [(c.day, c.working_before, c.working_after) for c in changes] == [("2027-01-04", True, False)]
    assert [c.day for c in load(staff, 2027, corrected, MAKEUP_2027).changes] == ["2027-01-04"]
    assert staff.published(E.CalendarYearPublished)[-1].changed_days == 1


def test_a_day_already_past_is_never_changed(staff: StaffUnderTest) -> None:
    # Today is 2026-09-28: National Day (2026-10-01..) may still be corrected, September 1 may not.
    today = staff.clock.now().date()
    current = staff.calendar.GetCalendarYear(
        K.GetCalendarYearRequest(year=2026), metadata=identity_metadata(ADMIN)
    ).year
    future_fix = [*current.holidays, "2026-12-31"]
    before = row_counts(staff.db)
    error = rpc_error(
        lambda: load(staff, 2026, [*current.holidays, "2026-09-01"], list(current.makeup_workdays))
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert precondition_subjects(error) == ["2026-09-01"]
    assert staff.published(E.CalendarYearPublished) == []
    assert {t: n for t, n in row_counts(staff.db).items() if t != "idempotency_keys"} == {
        t: n for t, n in before.items() if t != "idempotency_keys"
    }
    assert date(2026, 12, 31) > today + timedelta(days=1)
    assert [c.day for c in load(staff, 2026, future_fix, list(current.makeup_workdays)).changes] == [
        "2026-12-31"
    ]


def test_a_wrong_year_is_refused_field_by_field(staff: StaffUnderTest) -> None:
    error = rpc_error(lambda: load(staff, 2027, ["2027-02-30"], ["2027-02-08"]))
    assert set(field_violations(error)) == {"holidays[0]"}
    error = rpc_error(lambda: load(staff, 2027, ["2026-12-31"], []))
    assert set(field_violations(error)) == {"holidays"}
    error = rpc_error(lambda: load(staff, 2027, ["2027-01-01"], ["2027-02-08"]))  # a Monday
    assert "Saturday or Sunday" in field_violations(error)["holidays"]
