"""The monthly tables on a real server (SQLite and PostgreSQL), worked out by hand: November 2026
has no holiday, so working days are the weekdays."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import grpc
import pytest
from tongban.acceptance.v1 import catalog_pb2
from tongban.acceptance.v1 import events_pb2 as A
from tongban.approval.v1 import events_pb2 as P
from tongban.supervision.v1 import supervision_pb2 as S

from services.common.identity import Caller
from tests.contract.supervision_support import INSPECTOR, Watching, watching
from tests.support import as_role, identity_metadata, status_of
from tongban_cli.render.supervision import statistics, statistics_csv

W1, W2 = "320826101-W01", "320826102-W01"


def _ref(n: int, window: str = W1) -> A.CaseRef:
    return A.CaseRef(
        case_no=f"{window[:9]}-20261102-000{n}",
        site_code=window[:9],
        window_code=window,
        department_code="NJ",
    )


def _accepted(ref: A.CaseRef, on: str) -> A.CaseAccepted:
    promised = catalog_pb2.HANDLING_TYPE_PROMISED
    return A.CaseAccepted(case=ref, handling_type=promised, accepted_on=on, promised_limit_days=5)


@pytest.fixture(params=["sqlite", "postgresql"])
def sv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Watching]:
    with watching(request.param, tmp_path) as running:
        running.on(date(2026, 11, 2))
        one, two, three, four = _ref(1), _ref(2), _ref(3), _ref(4, W2)
        events = [
            # Received, accepted Monday 2 Nov, decided Thursday 5 Nov on time: 3 working days.
            A.CaseReceived(case=one, received_on="2026-11-02"),
            _accepted(one, "2026-11-02"),
            P.ReviewDecided(review=P.ReviewRef(case_no=one.case_no), decided_on="2026-11-05", on_time=True),
            # Completed on the spot.
            A.CaseReceived(case=two, received_on="2026-11-03"),
            A.CaseCompleted(case=two, completed_on="2026-11-03", on_time=True),
            # Accepted Wednesday 4 Nov, issued late on Friday 20 Nov: 12 working days.
            A.CaseReceived(case=three, received_on="2026-11-04"),
            _accepted(three, "2026-11-04"),
            A.CaseResultIssued(case=three, completed_on="2026-11-20", issued_on="2026-11-20", on_time=False),
            # Another sub-centre's case, received in October, accepted in November.
            A.CaseReceived(case=four, received_on="2026-10-30"),
            _accepted(four, "2026-11-02"),
        ]
        for event in events:
            running.deliver(event)
        # Case four, due 9 November and still open, gets its yellow card on the 10th.
        running.sweep_on(date(2026, 11, 10))
        running.sweep_on(date(2026, 11, 12))
        yield running


def _stats(sv: Watching, caller: Caller = INSPECTOR, **fields: object) -> S.GetStatisticsResponse:
    request = S.GetStatisticsRequest(from_date="2026-11-01", to_date="2026-11-30", **fields)  # type: ignore[arg-type]
    response: S.GetStatisticsResponse = sv.stub.GetStatistics(
        request, timeout=10, metadata=identity_metadata(caller)
    )
    return response


def test_the_monthly_table_per_window(sv: Watching) -> None:
    table = _stats(sv)
    by_window = {row.key: row for row in table.rows}
    first = by_window[W1]
    assert (first.received, first.accepted, first.instant, first.completed, first.completed_on_time) == (
        3,
        2,
        1,
        3,
        2,
    )
    assert first.on_time_rate == pytest.approx(2 / 3)
    assert first.average_working_days == pytest.approx((3 + 12) / 2)
    assert first.findings == 0
    second = by_window[W2]
    assert (second.received, second.accepted, second.completed, second.findings) == (0, 1, 0, 1)
    assert (table.total.received, table.total.accepted, table.total.completed) == (3, 3, 3)
    printed = statistics(table)
    assert "按窗口" in printed and "66.7%" in printed and "7.5" in printed and "合计" in printed
    csv_lines = statistics_csv(table).splitlines()
    assert csv_lines[0].startswith("窗口,接件,受理") and csv_lines[1].startswith(
        f"{W1},3,2,1,3,2,0.6667,7.50,0"
    )


def test_per_site_and_a_township_officer_sees_their_own(sv: Watching) -> None:
    sites = {row.key: row.accepted for row in _stats(sv, group_by=S.STATISTICS_GROUPING_SITE).rows}
    assert sites == {"320826101": 2, "320826102": 1}
    officer = as_role("township_officer", "320826102", user="officer-2")
    own = _stats(sv, officer, group_by=S.STATISTICS_GROUPING_SITE)
    assert [row.key for row in own.rows] == ["320826102"]
    with pytest.raises(grpc.RpcError) as refused:
        _stats(sv, officer, site_code="320826101")
    assert status_of(refused.value) == grpc.StatusCode.PERMISSION_DENIED


def test_a_period_that_ends_before_it_starts_is_refused(sv: Watching) -> None:
    request = S.GetStatisticsRequest(from_date="2026-11-30", to_date="2026-11-01")
    with pytest.raises(grpc.RpcError) as refused:
        sv.stub.GetStatistics(request, timeout=10, metadata=identity_metadata(INSPECTOR))
    assert status_of(refused.value) == grpc.StatusCode.INVALID_ARGUMENT
