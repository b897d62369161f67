"""The approval service on a free port, and accepted-case events as acceptance sends them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import grpc
import pytest
from google.protobuf import json_format
from google.protobuf.message import Message
from sqlmodel import select
from tongban.acceptance.v1 import catalog_pb2
from tongban.acceptance.v1 import events_pb2 as acceptance_events
from tongban.approval.v1 import approval_pb2_grpc
from tongban.events.v1 import event_pb2
from tongban.staff.v1 import events_pb2 as staff_events
from tongban.staff.v1 import organisation_pb2

from services.acceptance.seed import CATALOG_FILE
from services.approval import app
from services.approval.events import CaseLifecycle
from services.common import migrations
from services.common.calendar import WorkingCalendar
from services.common.clock import CHINA, FixedClock
from services.common.db import Database
from services.common.inbox import EventHandler
from services.common.outbox import OutboxEvent
from services.common.settings import Settings
from services.common.usecases import UseCases
from tests.organisation_support import copy_demo_organisation
from tests.support import INTERNAL_KEY, envelope, payloads
from tests.templates import prepared_database

START = datetime(2026, 9, 28, 9, 30, tzinfo=CHINA)
P = TypeVar("P", bound=Message)
GAOGOU = "320826101"
COUNTY = "320826000"
_CATALOG = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
_MATTERS = {item["code"]: item for item in _CATALOG["matters"]}
_DEPARTMENTS = {item["code"]: item["name"] for item in _CATALOG["departments"]}


def accepted_event(
    matter_code: str, case_no: str, *, site: str = GAOGOU, accepted_on: date | None = None
) -> event_pb2.Event:
    """A CaseAccepted event with the facts acceptance sends (services/acceptance/events.py)."""
    matter = json_format.ParseDict(_MATTERS[matter_code], catalog_pb2.Matter())
    codes = {matter.department_code} | {c for step in matter.review_steps for c in step.department_codes}
    accepted = acceptance_events.CaseAccepted(
        case=acceptance_events.CaseRef(
            case_no=case_no, matter_code=matter.code, department_code=matter.department_code, site_code=site
        ),
        handling_type=matter.handling_type,
        deciding_level=matter.deciding_level,
        service_mode=matter.service_mode,
        accepted_on=(accepted_on or START.date()).isoformat(),
        promised_limit_days=matter.promised_limit_days,
        county_review=acceptance_events.CountyReviewPlan(
            matter_name=matter.name,
            department_names={code: _DEPARTMENTS[code] for code in codes},
            site_level=catalog_pb2.SITE_LEVEL_COUNTY if site == COUNTY else catalog_pb2.SITE_LEVEL_TOWNSHIP,
            special_procedures=matter.special_procedures,
            steps=matter.review_steps,
        ),
    )
    return event(accepted, case_no)


def event(payload: Message, case_no: str) -> event_pb2.Event:
    """An event from acceptance about a case."""
    return envelope(payload, source="acceptance", aggregate_id=case_no, at=START)


def staff_member(
    user_id: str, department: str, *, site: str = COUNTY, active: bool = True
) -> event_pb2.Event:
    """A county department reviewer as the staff service announces them (approval's copy)."""
    member = staff_events.StaffMemberChanged(
        user_id=user_id,
        site_code=site,
        window_code="",
        department_code=department,
        roles=[organisation_pb2.STAFF_ROLE_REVIEWER],
        active=active,
        posted_on="2025-01-02",
        account_enabled=True,
    )
    return envelope(member, source="staff", aggregate_id=user_id, at=START)


@dataclass
class ApprovalUnderTest:
    clock: FixedClock
    db: Database
    channel: grpc.Channel
    lifecycle: EventHandler

    @property
    def reviews(self) -> approval_pb2_grpc.ReviewServiceStub:
        return approval_pb2_grpc.ReviewServiceStub(self.channel)

    def deliver(self, *events: event_pb2.Event) -> None:
        """Apply events as the inbox would: each in its own transaction."""
        for item in events:
            with self.db.transaction() as session:
                self.lifecycle(session, item)

    def sent(self, payload_type: type[P]) -> list[P]:
        """The events of one type approval wrote to its outbox, decoded."""
        event_type = payload_type.DESCRIPTOR.full_name
        with self.db.reading() as session:
            rows = session.exec(select(OutboxEvent).where(OutboxEvent.event_type == event_type)).all()
            unique = {row.event_id: row.payload for row in rows}
        return payloads([event_pb2.Event.FromString(payload) for payload in unique.values()], payload_type)


def _prepare_approval(url: str) -> None:
    """The schema and approval's copy of the demo organisation (the people a step may go to)."""
    db = app.database(Settings(database_url=url))
    try:
        migrations.upgrade(db, "approval")
        lifecycle = CaseLifecycle(UseCases(db, FixedClock(START), WorkingCalendar.load()))
        copy_demo_organisation(db, "approval", lifecycle.consumer())
    finally:
        db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def approval(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ApprovalUnderTest]:
    with prepared_database(request.param, "approval", tmp_path, _prepare_approval) as url:
        settings = Settings(port=0, database_url=url, internal_key=INTERNAL_KEY.decode(), var_dir=tmp_path)
        db = app.database(settings)
        clock = FixedClock(START)
        running = app.build(settings, db=db, clock=clock)
        running.server.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
        try:
            lifecycle = CaseLifecycle(UseCases(db, clock, WorkingCalendar.load())).consumer()
            yield ApprovalUnderTest(clock, db, channel, lifecycle)
        finally:
            channel.close()
            running.server.stop(0).wait()
            db.dispose()
