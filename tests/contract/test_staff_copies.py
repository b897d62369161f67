"""Acceptance's and approval's own copies of what the staff service owns, fed by its events: a
reassignment only to someone in post of the step's department, windows that close or serve only
some matters, and a corrected calendar year counted with at once, without a restart."""

from __future__ import annotations

from datetime import date

import grpc
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.approval.v1 import approval_pb2 as R
from tongban.events.v1 import event_pb2, intake_pb2, intake_pb2_grpc
from tongban.staff.v1 import events_pb2 as staff_events
from tongban.staff.v1 import organisation_pb2 as G

from services.common.calendar import WorkingCalendar
from services.common.identity import Caller
from tests.conftest import AcceptanceUnderTest
from tests.contract.helpers import JOINT, JOINT_COMPLETE, field_violations, rpc_error, submit_request
from tests.contract.review_support import ApprovalUnderTest, accepted_event, approval, staff_member
from tests.contract.test_review import CASE, NJ, TRACTOR, active, on, review, rid, snapshot
from tests.support import clerk, envelope, identity_metadata

__all__ = ["approval"]
AS_CLERK = identity_metadata(clerk())
STAFF_RELAY = Caller("service:staff", "", frozenset({"service"}))


def calendar_2026_with(extra_holiday: str) -> staff_events.CalendarYearPublished:
    """2026 as the package has it, with one more day off: an administrator's correction."""
    arrangement = WorkingCalendar.load().arrangement(2026)
    return staff_events.CalendarYearPublished(
        year=2026,
        holidays=sorted(d.isoformat() for d in arrangement.holidays | {date.fromisoformat(extra_holiday)}),
        makeup_workdays=sorted(d.isoformat() for d in arrangement.makeup_workdays),
        source="国务院办公厅通知（测试更正）",
        published_by="admin-county",
        changed_days=1,
    )


def deliver(channel: grpc.Channel, *events: event_pb2.Event) -> intake_pb2.DeliverEventsResponse:
    """Through the running service's own intake, as staff's relay delivers them."""
    return intake_pb2_grpc.EventIntakeServiceStub(channel).DeliverEvents(
        intake_pb2.DeliverEventsRequest(events=events), metadata=identity_metadata(STAFF_RELAY)
    )


def _reassign(approval: ApprovalUnderTest, step: int, to: str) -> R.ReassignStepResponse:
    return approval.reviews.ReassignStep(
        R.ReassignStepRequest(
            request_id=rid(), case_no=CASE, step_number=step, assignee=to, reason="A岗请假"
        ),
        metadata=NJ,
    )


def test_a_step_is_reassigned_only_within_its_department(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE, site="320826000"))
    step = active(review(approval))[0]
    assert step.department_code == "NJ"
    before = snapshot(approval)
    for outsider in ("reviewer-zr", "nobody-known", "clerk-county"):
        error = rpc_error(lambda to=outsider: _reassign(approval, step.number, to))  # type: ignore[misc]
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert set(field_violations(error)) == {"assignee"}
    assert snapshot(approval) == before
    # A colleague of NJ who has left (or whose account is disabled) is refused too.
    approval.deliver(staff_member("reviewer-nj-b", "NJ", active=False))
    assert rpc_error(lambda: _reassign(approval, step.number, "reviewer-nj-b")).code() == (
        grpc.StatusCode.INVALID_ARGUMENT
    )
    approval.deliver(staff_member("reviewer-nj-b", "NJ"))
    assert active(_reassign(approval, step.number, "reviewer-nj-b").review)[0].assignee == "reviewer-nj-b"


def test_a_corrected_calendar_year_moves_a_reviews_due_date_at_once(approval: ApprovalUnderTest) -> None:
    approval.deliver(accepted_event(TRACTOR, CASE))
    assert review(approval).clock.due_on == "2026-10-10"
    on(approval, date(2026, 9, 29))
    correction = calendar_2026_with("2026-10-09")
    assert deliver(
        approval.channel, envelope(correction, source="staff", aggregate_id="calendar-2026")
    ).applied_count
    assert review(approval).clock.due_on == "2026-10-12"


def _accept(acceptance: AcceptanceUnderTest, **overrides: object) -> A.Case:
    reply = acceptance.cases.SubmitApplication(
        submit_request(JOINT, JOINT_COMPLETE, **overrides), metadata=AS_CLERK
    )
    return reply.case


def test_acceptance_counts_with_a_corrected_year_and_its_windows_copy(
    acceptance: AcceptanceUnderTest,
) -> None:
    assert _accept(acceptance).promised_date == "2026-10-10"
    channel = grpc.insecure_channel(acceptance.address)
    reply = deliver(
        channel, envelope(calendar_2026_with("2026-10-09"), source="staff", aggregate_id="calendar-2026")
    )
    assert reply.applied_count == 1
    assert _accept(acceptance).promised_date == "2026-10-12"
    # The window now serves only one matter, then closes.
    only_births = staff_events.WindowChanged(
        code="320826101-W01",
        site_code="320826101",
        name="综合窗口",
        kind=G.WINDOW_KIND_COMPREHENSIVE,
        matter_codes=["320826-WJ-GG-001"],
    )
    deliver(channel, envelope(only_births, source="staff", aggregate_id="320826101"))
    error = rpc_error(lambda: _accept(acceptance))
    assert field_violations(error) == {
        "window_code": "该窗口不办理此事项 / the window does not serve this matter"
    }
    only_births.closed = True
    deliver(channel, envelope(only_births, source="staff", aggregate_id="320826101"))
    error = rpc_error(lambda: _accept(acceptance, matter_code="320826-WJ-GG-001"))
    assert field_violations(error)["window_code"] == "该窗口已关闭 / the window is closed"
    channel.close()
