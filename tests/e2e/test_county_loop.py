"""县乡同办 end to end, through the gateway and real processes on SQLite and on PostgreSQL:
a township clerk accepts a county matter, the county reviews and decides it days later,
the township issues the result. Dates are worked out by hand across National Day 2026
(1–7 Oct off) and its make-up Saturday (10 Oct, a working day).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import grpc
import pytest
from tongban.acceptance.v1 import acceptance_pb2 as S
from tongban.acceptance.v1 import acceptance_pb2_grpc, catalog_pb2
from tongban.approval.v1 import approval_pb2 as A
from tongban.approval.v1 import approval_pb2_grpc
from tongban.supervision.v1 import supervision_pb2, supervision_pb2_grpc

from tests.e2e.conftest import Stack, running_stack
from tests.support import fresh_postgres_databases, wait_until

T = TypeVar("T")
TRACTOR = "320826-NJ-XK-001"  # 拖拉机和联合收割机登记: 县乡同办, promised 5; 初审 1, 审核 2, 决定 2 (NJ)
PLANNING = "320826-ZR-XK-001"  # 乡村建设规划许可证核发: parallel ZR (lead), ZJ, NJ
DISABILITY = "320826-MZ-GG-003"  # 残疾人两项补贴: 县域通办, any site accepts
WANG = S.Applicant(
    kind=S.APPLICANT_KIND_PERSON, name="王秀英", id_number="32082619850312002X", phone="13912345678"
)
_ids = iter(range(1, 10**9))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if request.param == "sqlite":
        with running_stack(tmp_path_factory.mktemp("county-sqlite")) as started:
            yield started
        return
    with (
        fresh_postgres_databases(["acceptance", "approval", "staff", "supervision"]) as url,
        running_stack(tmp_path_factory.mktemp("county-pg"), database_url=url) as started,
    ):
        yield started


class Sites:
    """gRPC stubs through the gateway, with each demo user's token."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.channel = grpc.insecure_channel(stack.gateway)
        self._tokens: dict[str, str] = {}

    def auth(self, user: str) -> list[tuple[str, str]]:
        if user not in self._tokens:
            self._tokens[user] = self.stack.token(user)
        return [("authorization", f"Bearer {self._tokens[user]}")]

    @property
    def cases(self) -> acceptance_pb2_grpc.AcceptanceServiceStub:
        return acceptance_pb2_grpc.AcceptanceServiceStub(self.channel)

    @property
    def reviews(self) -> approval_pb2_grpc.ReviewServiceStub:
        return approval_pb2_grpc.ReviewServiceStub(self.channel)

    def case(self, case_no: str, user: str = "clerk-gaogou") -> S.Case:
        return self.cases.GetCase(
            S.GetCaseRequest(case_no=case_no), metadata=self.auth(user), timeout=10
        ).case

    def review(self, case_no: str, user: str = "reviewer-nj") -> A.Review:
        reply = self.reviews.GetReview(
            A.GetReviewRequest(case_no=case_no), metadata=self.auth(user), timeout=10
        )
        return reply.review

    def submit(
        self, matter: str, window: str, codes: list[str], user: str = "clerk-gaogou"
    ) -> S.SubmitApplicationResponse:
        request = S.SubmitApplicationRequest(
            request_id=rid(),
            matter_code=matter,
            window_code=window,
            applicant=WANG,
            materials=[S.ProvidedMaterial(material_code=code) for code in codes],
        )
        return self.cases.SubmitApplication(request, metadata=self.auth(user), timeout=10)

    def complete(
        self, case_no: str, step: A.Step, user: str, verdict: int = A.VERDICT_APPROVE, opinion: str = ""
    ) -> A.Review:
        request = A.CompleteStepRequest(
            request_id=rid(),
            case_no=case_no,
            step_number=step.number,
            verdict=verdict,
            opinion=opinion,  # type: ignore[arg-type]
        )
        return self.reviews.CompleteStep(request, metadata=self.auth(user), timeout=10).review


def rid() -> str:
    return f"e2e-county-{time.time_ns()}-{next(_ids)}"


def unless_missing(call: Callable[[], T | None]) -> Callable[[], T | None]:
    """A probe that answers None while the record has not arrived yet (NOT_FOUND)."""

    def probe() -> T | None:
        try:
            return call()
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
            return None

    return probe


