"""The rules of assessment (考核, DOMAIN.md "Staff"), per person and per window, for a quarter or
a year:

    total = 100 - deductions + bonus - leave points

- deductions: the points supervision's accountability cases decided, each for one finding;
- bonus: praise points (表扬卡 1, 锦旗 3, 好评 1), capped at 5 a quarter and 10 a year;
- leave: approved leave is not a violation, so a person's first 5 working days of it in a
  quarter (10 in a year) cost nothing; each working day beyond costs 1 point. A window's score
  has no leave term: a window left without cover shows up as unattended, which supervision
  deducts for.
- ranking: the highest total ranks 1, equal totals share a rank. 红旗窗口: the windows ranked 1
  with no deduction and a total above 100. 先进工作者: the people ranked 1 to 3 with no deduction
  and a total above 100.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tongban.staff.v1 import assessment_pb2

from services.staff import leave_rules

S = assessment_pb2
BASE = 100
PRAISE_POINTS: dict[int, int] = {
    S.PRAISE_KIND_CARD: 1,
    S.PRAISE_KIND_BANNER: 3,
    S.PRAISE_KIND_GOOD_REVIEW: 1,
}
BONUS_CAP = {"quarter": 5, "year": 10}
LEAVE_ALLOWANCE_DAYS = {"quarter": 5, "year": 10}
ADVANCED_WORKER_RANKS = 3


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int  # 0: the whole year

    @property
    def kind(self) -> str:
        return "year" if self.quarter == 0 else "quarter"

    def bounds(self) -> tuple[date, date]:
        if self.quarter == 0:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        return leave_rules.quarter_bounds(self.year, self.quarter)


@dataclass
class Tally:
    deductions: int = 0
    praise_points: int = 0
    leave_days: int = 0


def score(tally: Tally, period: Period, *, counts_leave: bool) -> S.Score:
    bonus = min(tally.praise_points, BONUS_CAP[period.kind])
    leave_points = max(0, tally.leave_days - LEAVE_ALLOWANCE_DAYS[period.kind]) if counts_leave else 0
    return S.Score(
        deductions=tally.deductions,
        praise_points=tally.praise_points,
        bonus=bonus,
        leave_days=tally.leave_days if counts_leave else 0,
        leave_points=leave_points,
        total=BASE - tally.deductions + bonus - leave_points,
    )


def rank(scores: Sequence[S.Score]) -> None:
    """Set each score's rank: 1 for the highest total, equal totals sharing one (1, 1, 3)."""
    totals = sorted((s.total for s in scores), reverse=True)
    for item in scores:
        item.rank = totals.index(item.total) + 1


def red_flag(item: S.Score) -> bool:
    return item.rank == 1 and item.deductions == 0 and item.total > BASE


def advanced_worker(item: S.Score) -> bool:
    return item.rank <= ADVANCED_WORKER_RANKS and item.deductions == 0 and item.total > BASE
