"""The staff service on a free port, over SQLite and PostgreSQL, with the demo organisation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import grpc
import pytest
from google.protobuf.message import Message
from sqlmodel import select
from tongban.events.v1 import event_pb2
from tongban.staff.v1 import (
    accounts_pb2_grpc,
    assessment_pb2_grpc,
    attendance_pb2_grpc,
    calendar_pb2_grpc,
    keys_pb2,
    keys_pb2_grpc,
    leave_pb2_grpc,
    organisation_pb2_grpc,
    rotation_pb2_grpc,
)

from services.common import migrations
from services.common.clock import CHINA, FixedClock
from services.common.db import Database
from services.common.identity import Caller
from services.common.outbox import OutboxEvent
from services.common.settings import Settings
from services.staff import app
from services.staff.seed import load_organisation
from tests.support import INTERNAL_KEY, identity_metadata, payloads
from tests.templates import prepared_database

P = TypeVar("P", bound=Message)
START = datetime(2026, 9, 28, 9, 30, tzinfo=CHINA)
ADMIN = Caller("admin-county", "320826000", frozenset({"centre_admin"}))
OFFICER = Caller("officer-gaogou", "320826101", frozenset({"township_officer"}))
CLERK = Caller("clerk-gaogou", "320826101", frozenset({"clerk"}))
GATEWAY = Caller("service:gateway", "", frozenset({"service"}))
# Three failures in a row lock an account for ten minutes (the default is 5 and 15).
MAX_FAILURES = 3
LOCK_MINUTES = 10


@dataclass
class StaffUnderTest:
    clock: FixedClock
    # The time tokens, locks and key rotation count with (the real time when the test starts).
    real_time: FixedClock
    db: Database
    channel: grpc.Channel

    @property
    def organisation(self) -> organisation_pb2_grpc.OrganisationServiceStub:
        return organisation_pb2_grpc.OrganisationServiceStub(self.channel)

    @property
    def accounts(self) -> accounts_pb2_grpc.AccountServiceStub:
        return accounts_pb2_grpc.AccountServiceStub(self.channel)

    @property
    def leave(self) -> leave_pb2_grpc.LeaveServiceStub:
        return leave_pb2_grpc.LeaveServiceStub(self.channel)

    @property
    def assessment(self) -> assessment_pb2_grpc.AssessmentServiceStub:
        return assessment_pb2_grpc.AssessmentServiceStub(self.channel)

    @property
    def attendance(self) -> attendance_pb2_grpc.AttendanceServiceStub:
        return attendance_pb2_grpc.AttendanceServiceStub(self.channel)

    @property
    def rotations(self) -> rotation_pb2_grpc.RotationServiceStub:
        return rotation_pb2_grpc.RotationServiceStub(self.channel)

    @property
    def calendar(self) -> calendar_pb2_grpc.CalendarServiceStub:
        return calendar_pb2_grpc.CalendarServiceStub(self.channel)

    def keys(self) -> keys_pb2.GetVerificationKeysResponse:
        stub = keys_pb2_grpc.TokenKeyServiceStub(self.channel)
        return stub.GetVerificationKeys(
            keys_pb2.GetVerificationKeysRequest(), metadata=identity_metadata(GATEWAY)
        )

    def published(self, payload_type: type[P]) -> list[P]:
        """The events of one type staff wrote to its outbox, decoded, in order."""
        with self.db.reading() as session:
            rows = session.exec(
                select(OutboxEvent).where(OutboxEvent.event_type == payload_type.DESCRIPTOR.full_name)
            ).all()
            unique = {row.event_id: row.payload for row in sorted(rows, key=lambda r: r.position or 0)}
        return payloads([event_pb2.Event.FromString(p) for p in unique.values()], payload_type)


def _prepare_staff(url: str) -> None:
    """The schema and the demo organisation (its passwords hashed once, not per test)."""
    db = app.database(Settings(database_url=url))
    try:
        migrations.upgrade(db, "staff")
        load_organisation(db, now=START)
    finally:
        db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def staff(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StaffUnderTest]:
    with prepared_database(request.param, "staff", tmp_path, _prepare_staff) as url:
        settings = Settings(
            port=0,
            database_url=url,
            internal_key=INTERNAL_KEY.decode(),
            var_dir=tmp_path,
            login_max_failures=MAX_FAILURES,
            login_lock_minutes=LOCK_MINUTES,
        )
        db = app.database(settings)
        clock = FixedClock(START)
        real_time = FixedClock(datetime.now(UTC))
        running = app.build(settings, db=db, clock=clock, real_time=real_time)
        running.server.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
        try:
            yield StaffUnderTest(clock, real_time, db, channel)
        finally:
            channel.close()
            running.server.stop(0).wait()
            db.dispose()
