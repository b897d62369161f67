"""The staff service's demo organisation as its events: what acceptance's and approval's copies
are fed with, for tests that run those services without the staff service."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from sqlmodel import col, select
from tongban.events.v1 import event_pb2

from services.common import migrations
from services.common.clock import SystemClock
from services.common.db import Database
from services.common.inbox import EventHandler, receive
from services.common.outbox import OutboxEvent
from services.common.settings import Settings
from services.staff.app import database as staff_database
from services.staff.seed import load_organisation


@cache
def _outbox() -> tuple[tuple[str, bytes], ...]:
    """(destination, event) of every event the demo seed publishes, in order (seeded once a session:
    hashing the demo passwords takes a while)."""
    with tempfile.TemporaryDirectory() as scratch:
        db = staff_database(Settings(var_dir=Path(scratch)))
        try:
            migrations.upgrade(db, "staff")
            load_organisation(db)
            with db.reading() as session:
                rows = session.exec(select(OutboxEvent).order_by(col(OutboxEvent.position))).all()
                return tuple((row.destination, row.payload) for row in rows)
        finally:
            db.dispose()


def demo_organisation_events(destination: str) -> list[event_pb2.Event]:
    """The demo organisation's events for one receiving service, as staff's relay sends them."""
    return [event_pb2.Event.FromString(payload) for to, payload in _outbox() if to == destination]


def copy_demo_organisation(db: Database, destination: str, handle: EventHandler) -> None:
    """Feed a service's copy with the demo organisation through its inbox."""
    counts = receive(db, demo_organisation_events(destination), handle, SystemClock().now)
    assert counts.rejected == 0, "the demo organisation's events were refused"