def eventually(call: Callable[[], T | None], what: str) -> T:
    """Events cross services asynchronously (outbox → relay → inbox): wait, bounded."""
    return wait_until(unless_missing(call), what=what)


def active(review: A.Review) -> list[A.Step]:
    return [step for step in review.steps if step.state == A.STEP_STATE_ACTIVE]


def the_window_reads_the_reviewers_clock(sites: Sites, case_no: str, days_left: int) -> None:
    """The clerk's case shows the county's clock as the reviewer's inbox does, once the county's
    events (pauses, extension) reached the window."""

    def matching() -> tuple[int, bool] | None:
        at_window, clock = sites.case(case_no), sites.review(case_no).clock
        seen = (at_window.working_days_left, at_window.overdue)
        return seen if seen == (clock.days_left, clock.overdue) == (days_left, False) else None

    eventually(matching, f"the window to read {days_left} days left, as the reviewer does")


def test_township_accepts_county_decides_township_issues(county: Stack) -> None:
    sites = Sites(county)
    county.set_clock("2026-09-28T09:30:00+08:00")  # Monday
    accepted = sites.submit(TRACTOR, "320826101-W01", ["M01", "M02", "M03", "M04", "M05"])
    case_no = accepted.case.case_no
    # 5 working days after 28 Sep: 29, 30 Sep, 8, 9 Oct and the make-up Saturday 10 Oct.
    assert accepted.case.promised_date == "2026-10-10"
    assert "2026年10月10日" in accepted.document.text

    opened = eventually(lambda: sites.review(case_no), "the review to open in approval")
    assert opened.trace_id == accepted.case.trace_id
    inbox = sites.reviews.ListInbox(A.ListInboxRequest(), metadata=sites.auth("clerk-gaogou"), timeout=10)
    assert [(i.case_no, i.step.name) for i in inbox.items] == [(case_no, "乡镇初审")]

    county.set_clock("2026-09-29T10:00:00+08:00")  # township initial review (Art. 43) on day 1
    sites.complete(case_no, active(opened)[0], "clerk-gaogou")

    county.set_clock("2026-09-30T09:00:00+08:00")
    mine = sites.reviews.ListInbox(A.ListInboxRequest(), metadata=sites.auth("reviewer-nj"), timeout=10)
    [item] = [i for i in mine.items if i.case_no == case_no]
    assert (item.step.name, item.step.days_left, item.clock.days_left) == ("部门审核", 1, 3)
    the_window_reads_the_reviewers_clock(sites, case_no, 3)
    sites.reviews.ClaimStep(
        A.ClaimStepRequest(request_id=rid(), case_no=case_no, step_number=item.step.number),
        metadata=sites.auth("reviewer-nj"),
        timeout=10,
    )
    started = sites.reviews.StartSpecialProcedure(
        A.StartSpecialProcedureRequest(
            request_id=rid(),
            case_no=case_no,
            procedure=catalog_pb2.SPECIAL_PROCEDURE_TESTING,
            reason="安全技术检验",
            planned_days=3,
        ),
        metadata=sites.auth("reviewer-nj"),
        timeout=10,
    )
    assert started.notice.number.startswith("TS-NJ-2026-") and "第四十五条" in started.notice.text

    county.set_clock("2026-10-09T16:00:00+08:00")  # Friday after the holiday; testing is done
    paused = sites.review(case_no)
    assert paused.clock.paused and paused.clock.days_left == 3
    # Without the pause, 8 and 9 Oct would have counted: the window knows of it.
    the_window_reads_the_reviewers_clock(sites, case_no, 3)
    ended = sites.reviews.EndSpecialProcedure(
        A.EndSpecialProcedureRequest(request_id=rid(), case_no=case_no),
        metadata=sites.auth("reviewer-nj"),
        timeout=10,
    ).review
    # 8 and 9 Oct did not count: 3 days left before and after the pause; day 5 is now 13 Oct.
    assert (ended.clock.used_days, ended.clock.paused_days, ended.clock.days_left) == (2, 2, 3)
    assert ended.clock.due_on == "2026-10-13"
    extended = sites.reviews.ExtendTimeLimit(
        A.ExtendTimeLimitRequest(
            request_id=rid(), case_no=case_no, approver="县农业农村局局长", reason="待补检报告"
        ),
        metadata=sites.auth("reviewer-nj"),
        timeout=10,
    ).review
    # +10 (Art. 42): 17 counted days after 28 Sep with 8, 9 Oct left out ends on 27 Oct.
    assert (extended.clock.days_left, extended.clock.due_on) == (13, "2026-10-27")
    with pytest.raises(grpc.RpcError) as again:
        sites.reviews.ExtendTimeLimit(
            A.ExtendTimeLimitRequest(request_id=rid(), case_no=case_no, approver="局长", reason="再延"),
            metadata=sites.auth("reviewer-nj"),
            timeout=10,
        )
    assert again.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    the_window_reads_the_reviewers_clock(sites, case_no, 13)

    county.set_clock("2026-10-10T09:00:00+08:00")  # the make-up Saturday is a working day
    sites.complete(case_no, active(sites.review(case_no))[0], "reviewer-nj")
    county.set_clock("2026-10-12T11:00:00+08:00")
    # Past the promised date (10 Oct), but the pause and the extension keep the county in time.
    the_window_reads_the_reviewers_clock(sites, case_no, 11)
    decided = sites.reviews.DecideCase(
        A.DecideCaseRequest(request_id=rid(), case_no=case_no, outcome=A.DECISION_OUTCOME_GRANTED),
        metadata=sites.auth("reviewer-nj"),
        timeout=10,
    )
    # Counted: 29, 30 Sep, 10 and 12 Oct = 4 of 15.
    assert (decided.review.clock.used_days, decided.review.decision.on_time) == (4, True)
    assert decided.document.number.startswith("ZY-NJ-2026-")

    at_window = eventually(
        lambda: c if (c := sites.case(case_no)).state == S.CASE_STATE_DECIDED else None,
        "the decision at the window",
    )
    assert (at_window.decided_on, at_window.decision_number) == ("2026-10-12", decided.document.number)
    # Art. 44: issue within 10 working days of the decision: 13–16, 19–23 and 26 Oct.
    assert at_window.issue_due_on == "2026-10-26" and at_window.working_days_left == 10
    clerk_copy = sites.reviews.GetReviewDocument(
        A.GetReviewDocumentRequest(number=decided.document.number),
        metadata=sites.auth("clerk-gaogou"),
        timeout=10,
    ).document
    assert clerk_copy.text == decided.document.text

    county.set_clock("2026-10-13T10:00:00+08:00")
    issued = sites.cases.IssueResult(
        S.IssueResultRequest(
            request_id=rid(), case_no=case_no, result_summary="核发登记证书", recipient_name="王秀英"
        ),
        metadata=sites.auth("clerk-gaogou"),
        timeout=10,
    ).case
    assert issued.state == S.CASE_STATE_RESULT_ISSUED and issued.outcome == S.OUTCOME_APPROVED
    assert (issued.issued_on, issued.issued_on_time, issued.completed_on_time) == ("2026-10-13", True, True)

    _every_span_about_the_case_is_in_its_trace(county, case_no, accepted.case.trace_id)


