"""Reviews (好差评) and complaints (投诉): the applicant rates a case at the window or afterwards
with the case's link code; a bad review is rectified within 5 working days; a complaint is
accepted or refused within 5 working days. Each is recorded as supervision's own event, so the
rules (plugins/reviews.py, plugins/complaints.py) see it as they see every other event."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from google.protobuf.message import Message
from sqlmodel import Session, select
from tongban.supervision.v1 import events_pb2 as E
from tongban.supervision.v1 import supervision_pb2 as S

from services.common.calendar import CalendarDataMissing
from services.common.calls import CallContext
from services.common.errors import (
    FieldProblem,
    StateProblem,
    already_exists,
    calendar_missing,
    invalid_input,
    or_not_found,
    wrong_state,
)
from services.common.usecases import UseCases
from services.supervision.events import EventRecorder
from services.supervision.models import CaseWatchRow, ComplaintRow, ReviewRow
from services.supervision.own_events import announce
from services.supervision.views import complaint_message, review_message

# DOMAIN.md: a bad review is rectified, and a complaint answered, within 5 working days.
ANSWER_DAYS = 5
BAD = (S.REVIEW_RATING_DISSATISFIED, S.REVIEW_RATING_VERY_DISSATISFIED)


def link_code(key: bytes, case_no: str) -> str:
    """The case's review code: 10 characters of an HMAC only this deployment can make."""
    digest = hmac.new(key, b"tongban review link\x00" + case_no.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:10]


def _watched(session: Session, case_no: str) -> CaseWatchRow:
    return or_not_found(
        session.get(CaseWatchRow, case_no), "case", case_no, f"没有办件 {case_no} 的记录 / no such case"
    )


