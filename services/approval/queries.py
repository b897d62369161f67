"""Approval's reads: a review, a review document, and the reviewer's inbox (active steps held
by me or waiting at my window, most urgent first)."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.approval.v1 import approval_pb2

from services.approval import documents, flow, repository, views
from services.approval.commands.guards import load_review, reviewing_departments
from services.approval.models import ReviewRow, StepRow
from services.common.calls import CallContext
from services.common.case_tracing import case_span
from services.common.errors import or_not_found
from services.common.paging import next_token, page_window
from services.common.usecases import UseCases

A = approval_pb2


def _in_scope(scope: int, step: StepRow, call: CallContext) -> bool:
    caller = call.caller
    mine = step.assignee == caller.user_id
    at_my_window = flow.window_problem(caller, step) is None
    if scope == A.INBOX_SCOPE_MINE:
        return mine
    if scope == A.INBOX_SCOPE_UNASSIGNED:
        return at_my_window and not step.assignee
    if scope == A.INBOX_SCOPE_DEPARTMENT:
        return at_my_window
    return mine or (at_my_window and not step.assignee)


@dataclass
class ReviewQueries:
    uc: UseCases

    def get(
        self, call: CallContext, request: approval_pb2.GetReviewRequest
    ) -> approval_pb2.GetReviewResponse:
        with self.uc.db.reading() as session:
            review = load_review(session, call, request.case_no, for_update=False)
            with case_span("approval.get_review", review):
                return A.GetReviewResponse(
                    review=views.review_view(session, review, self.uc.calendar, self.uc.today())
                )

    def document(
        self, call: CallContext, request: approval_pb2.GetReviewDocumentRequest
    ) -> approval_pb2.GetReviewDocumentResponse:
        number = request.number.strip()
        with self.uc.db.reading() as session:
            row = or_not_found(
                repository.document(session, number),
                "document",
                number,
                f"文书 {number} 不存在 / no such document",
            )
            review = repository.review(session, row.case_no)
            assert review is not None  # foreign key
            call.require(review.site_code, reviewing_departments(review))
            return A.GetReviewDocumentResponse(document=documents.document_message(row))

    def inbox(
        self, call: CallContext, request: approval_pb2.ListInboxRequest
    ) -> approval_pb2.ListInboxResponse:
        offset, limit = page_window(request.page_size, request.page_token)
        today = self.uc.today()
        caller = call.caller
        with self.uc.db.reading() as session:
            found = repository.active_steps(
                session,
                department_code=caller.department_code,
                site_code=caller.site_code,
                user_id=caller.user_id,
            )
            chosen: list[tuple[StepRow, ReviewRow]] = [
                (step, review) for step, review in found if _in_scope(request.scope, step, call)
            ]
            pauses = repository.pauses_by_case(session, [review for _, review in chosen])
        items = []
        for step, review in chosen:
            clock = views.case_clock(self.uc.calendar, review, pauses[review.case_no], today)
            if request.overdue_only and not clock.overdue:
                continue
            items.append(
                A.InboxItem(
                    case_no=review.case_no,
                    matter_code=review.matter_code,
                    matter_name=review.matter_name,
                    site_code=review.site_code,
                    step=views.step_message(self.uc.calendar, step, pauses[review.case_no], today),
                    clock=views.clock_message(review, clock),
                    assigned_to_me=step.assignee == caller.user_id,
                )
            )
        items.sort(key=lambda item: (item.clock.days_left, item.step.days_left, item.case_no))
        return A.ListInboxResponse(
            items=items[offset : offset + limit],
            next_page_token=next_token(offset, limit, len(items)),
            total_size=len(items),
        )