def _every_span_about_the_case_is_in_its_trace(county: Stack, case_no: str, trace_id: str) -> None:
    wanted = {"acceptance.issue", "approval.decide", "acceptance.record_decision", "approval.open_review"}

    def spans_arrived() -> list[object] | None:
        spans = county.collector.snapshot()
        names = {s.name for s in spans if s.trace_id == trace_id}
        return list(spans) if wanted <= names else None

    spans = eventually(spans_arrived, "the case's spans at the collector")
    about = [s for s in county.collector.snapshot() if s.attributes.get("tongban.case_no") == case_no]
    assert {s.trace_id for s in about} == {trace_id}
    services = {s.service for s in county.collector.snapshot() if s.trace_id == trace_id}
    # These calls carry no trace context: each request is a trace of its own, and the work it
    # did about the case sits in the case's trace with a link to it (test_case_trace.py).
    assert {"tongban-acceptance", "tongban-approval"} <= services
    assert all(s.links for s in about if s.name == "approval.decide")
    assert spans


def test_parallel_approval_with_one_department_refusing(county: Stack) -> None:
    sites = Sites(county)
    county.set_clock("2026-11-02T09:00:00+08:00")
    case_no = sites.submit(PLANNING, "320826101-W01", ["M01", "M02", "M03", "M04"]).case.case_no
    opened = eventually(lambda: sites.review(case_no, "reviewer-zr"), "the review to open")
    sites.complete(case_no, active(opened)[0], "clerk-gaogou")
    branches = active(sites.review(case_no, "reviewer-zr"))
    assert sorted(s.department_code for s in branches) == ["NJ", "ZJ", "ZR"]
    verdicts = {"ZR": A.VERDICT_APPROVE, "ZJ": A.VERDICT_REFUSE, "NJ": A.VERDICT_APPROVE}
    for branch in branches:
        code = branch.department_code
        opinion = "选址位于危房改造范围, 不同意" if code == "ZJ" else ""
        last = sites.complete(case_no, branch, f"reviewer-{code.lower()}", verdicts[code], opinion)
    assert last.decision.outcome == A.DECISION_OUTCOME_REFUSED
    assert [(r.department_code, r.reason) for r in last.decision.reasons] == [
        ("ZJ", "选址位于危房改造范围, 不同意")
    ]
    at_window = eventually(
        lambda: c if (c := sites.case(case_no)).state == S.CASE_STATE_DECIDED else None,
        "the refusal at the window",
    )
    assert at_window.outcome == S.OUTCOME_REFUSED


