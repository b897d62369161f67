"""The year boundary: on 1 January, with next year's calendar not loaded yet, every open case is
still readable (its clock counted up to 31 December, the missing year named); only an action that
must count days in the missing year is refused, naming the year and how to load it. Once the year
is loaded, the clocks are whole again. Both services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import grpc
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import acceptance_pb2_grpc
from tongban.approval.v1 import approval_pb2 as R
from tongban.approval.v1 import approval_pb2_grpc
from tongban.approval.v1 import events_pb2 as approval_events

from services.acceptance import app as acceptance_app
from services.acceptance.events import CountyResults
from services.approval import app as approval_app
from services.common.calendar import WorkingCalendar
from services.common.clock import CHINA, FixedClock
from services.common.settings import Settings
from tests.conftest import AcceptanceUnderTest
from tests.contract.helpers import (
    JOINT,
    JOINT_COMPLETE,
    TOWNSHIP,
    TOWNSHIP_COMPLETE,
    rpc_error,
    submit_request,
)
from tests.contract.review_support import ApprovalUnderTest, accepted_event, approval
from tests.support import INTERNAL_KEY, clerk, envelope, identity_metadata, reviewer

__all__ = ["approval"]

AS_CLERK = identity_metadata(clerk())
NJ = identity_metadata(reviewer("NJ"))
TRACTOR = "320826-NJ-XK-001"  # 5 working days: 乡镇初审 1, 部门审核 2 (NJ), 审批决定 2 (NJ)
NEW_YEAR = datetime(2027, 1, 4, 9, 0, tzinfo=CHINA)  # the first working Monday
# Test data in the calendar file's format, not the State Council's arrangement for 2027.
CALENDAR_2027 = """
[years.2027]
source = "测试数据：不是国务院公布的安排 / test data"
holidays = ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"]
makeup_workdays = ["2027-01-30"]
"""


def _at(clock: FixedClock, moment: datetime) -> None:
    clock.moment = moment


def _calendar_file(tmp_path: Path) -> Path:
    path = tmp_path / "calendar-2027.toml"
    path.write_text(CALENDAR_2027, encoding="utf-8")
    return path


def test_window_cases_are_read_across_new_year_and_only_date_actions_wait(
    acceptance: AcceptanceUnderTest, tmp_path: Path
) -> None:
    _at(acceptance.clock, datetime(2026, 12, 1, 9, 0, tzinfo=CHINA))
    township = acceptance.cases.SubmitApplication(
        submit_request(TOWNSHIP, TOWNSHIP_COMPLETE), metadata=AS_CLERK
    ).case
    assert township.promised_date == "2026-12-22"  # 15 working days, all in 2026
    _at(acceptance.clock, datetime(2026, 12, 21, 9, 0, tzinfo=CHINA))
    county = acceptance.cases.SubmitApplication(submit_request(JOINT, JOINT_COMPLETE), metadata=AS_CLERK).case
    assert county.promised_date == "2026-12-28"
    # Accepting a case whose promised date falls in 2027 must wait for the 2027 calendar.
    late = rpc_error(
        lambda: acceptance.cases.SubmitApplication(
            submit_request(TOWNSHIP, TOWNSHIP_COMPLETE), metadata=AS_CLERK
        )
    )
    assert late.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "2027" in late.details() and "TONGBAN_CALENDAR_FILES" in late.details()
    # The county decides on 31 December; the Art. 44 issue deadline falls in January.
    decided = approval_events.ReviewDecided(
        review=approval_events.ReviewRef(case_no=county.case_no),
        outcome=1,  # type: ignore[arg-type]
        document_number="ZY-GA-2026-00009",
        decided_on="2026-12-31",
        on_time=True,
    )
    with acceptance.db.transaction() as session:
        CountyResults(WorkingCalendar.load()).consumer()(
            session, envelope(decided, source="approval", aggregate_id=county.case_no)
        )

    _at(acceptance.clock, NEW_YEAR)
    overdue = acceptance.cases.GetCase(A.GetCaseRequest(case_no=township.case_no), metadata=AS_CLERK).case
    # Overdue since 22 Dec: at least the 7 working days of 23–31 Dec, and the missing year named.
    assert (overdue.overdue, overdue.working_days_left, overdue.calendar_missing_year) == (True, -7, 2027)
    waiting = acceptance.cases.GetCase(A.GetCaseRequest(case_no=county.case_no), metadata=AS_CLERK).case
    assert (waiting.state, waiting.issue_due_on, waiting.calendar_missing_year) == (
        A.CASE_STATE_DECIDED,
        "",
        2027,
    )
    listed = acceptance.cases.ListCases(A.ListCasesRequest(overdue_only=True), metadata=AS_CLERK)
    assert [c.case_no for c in listed.cases] == [township.case_no]
    assert len(acceptance.cases.ListCases(A.ListCasesRequest(), metadata=AS_CLERK).cases) == 2

    # The administrator loads 2027 and the service restarts: the clocks are whole again.
    settings = Settings(
        port=0,
        database_url=str(acceptance.db.url),
        internal_key=INTERNAL_KEY.decode(),
        var_dir=tmp_path,
        calendar_files=[_calendar_file(tmp_path)],
    )
    running = acceptance_app.build(settings, db=acceptance.db, clock=FixedClock(NEW_YEAR))
    running.server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            cases = acceptance_pb2_grpc.AcceptanceServiceStub(channel)
            whole = cases.GetCase(A.GetCaseRequest(case_no=township.case_no), metadata=AS_CLERK).case
            # 23–31 Dec (7) and 4 Jan: 1 Jan is a holiday in the file.
            assert (whole.working_days_left, whole.calendar_missing_year) == (-8, 0)
            deadline = cases.GetCase(A.GetCaseRequest(case_no=county.case_no), metadata=AS_CLERK).case
            # 10 working days after 31 Dec 2026: 4–8, 11–15 Jan.
            assert (deadline.issue_due_on, deadline.calendar_missing_year) == ("2027-01-15", 0)
    finally:
        running.server.stop(0).wait()


def test_reviews_are_read_across_new_year_and_only_decisions_wait(
    approval: ApprovalUnderTest, tmp_path: Path
) -> None:
    case_no = "320826101-20261221-0001"
    _at(approval.clock, datetime(2026, 12, 21, 9, 0, tzinfo=CHINA))
    approval.deliver(accepted_event(TRACTOR, case_no, accepted_on=date(2026, 12, 21)))
    _at(approval.clock, datetime(2026, 12, 22, 9, 0, tzinfo=CHINA))
    for number, caller in ((1, AS_CLERK), (2, NJ)):
        approval.reviews.CompleteStep(
            R.CompleteStepRequest(
                request_id=f"y-{number}", case_no=case_no, step_number=number, verdict=R.VERDICT_APPROVE
            ),
            metadata=caller,
        )

    _at(approval.clock, NEW_YEAR)
    review = approval.reviews.GetReview(R.GetReviewRequest(case_no=case_no), metadata=NJ).review
    # Used 22–31 Dec (8 working days) of 5: overdue, counted up to 31 Dec, 2027 named.
    assert (review.clock.used_days, review.clock.overdue, review.clock.calendar_missing_year) == (
        8,
        True,
        2027,
    )
    assert review.clock.due_on == "2026-12-28"
    inbox = approval.reviews.ListInbox(R.ListInboxRequest(), metadata=NJ).items
    assert [item.case_no for item in inbox] == [case_no] and inbox[0].clock.calendar_missing_year == 2027
    refused = rpc_error(
        lambda: approval.reviews.DecideCase(
            R.DecideCaseRequest(request_id="y-3", case_no=case_no, outcome=R.DECISION_OUTCOME_GRANTED),
            metadata=NJ,
        )
    )
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "2027" in refused.details() and "TONGBAN_CALENDAR_FILES" in refused.details()
    assert (
        approval.reviews.GetReview(R.GetReviewRequest(case_no=case_no), metadata=NJ).review.state
        == R.REVIEW_STATE_IN_REVIEW
    )

    settings = Settings(
        port=0,
        database_url=str(approval.db.url),
        internal_key=INTERNAL_KEY.decode(),
        var_dir=tmp_path,
        calendar_files=[_calendar_file(tmp_path)],
    )
    running = approval_app.build(settings, db=approval.db, clock=FixedClock(NEW_YEAR))
    running.server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            reviews = approval_pb2_grpc.ReviewServiceStub(channel)
            decided = reviews.DecideCase(
                R.DecideCaseRequest(request_id="y-4", case_no=case_no, outcome=R.DECISION_OUTCOME_GRANTED),
                metadata=NJ,
            ).review
    finally:
        running.server.stop(0).wait()
    # 22–31 Dec and 4 Jan: 9 working days of 5.
    assert (decided.state, decided.clock.used_days, decided.clock.calendar_missing_year) == (
        R.REVIEW_STATE_DECIDED,
        9,
        0,
    )
    assert decided.decision.on_time is False
