"""A batch of events delivered to supervision at once, several about one case (as a relay sends
them under load): each event is kept once, every one of them reaches the case's watch, and the
batch sent again changes nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select
from tongban.approval.v1 import events_pb2 as P
from tongban.events.v1 import event_pb2, intake_pb2, intake_pb2_grpc

from services.supervision.models import CaseWatchRow, ReceivedEventRow
from tests.contract.supervision_support import RELAY, Watching, accepted, watching
from tests.support import envelope, identity_metadata

ACCEPTED_ON = date(2026, 9, 28)
ONE, TWO = "320826101-20260928-0001", "320826101-20260928-0002"


@pytest.fixture(params=["sqlite", "postgresql"])
def supervision(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Watching]:
    with watching(request.param, tmp_path) as w:
        yield w


def _extended(case_no: str, days: int) -> P.ReviewExtended:
    return P.ReviewExtended(
        review=P.ReviewRef(case_no=case_no, department_code="NJ", site_code="320826101"),
        extension_days=days,
        granted_on="2026-10-09",
    )


def _deliver(w: Watching, events: list[event_pb2.Event]) -> intake_pb2.DeliverEventsResponse:
    stub = intake_pb2_grpc.EventIntakeServiceStub(w.channel)
    response: intake_pb2.DeliverEventsResponse = stub.DeliverEvents(
        intake_pb2.DeliverEventsRequest(events=events), timeout=10, metadata=identity_metadata(RELAY)
    )
    return response


def test_a_batch_with_several_events_of_one_case_reaches_its_watch_once_each(supervision: Watching) -> None:
    at = supervision.clock.now()
    batch = [
        envelope(accepted(ONE, ACCEPTED_ON, 20), source="acceptance", aggregate_id=ONE, at=at),
        envelope(accepted(TWO, ACCEPTED_ON, 20), source="acceptance", aggregate_id=TWO, at=at),
        envelope(_extended(ONE, 5), source="approval", aggregate_id=ONE, at=at),
        envelope(_extended(ONE, 3), source="approval", aggregate_id=ONE, at=at),
    ]

    first = _deliver(supervision, batch)
    # Sent again, with one new event about a case the batch already made known.
    again = _deliver(
        supervision, [*batch, envelope(_extended(TWO, 2), source="approval", aggregate_id=TWO, at=at)]
    )

    assert (first.applied_count, first.duplicate_count) == (4, 0)
    assert (again.applied_count, again.duplicate_count) == (1, 4)
    with supervision.db.reading() as session:
        budgets = {w.case_no: w.budget_days for w in session.exec(select(CaseWatchRow)).all()}
        kept = session.exec(select(func.count()).select_from(ReceivedEventRow)).one()
    assert budgets == {ONE: 20 + 5 + 3, TWO: 20 + 2}
    assert kept == 5