def test_a_county_wide_case_comes_back_to_the_site_that_accepted_it(county: Stack) -> None:
    sites = Sites(county)
    county.set_clock("2026-11-03T09:00:00+08:00")
    reply = sites.submit(DISABILITY, "320826102-W01", ["M01", "M02", "M03"], user="clerk-hongyao")
    case_no = reply.case.case_no
    review = eventually(lambda: sites.review(case_no, "reviewer-mz"), "the review to open")
    assert review.site_code == "320826102" and review.steps[0].state == A.STEP_STATE_ACTIVE
    sites.complete(case_no, active(review)[0], "reviewer-mz")
    sites.reviews.DecideCase(
        A.DecideCaseRequest(request_id=rid(), case_no=case_no, outcome=A.DECISION_OUTCOME_GRANTED),
        metadata=sites.auth("reviewer-mz"),
        timeout=10,
    )
    eventually(
        lambda: c if (c := sites.case(case_no, "clerk-hongyao")).state == S.CASE_STATE_DECIDED else None,
        "the decision at 红窑",
    )
    handover = S.IssueResultRequest(
        request_id=rid(), case_no=case_no, result_summary="补贴发放", recipient_name="王秀英"
    )
    with pytest.raises(grpc.RpcError) as elsewhere:
        sites.cases.IssueResult(handover, metadata=sites.auth("clerk-gaogou"), timeout=10)
    assert elsewhere.value.code() == grpc.StatusCode.PERMISSION_DENIED
    handover.request_id = rid()
    issued = sites.cases.IssueResult(handover, metadata=sites.auth("clerk-hongyao"), timeout=10).case
    assert issued.state == S.CASE_STATE_RESULT_ISSUED and issued.site_code == "320826102"


def test_no_personal_data_reached_a_span_a_log_or_supervision(county: Stack) -> None:
    """Runs after the flows above on the same stack: scan everything they left behind."""
    personal = [WANG.name, WANG.id_number, WANG.phone]
    spans = county.collector.snapshot()
    assert {s.service for s in spans} >= {"tongban-acceptance", "tongban-approval", "tongban-gateway"}
    for span in spans:
        for value in personal:
            assert value not in span.text, f"personal data in span {span.service}/{span.name}"
    logs = sorted((county.var_dir / "log").glob("*.log"))
    assert {path.stem for path in logs} >= {"acceptance", "approval", "supervision", "gateway"}
    for path in logs:
        text = path.read_text(encoding="utf-8", errors="replace")
        for value in personal:
            assert value not in text, f"personal data in {path.name}"
    sites = Sites(county)
    supervision = supervision_pb2_grpc.SupervisionServiceStub(sites.channel)
    received = supervision.ListReceivedEvents(
        supervision_pb2.ListReceivedEventsRequest(page_size=100),
        metadata=sites.auth("inspector-county"),
        timeout=10,
    )
    announced = {
        "tongban.acceptance.v1.CaseAccepted",
        "tongban.approval.v1.ReviewOpened",
        "tongban.approval.v1.ReviewDecided",
        "tongban.acceptance.v1.CaseResultIssued",
    }
    assert announced <= {e.event.event_type for e in received.events}
    for item in received.events:
        for value in personal:
            assert value not in str(item), f"personal data in a {item.event.event_type} event"
