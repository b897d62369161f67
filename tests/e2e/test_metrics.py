"""Metrics a platform engineer alerts on, scraped from a running stack (every process with its
Prometheus endpoint, OTEL_METRICS_EXPORTER=prometheus): the gRPC durations, the domain's counts,
the outbox backlog and its age, relay failures, and supervision's overdue cases and alerts."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Stack, running_stack
from tests.support import wait_until

CLERK, INSPECTOR = "clerk-gaogou", "inspector-county"
# (metric, a label it carries, its value), as the /metrics text shows them; "" matches any.
Want = tuple[str, str, str]
EVERY_PROCESS: tuple[Want, ...] = (("rpc_server_duration_milliseconds_count", 'rpc_system="grpc"', ""),)
EXPECTED: dict[str, tuple[Want, ...]] = {
    "gateway": (("rpc_client_duration_milliseconds_count", 'rpc_method="SubmitApplication"', ""),),
    "acceptance": (
        ("tongban_cases_received_total", 'tongban_site_code="320826101"', "1.0"),
        ("tongban_cases_accepted_total", 'tongban_site_code="320826101"', "1.0"),
        ("tongban_cases_decided_total", "", "0.0"),
        ("tongban_outbox_backlog", 'destination="approval"', ""),
        ("tongban_outbox_oldest_age_seconds", 'destination="supervision"', ""),
        ("tongban_relay_failures_total", 'destination="approval"', "0.0"),
    ),
    "approval": (("tongban_outbox_backlog", "", ""), ("tongban_relay_failures_total", "", "")),
    "staff": (("tongban_outbox_backlog", "", ""),),
    "supervision": (
        ("tongban_cases_overdue_open", 'tongban_site_code="320826101"', "1.0"),
        ("tongban_alerts_total", 'tongban_severity="ALERT_SEVERITY_YELLOW_CARD"', "1.0"),
        ("tongban_outbox_backlog", 'destination="acceptance"', ""),
    ),
}


def _has(text: str, want: Want) -> bool:
    name, label, value = want
    return any(
        line.startswith(name + "{") and label in line and (not value or line.endswith(" " + value))
        for line in text.splitlines()
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("metrics"), metrics=True) as started:
        yield started


def _scrape(stack: Stack, name: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.metrics_ports[name]}/metrics", timeout=10) as reply:
        return str(reply.read().decode())


def test_each_process_exports_what_an_alert_rule_needs(stack: Stack) -> None:
    stack.cli(
        CLERK, "case", "submit", "--matter", "320826-NJ-XK-001", "--person", "李建国",
        "--id", "320826197607150018", "--phone", "15851712345",
        *[a for code in ("M01", "M02", "M03", "M04", "M05") for a in ("--material", code)],
    )  # fmt: skip
    # Accepted Monday 28 September (5 working days): a yellow card on Monday 12 October.
    events = ("supervision", "events", "--type", "CaseAccepted")
    wait_until(
        lambda: "CaseAccepted" in stack.cli(INSPECTOR, *events).stdout, what="supervision to know the case"
    )
    stack.set_clock("2026-10-12T09:00:00+08:00")
    stack.cli(INSPECTOR, "supervision", "sweep")

    def found(name: str) -> list[str] | None:
        text = _scrape(stack, name)
        missing = [want for want in (*EVERY_PROCESS, *EXPECTED[name]) if not _has(text, want)]
        return None if missing else [name]

    for name in EXPECTED:
        wait_until(lambda n=name: found(n), what=f"{name}'s metrics", timeout=30)
