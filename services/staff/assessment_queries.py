"""A site's assessment of a quarter or a year (services.staff.assessment_rules): every window and
every person, each scored and ranked, with the awards."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select
from tongban.staff.v1 import assessment_pb2

from services.common.calendar import CalendarDataMissing
from services.common.calls import CallContext
from services.common.errors import FieldProblem, calendar_missing
from services.common.usecases import UseCases
from services.staff import assessment_rules, leave_rules, repository
from services.staff.assessment_rules import Period, Tally
from services.staff.commands.checks import refuse
from services.staff.leave_queries import TAKEN, last_day_away
from services.staff.models import DeductionRow, PraiseRow
from services.staff.scope import require_site

S = assessment_pb2


def _deduction(row: DeductionRow) -> S.Deduction:
    return S.Deduction(
        finding_id=row.finding_id,
        accountability_case_id=row.accountability_case_id,
        user_id=row.user_id,
        window_code=row.window_code,
        points=row.points,
        reason_code=row.reason_code,
        decided_on=row.decided_on.isoformat(),
    )


def _window_order(item: S.WindowAssessment) -> tuple[int, str]:
    return item.score.rank, item.window_code


def _person_order(item: S.PersonAssessment) -> tuple[int, str]:
    return item.score.rank, item.user_id


@dataclass
class AssessmentQueries:
    uc: UseCases

    def get(self, call: CallContext, request: S.GetAssessmentRequest) -> S.GetAssessmentResponse:
        refuse(
            "请指定年份 / the year is required",
            [] if request.year else [FieldProblem("year", "必填 / required")],
        )
        period = Period(request.year, request.quarter)
        first, last = period.bounds()
        site_code = request.site_code or call.caller.site_code
        with self.uc.db.reading() as session:
            require_site(session, call, site_code)
            deductions = list(
                session.exec(
                    select(DeductionRow)
                    .where(DeductionRow.site_code == site_code, DeductionRow.decided_on >= first)
                    .where(DeductionRow.decided_on <= last)
                    .order_by(col(DeductionRow.decided_on), col(DeductionRow.finding_id))
                ).all()
            )
            praise = session.exec(
                select(PraiseRow).where(
                    PraiseRow.site_code == site_code,
                    PraiseRow.awarded_on >= first,
                    PraiseRow.awarded_on <= last,
                )
            ).all()
            people = {
                p.user_id: p.window_code
                for p in repository.staff(session, [site_code])
                if p.active and p.window_code
            }
            windows = [w.code for w in repository.windows(session, site_code) if not w.closed]
            leave_days = self._leave_days(session, site_code, period)
        persons: dict[str, Tally] = defaultdict(Tally)
        counters: dict[str, Tally] = defaultdict(Tally)
        for user in people:
            persons[user] = Tally(leave_days=leave_days.get(user, 0))
        for code in windows:
            counters[code] = Tally()
        for d in deductions:
            persons[d.user_id].deductions += d.points
            if d.window_code:
                counters[d.window_code].deductions += d.points
        for p in praise:
            if p.user_id:
                persons[p.user_id].praise_points += p.points
            if p.window_code:
                counters[p.window_code].praise_points += p.points
        window_scores = [
            S.WindowAssessment(window_code=code, score=assessment_rules.score(t, period, counts_leave=False))
            for code, t in counters.items()
        ]
        person_scores = [
            S.PersonAssessment(
                user_id=user,
                window_code=people.get(user, ""),
                score=assessment_rules.score(t, period, counts_leave=True),
                deductions=[_deduction(d) for d in deductions if d.user_id == user],
            )
            for user, t in persons.items()
        ]
        assessment_rules.rank([w.score for w in window_scores])
        assessment_rules.rank([p.score for p in person_scores])
        for w in window_scores:
            w.red_flag = assessment_rules.red_flag(w.score)
        for person in person_scores:
            person.advanced_worker = assessment_rules.advanced_worker(person.score)
        window_scores.sort(key=_window_order)
        person_scores.sort(key=_person_order)
        return S.GetAssessmentResponse(
            site_code=site_code,
            year=period.year,
            quarter=period.quarter,
            first_day=first.isoformat(),
            last_day=last.isoformat(),
            windows=window_scores,
            people=person_scores,
        )

    def _leave_days(self, session: Session, site_code: str, period: Period) -> dict[str, int]:
        """Working days of approved leave each person of the site took in the period."""
        first, last = period.bounds()
        days: dict[str, int] = defaultdict(int)
        try:
            for row in repository.leave_of_site(session, site_code, first, last):
                if row.state in TAKEN:
                    days[row.user_id] += leave_rules.days_in(
                        self.uc.calendar, row.start_on, last_day_away(row), first, last
                    )
        except CalendarDataMissing as missing:
            raise calendar_missing(missing.year) from None
        return days
