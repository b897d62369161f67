"""A county case that runs over, end to end on the whole stack (every process, SQLite): the
inspector's sweeps find the reminder, the yellow card and the red card on their days; the
inspector opens an accountability case, asks for and records the department's explanation,
decides a deduction and closes it; the deduction reaches the staff service's assessment; and the
alerts, the decision and the staff service's receipt of the deduction are all in the case's trace.

The tractor registration (5 working days) accepted on Monday 28 September 2026 is due on the
make-up Saturday 10 October: reminder on the 9th, yellow card on the 12th (finish by the 15th),
red card on the 16th.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from services.common.case_trace_ids import case_trace_ids
from tests.e2e.conftest import Stack, running_stack
from tests.support import wait_until

TRACTOR = "320826-NJ-XK-001"
CLERK, INSPECTOR, REVIEWER, ADMIN = "clerk-gaogou", "inspector-county", "reviewer-nj", "admin-county"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("supervision-flow")) as started:
        yield started


def _sweep_on(stack: Stack, day: str) -> list[dict[str, Any]]:
    """Move to `day`, sweep, and return the alerts about cases, oldest first."""
    stack.set_clock(f"{day}T09:00:00+08:00")
    stack.cli(INSPECTOR, "supervision", "sweep")
    listed = stack.cli_json(INSPECTOR, "supervision", "alerts", "--rule", "time_limit")
    return list(reversed(listed.get("alerts", [])))  # type: ignore[arg-type]


def test_a_case_that_runs_over_ends_in_a_deduction_all_in_its_trace(stack: Stack) -> None:
    submitted = stack.cli_json(
        CLERK, "case", "submit", "--matter", TRACTOR, "--person", "李建国", "--id", "320826197607150018",
        "--phone", "15851712345",
        *[a for code in ("M01", "M02", "M03", "M04", "M05") for a in ("--material", code)],
    )  # fmt: skip
    case_no = str(submitted["case"]["caseNo"])  # type: ignore[index]

    def supervised() -> bool:
        events = stack.cli_json(
            INSPECTOR, "supervision", "events", "--case", case_no, "--source", "acceptance"
        )
        return "tongban.acceptance.v1.CaseAccepted" in str(events)

    wait_until(supervised, what="supervision to learn of the acceptance", timeout=60)

    assert _sweep_on(stack, "2026-10-08") == []
    assert [a["severity"] for a in _sweep_on(stack, "2026-10-09")] == ["ALERT_SEVERITY_REMINDER"]
    cards = _sweep_on(stack, "2026-10-12")
    assert [a["severity"] for a in cards] == ["ALERT_SEVERITY_REMINDER", "ALERT_SEVERITY_YELLOW_CARD"]
    assert cards[1]["finishBy"] == "2026-10-15"
    assert len(_sweep_on(stack, "2026-10-15")) == 2
    alerts = _sweep_on(stack, "2026-10-16")
    assert [a["severity"] for a in alerts][-1] == "ALERT_SEVERITY_RED_CARD"
    assert {a["caseNo"] for a in alerts} == {case_no}

    ids = [str(a["alertId"]) for a in alerts]
    opened = stack.cli_json(
        INSPECTOR, "accountability", "open", *[x for i in ids for x in ("--alert", i)],
        "--person", REVIEWER, "--reason", "办件超期，黄牌限期内仍未办结",
    )  # fmt: skip
    case_id = str(opened["accountabilityCase"]["caseId"])  # type: ignore[index]
    stack.cli(INSPECTOR, "accountability", "ask", case_id, "--question", "超期原因", "--due", "2026-10-21")
    stack.cli(INSPECTOR, "accountability", "explain", case_id, "--text", "节后积压，未及时审核")
    stack.cli(
        INSPECTOR, "accountability", "decide", case_id,
        "--outcome", "扣分", "--points", "2", "--reasons", "超期 6 个工作日",
    )  # fmt: skip
    closed = stack.cli_json(INSPECTOR, "accountability", "close", case_id)
    assert closed["accountabilityCase"]["state"] == "ACCOUNTABILITY_STATE_CLOSED"  # type: ignore[index]
    verified = stack.cli(INSPECTOR, "supervision", "verify")
    assert "监察记录完整" in verified.stdout

    def deducted() -> dict[str, Any] | None:
        report = stack.cli_json(
            ADMIN, "assessment", "report", "--year", "2026", "--quarter", "4", "--site", "320826000"
        )
        people = {p["userId"]: p for p in report.get("people", [])}  # type: ignore[attr-defined]
        person = people.get(REVIEWER)
        return person if person and person.get("deductions") else None

    person = wait_until(deducted, what="the deduction to reach the assessment", timeout=60)
    [deduction] = person["deductions"]
    assert (deduction["points"], deduction["accountabilityCaseId"]) == (2, case_id)
    assert person["score"]["deductions"] == 2

    trace_id = case_trace_ids(case_no).trace_id

    def traced() -> set[tuple[str, str]] | None:
        spans = {(s.service, s.name) for s in stack.collector.snapshot() if s.trace_id == trace_id}
        wanted = {
            ("tongban-acceptance", "acceptance.receive"),
            ("tongban-supervision", "supervision.alert"),
            ("tongban-supervision", "supervision.accountability_decided"),
        }
        staff_got_it = any(service == "tongban-staff" for service, _ in spans)
        return spans if wanted <= spans and staff_got_it else None

    wait_until(traced, what="the alerts, the decision and staff's receipt in the case's trace", timeout=60)
    alert_spans = [
        s for s in stack.collector.snapshot() if s.trace_id == trace_id and s.name == "supervision.alert"
    ]
    assert len(alert_spans) == 3
