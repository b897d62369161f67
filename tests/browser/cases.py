"""Cases the browser tests set up through the CLI before a person opens them in the console."""

from __future__ import annotations

from collections.abc import Callable

from tests.browser.conftest import Session
from tests.e2e.conftest import START, Stack
from tests.support import wait_until

SignIn = Callable[[str], Session]

HOUSEHOLD = "320826-GA-QT-001"  # 户口迁移: the township's step, then the county police
TRACTOR = "320826-NJ-XK-001"  # 拖拉机登记: the township's step, then the county (NJ)
# A made-up applicant with a valid ID number (GB 11643 check character).
LI = ["--person", "李建国", "--id", "320826197607150018", "--phone", "15851712345"]


def accepted(console: Stack, matter: str, materials: int) -> str:
    """A complete application of `matter` (materials M01…) at 高沟镇: accepted, its case number."""
    codes = [f"M{number:02d}" for number in range(1, materials + 1)]
    submitted = console.cli_json(
        "clerk-gaogou", "case", "submit", "--matter", matter, *LI,
        *[a for code in codes for a in ("--material", code)],
    )  # fmt: skip
    return str(submitted["case"]["caseNo"])  # type: ignore[index]


def past_the_township_step(console: Stack, case_no: str) -> None:
    """The clerk passes the township's initial review (step 1) once the review has opened."""

    def opened() -> bool:
        return console.cli("clerk-gaogou", "review", "claim", case_no, "1", check=False).returncode == 0

    wait_until(opened, what="the review to open", timeout=60)
    console.cli("clerk-gaogou", "review", "approve", case_no, "1", "--opinion", "材料齐全")


def overdue_with_alerts(console: Stack) -> str:
    """A tractor registration left at the township until its first overdue day: the reminder,
    then the yellow card on the record. Received on the stack's first day, whatever day an
    earlier flow on the same stack left the clock at."""
    console.set_clock(START)
    late = accepted(console, TRACTOR, 5)

    def supervised() -> bool:
        events = console.cli_json("inspector-county", "supervision", "events", "--case", late)
        return "CaseAccepted" in str(events)

    wait_until(supervised, what="supervision to learn of the acceptance", timeout=60)
    for day in ("2026-10-09", "2026-10-12"):
        console.set_clock(f"{day}T09:00:00+08:00")
        console.cli("inspector-county", "supervision", "sweep")
    return late
