"""Reviews (好差评) and complaints (投诉) on a real server (SQLite and PostgreSQL): a rating at the
window or afterwards with the case's link code, once per case; a bad review must be rectified
within 5 working days, else it is escalated; a complaint unanswered after 5 working days is a
finding; the monthly table counts the satisfied.

Reviewed on Monday 2 November 2026: 5 working days end on Monday 9 November."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import grpc
import pytest
from google.protobuf.message import Message
from sqlmodel import select
from tongban.staff.v1 import events_pb2 as StaffEvents
from tongban.supervision.v1 import supervision_pb2 as S
from tongban.supervision.v1.deductions_pb2 import DeductionRecorded

from services.common.access import ANONYMOUS
from services.common.identity import Caller
from services.common.outbox import events_for
from services.supervision.models import ReceivedEventRow
from tests.contract.supervision_support import INSPECTOR, Watching, accepted, watching
from tests.support import as_role, clerk, identity_metadata, payloads, status_of

CASE = "320826101-20261102-0001"
OTHER = "320826101-20261102-0002"
APPLICANT = Caller(ANONYMOUS, "", frozenset())
ADMIN = as_role("centre_admin", user="admin-county")


@pytest.fixture(params=["sqlite", "postgresql"])
def sv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Watching]:
    with watching(request.param, tmp_path) as running:
        running.on(date(2026, 11, 2))
        running.deliver(accepted(CASE, date(2026, 11, 2), 10))
        running.deliver(accepted(OTHER, date(2026, 11, 2), 10))
        yield running


def _call(sv: Watching, method: str, request: Message, caller: Caller) -> Message:
    response: Message = getattr(sv.stub, method)(request, timeout=10, metadata=identity_metadata(caller))
    return response


def _refused(sv: Watching, method: str, request: Message, caller: Caller) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as refused:
        _call(sv, method, request, caller)
    return status_of(refused.value)


def test_a_bad_review_must_be_rectified_in_five_working_days_or_it_is_escalated(sv: Watching) -> None:
    given = _call(
        sv,
        "SubmitReview",
        S.SubmitReviewRequest(
            request_id="r-1", case_no=CASE, rating=S.REVIEW_RATING_DISSATISFIED, comment="等候时间太长"
        ),
        clerk(),
    )
    review = given.review  # type: ignore[attr-defined]
    assert review.rectify_by == "2026-11-09" and review.channel == S.REVIEW_CHANNEL_WINDOW
    [bad] = sv.alerts(rule="reviews")
    assert bad.severity == S.ALERT_SEVERITY_VIOLATION and bad.finish_by == "2026-11-09"
    # One review per case.
    again = S.SubmitReviewRequest(request_id="r-2", case_no=CASE, rating=S.REVIEW_RATING_SATISFIED)
    assert _refused(sv, "SubmitReview", again, clerk()) == grpc.StatusCode.ALREADY_EXISTS
    # Not rectified by the 9th: escalated on the 10th, once.
    assert sv.sweep_on(date(2026, 11, 9)) == []
    assert sv.sweep_on(date(2026, 11, 10)) == ["reviews/yellow_card"]
    assert sv.sweep_on(date(2026, 11, 11)) == []
    rectified = _call(
        sv,
        "RecordRectification",
        S.RecordRectificationRequest(
            request_id="x-1", review_id=review.review_id, rectification="增设取号提醒"
        ),
        ADMIN,
    )
    assert rectified.review.rectified_by == "admin-county"  # type: ignore[attr-defined]
    # The comment stays with the review: it never went into an event.
    with sv.db.reading() as session:
        stored = session.exec(select(ReceivedEventRow).where(ReceivedEventRow.source == "supervision")).all()
    assert [row.event_type for row in stored] == [
        "tongban.supervision.v1.ReviewSubmitted",
        "tongban.supervision.v1.ReviewRectified",
    ]
    assert all("等候".encode() not in row.payload for row in stored)


def test_a_review_rectified_in_time_is_not_escalated(sv: Watching) -> None:
    given = _call(
        sv,
        "SubmitReview",
        S.SubmitReviewRequest(request_id="r-1", case_no=CASE, rating=S.REVIEW_RATING_VERY_DISSATISFIED),
        clerk(),
    )
    sv.on(date(2026, 11, 6))
    _call(
        sv,
        "RecordRectification",
        S.RecordRectificationRequest(
            request_id="x-1", review_id=given.review.review_id, rectification="已道歉"
        ),  # type: ignore[attr-defined]
        ADMIN,
    )
    assert sv.sweep_on(date(2026, 11, 10)) == []


def test_the_applicant_rates_afterwards_with_the_cases_link_code(sv: Watching) -> None:
    link = _call(sv, "GetReviewLink", S.GetReviewLinkRequest(case_no=CASE), clerk())
    code = link.link_code  # type: ignore[attr-defined]
    assert len(code) == 10
    other_site = clerk(site="320826102", user="clerk-other")
    assert _refused(sv, "GetReviewLink", S.GetReviewLinkRequest(case_no=CASE), other_site) == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    # Another case's code does not open this one.
    other_code = _call(sv, "GetReviewLink", S.GetReviewLinkRequest(case_no=OTHER), clerk()).link_code  # type: ignore[attr-defined]
    wrong = S.SubmitReviewByLinkRequest(request_id="a-1", case_no=CASE, link_code=other_code, rating=1)
    assert _refused(sv, "SubmitReviewByLink", wrong, APPLICANT) == grpc.StatusCode.INVALID_ARGUMENT
    right = S.SubmitReviewByLinkRequest(
        request_id="a-2", case_no=CASE, link_code=code, rating=S.REVIEW_RATING_VERY_SATISFIED
    )
    rated = _call(sv, "SubmitReviewByLink", right, APPLICANT)
    assert rated.review.channel == S.REVIEW_CHANNEL_LINK  # type: ignore[attr-defined]
    assert sv.alerts(rule="reviews") == []
    table = _call(
        sv,
        "GetStatistics",
        S.GetStatisticsRequest(from_date="2026-11-01", to_date="2026-11-30"),
        INSPECTOR,
    )
    [row] = table.rows  # type: ignore[attr-defined]
    assert row.reviews == 1 and row.satisfaction_rate == 1.0


def test_a_complaint_unanswered_in_five_working_days_is_a_finding(sv: Watching) -> None:
    registered = _call(
        sv,
        "RegisterComplaint",
        S.RegisterComplaintRequest(request_id="c-1", case_no=CASE, content="窗口人员态度生硬"),
        ADMIN,
    ).complaint  # type: ignore[attr-defined]
    assert registered.answer_by == "2026-11-09" and registered.state == S.COMPLAINT_STATE_REGISTERED
    assert sv.sweep_on(date(2026, 11, 9)) == []
    assert sv.sweep_on(date(2026, 11, 10)) == ["complaints/violation"]
    answered = _call(
        sv,
        "AnswerComplaint",
        S.AnswerComplaintRequest(
            request_id="c-2", complaint_id=registered.complaint_id, accept=True, answer="受理，约谈"
        ),
        INSPECTOR,
    ).complaint  # type: ignore[attr-defined]
    assert answered.state == S.COMPLAINT_STATE_ACCEPTED
    twice = S.AnswerComplaintRequest(
        request_id="c-3", complaint_id=registered.complaint_id, accept=False, answer="x"
    )
    assert _refused(sv, "AnswerComplaint", twice, INSPECTOR) == grpc.StatusCode.FAILED_PRECONDITION
    assert sv.sweep_on(date(2026, 11, 11)) == []


def test_bad_input_is_refused_and_changes_nothing(sv: Watching) -> None:
    unrated = S.SubmitReviewRequest(request_id="r-0", case_no=CASE)
    assert _refused(sv, "SubmitReview", unrated, clerk()) == grpc.StatusCode.INVALID_ARGUMENT
    unknown = S.SubmitReviewRequest(request_id="r-1", case_no="320826101-20261102-0009", rating=1)
    assert _refused(sv, "SubmitReview", unknown, clerk()) == grpc.StatusCode.NOT_FOUND
    empty = S.RegisterComplaintRequest(request_id="c-0", case_no=CASE, content="  ")
    assert _refused(sv, "RegisterComplaint", empty, ADMIN) == grpc.StatusCode.INVALID_ARGUMENT
    listed = _call(sv, "ListReviews", S.ListReviewsRequest(), INSPECTOR)
    assert list(listed.reviews) == []  # type: ignore[attr-defined]


def test_a_conduct_violation_is_a_finding_with_its_deduction(sv: Watching) -> None:
    seen = S.RecordConductViolationRequest(
        request_id="v-1",
        user_id="clerk-gaogou",
        window_code="320826101-W01",
        kind=S.CONDUCT_KIND_ABSENT,
        note="离岗",
    )
    [alert] = _call(sv, "RecordConductViolation", seen, INSPECTOR).alerts  # type: ignore[attr-defined]
    assert (alert.rule, alert.user_id, alert.site_code, alert.points) == (
        "conduct",
        "clerk-gaogou",
        "320826101",
        2,
    )
    assert "缺位" in alert.summary
    with sv.db.reading() as session:
        [sent] = payloads(events_for(session, "clerk-gaogou"), DeductionRecorded)
    assert (sent.finding_id, sent.points, sent.accountability_case_id) == (f"alert-{alert.alert_id}", 2, "")
    # A township officer records at their own sub-centre only.
    officer = as_role("township_officer", "320826102", user="officer-2")
    elsewhere = S.RecordConductViolationRequest(
        request_id="v-2", user_id="clerk-gaogou", window_code="320826101-W01", kind=S.CONDUCT_KIND_NO_BADGE
    )
    assert _refused(sv, "RecordConductViolation", elsewhere, officer) == grpc.StatusCode.PERMISSION_DENIED
    unkind = S.RecordConductViolationRequest(
        request_id="v-3", user_id="clerk-gaogou", window_code="320826101-W01"
    )
    assert _refused(sv, "RecordConductViolation", unkind, INSPECTOR) == grpc.StatusCode.INVALID_ARGUMENT
    assert [a.alert_id for a in sv.alerts(rule="conduct")] == [alert.alert_id]
    verified = _call(sv, "VerifyRecord", S.VerifyRecordRequest(), INSPECTOR)
    assert verified.intact  # type: ignore[attr-defined]


def test_attendance_from_the_staff_service_is_found_once_with_its_deductions(sv: Watching) -> None:
    late = StaffEvents.LateArrival(
        user_id="clerk-gaogou",
        site_code="320826101",
        window_code="320826101-W01",
        day="2026-11-02",
        minutes_late=7,
    )
    sv.deliver(late)
    sv.deliver(late)  # told twice (two events): found once
    sv.deliver(
        StaffEvents.Absence(
            user_id="clerk-nj", site_code="320826101", window_code="320826101-W02", day="2026-11-02"
        )
    )
    sv.deliver(
        StaffEvents.WindowUnattended(
            window_code="320826101-W03",
            site_code="320826101",
            department_code="GA",
            day="2026-11-02",
            whole_day=True,
        )
    )
    found = {(a.user_id or a.window_code, a.points) for a in sv.alerts(rule="attendance")}
    assert found == {("clerk-gaogou", 1), ("clerk-nj", 2), ("320826101-W03", 0)}
    with sv.db.reading() as session:
        sent = payloads(events_for(session, "clerk-gaogou"), DeductionRecorded)
    assert [d.points for d in sent] == [1]