@dataclass
class FeedbackCommands:
    uc: UseCases
    recorder: EventRecorder
    key: bytes

    def _announce(self, session: Session, watch: CaseWatchRow, payload: Message) -> None:
        announce(session, self.recorder, payload, aggregate_id=watch.case_no, case=watch)

    def _due(self, start: date) -> date:
        try:
            return self.uc.calendar.add_working_days(start, ANSWER_DAYS)
        except CalendarDataMissing as gap:
            raise calendar_missing(gap.year) from None

    # --- reviews ----------------------------------------------------------------------------

    def _review(
        self, session: Session, watch: CaseWatchRow, rating: int, comment: str, channel: int
    ) -> ReviewRow:
        if rating == S.REVIEW_RATING_UNSPECIFIED:
            raise invalid_input(
                "请选择评价 / choose a rating", [FieldProblem("rating", "评价必选 / required")]
            )
        if session.exec(select(ReviewRow).where(ReviewRow.case_no == watch.case_no)).first() is not None:
            raise already_exists(f"办件 {watch.case_no} 已评价 / this case was rated already")
        today = self.uc.today()
        review = ReviewRow(
            case_no=watch.case_no,
            rating=rating,
            channel=channel,
            comment=comment.strip(),
            site_code=watch.site_code,
            department_code=watch.department_code,
            window_code=watch.window_code,
            reviewed_at=self.uc.clock.now(),
            reviewed_on=today,
            rectify_by=self._due(today) if rating in BAD else None,
        )
        session.add(review)
        watch.has_reviews = True
        session.flush()
        submitted = E.ReviewSubmitted(
            case_no=watch.case_no,
            review_id=review.review_id or 0,
            rating=rating,  # type: ignore[arg-type]
            reviewed_on=today.isoformat(),
        )
        self._announce(session, watch, submitted)
        return review

    def submit_review(self, call: CallContext, request: S.SubmitReviewRequest) -> S.SubmitReviewResponse:
        def use_case(session: Session) -> S.SubmitReviewResponse:
            watch = _watched(session, request.case_no)
            call.require(watch.site_code)
            review = self._review(session, watch, request.rating, request.comment, S.REVIEW_CHANNEL_WINDOW)
            return S.SubmitReviewResponse(review=review_message(review))

        return self.uc.once(call, "SubmitReview", request, S.SubmitReviewResponse, use_case)

    def submit_review_by_link(
        self, call: CallContext, request: S.SubmitReviewByLinkRequest
    ) -> S.SubmitReviewByLinkResponse:
        # A wrong code is bad input to the applicant, who typed it from the slip the window gave.
        if not hmac.compare_digest(link_code(self.key, request.case_no), request.link_code):
            raise invalid_input(
                "评价码与办件编号不符，请核对回执上的评价码 / the link code is not this case's",
                [FieldProblem("link_code", "与办件不符 / not this case's code")],
            )

        def use_case(session: Session) -> S.SubmitReviewByLinkResponse:
            watch = _watched(session, request.case_no)
            review = self._review(session, watch, request.rating, request.comment, S.REVIEW_CHANNEL_LINK)
            return S.SubmitReviewByLinkResponse(review=review_message(review))

        return self.uc.once(call, "SubmitReviewByLink", request, S.SubmitReviewByLinkResponse, use_case)

    def review_link(self, call: CallContext, request: S.GetReviewLinkRequest) -> S.GetReviewLinkResponse:
        with self.uc.db.reading() as session:
            watch = _watched(session, request.case_no)
        call.require(watch.site_code)
        return S.GetReviewLinkResponse(case_no=watch.case_no, link_code=link_code(self.key, watch.case_no))

    def record_rectification(
        self, call: CallContext, request: S.RecordRectificationRequest
    ) -> S.RecordRectificationResponse:
        if not request.rectification.strip():
            raise invalid_input(
                "请写明整改情况 / say what was put right", [FieldProblem("rectification", "必填 / required")]
            )

        def use_case(session: Session) -> S.RecordRectificationResponse:
            review = or_not_found(
                session.get(ReviewRow, request.review_id, with_for_update=True),
                "review",
                str(request.review_id),
                f"没有编号为 {request.review_id} 的评价 / no such review",
            )
            call.require(review.site_code)
            if review.rating not in BAD or review.rectified_at is not None:
                raise wrong_state(
                    f"评价 {review.review_id} 不是待整改的差评 / not a bad review awaiting rectification",
                    [StateProblem(str(review.review_id), "no rectification due", "REVIEW_STATE")],
                )
            review.rectification, review.rectified_by = request.rectification.strip(), call.caller.user_id
            review.rectified_at = self.uc.clock.now()
            rectified = E.ReviewRectified(
                case_no=review.case_no,
                review_id=review.review_id or 0,
                rectified_on=self.uc.today().isoformat(),
            )
            self._announce(session, _watched(session, review.case_no), rectified)
            return S.RecordRectificationResponse(review=review_message(review))

        return self.uc.once(call, "RecordRectification", request, S.RecordRectificationResponse, use_case)

    # --- complaints -------------------------------------------------------------------------

    def register_complaint(
        self, call: CallContext, request: S.RegisterComplaintRequest
    ) -> S.RegisterComplaintResponse:
        if not request.content.strip():
            raise invalid_input(
                "请写明投诉内容 / the complaint is empty", [FieldProblem("content", "必填 / required")]
            )

        def use_case(session: Session) -> S.RegisterComplaintResponse:
            watch = _watched(session, request.case_no)
            today = self.uc.today()
            complaint = ComplaintRow(
                case_no=watch.case_no,
                state=S.COMPLAINT_STATE_REGISTERED,
                content=request.content.strip(),
                registered_by=call.caller.user_id,
                registered_at=self.uc.clock.now(),
                answer_by=self._due(today),
            )
            session.add(complaint)
            watch.has_complaints = True
            session.flush()
            registered = E.ComplaintRegistered(
                case_no=watch.case_no,
                complaint_id=complaint.complaint_id or 0,
                registered_on=today.isoformat(),
                answer_by=complaint.answer_by.isoformat(),
            )
            self._announce(session, watch, registered)
            return S.RegisterComplaintResponse(complaint=complaint_message(complaint))

        return self.uc.once(call, "RegisterComplaint", request, S.RegisterComplaintResponse, use_case)

    def answer_complaint(
        self, call: CallContext, request: S.AnswerComplaintRequest
    ) -> S.AnswerComplaintResponse:
        if not request.answer.strip():
            raise invalid_input(
                "请写明处理意见 / the answer is empty", [FieldProblem("answer", "必填 / required")]
            )

        def use_case(session: Session) -> S.AnswerComplaintResponse:
            complaint = or_not_found(
                session.get(ComplaintRow, request.complaint_id, with_for_update=True),
                "complaint",
                str(request.complaint_id),
                f"没有编号为 {request.complaint_id} 的投诉 / no such complaint",
            )
            if complaint.state != S.COMPLAINT_STATE_REGISTERED:
                raise wrong_state(
                    f"投诉 {complaint.complaint_id} 已处理 / already answered",
                    [StateProblem(str(complaint.complaint_id), "already answered", "COMPLAINT_STATE")],
                )
            complaint.state = S.COMPLAINT_STATE_ACCEPTED if request.accept else S.COMPLAINT_STATE_REFUSED
            complaint.answer, complaint.answered_by = request.answer.strip(), call.caller.user_id
            complaint.answered_at = self.uc.clock.now()
            answered = E.ComplaintAnswered(
                case_no=complaint.case_no,
                complaint_id=complaint.complaint_id or 0,
                accepted=request.accept,
                answered_on=self.uc.today().isoformat(),
            )
            self._announce(session, _watched(session, complaint.case_no), answered)
            return S.AnswerComplaintResponse(complaint=complaint_message(complaint))

        return self.uc.once(call, "AnswerComplaint", request, S.AnswerComplaintResponse, use_case)
