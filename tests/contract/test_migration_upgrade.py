"""A database written by the previous revision, with cases in it, is upgraded to head and every
case is still readable, on SQLite and PostgreSQL. The rows are written as revision 0001 had them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from sqlalchemy import Connection, text
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import acceptance_pb2_grpc, catalog_pb2, catalog_pb2_grpc
from tongban.approval.v1 import approval_pb2 as R
from tongban.approval.v1 import approval_pb2_grpc

from services.acceptance import app as acceptance_app
from services.acceptance.seed import CATALOG_FILE
from services.approval import app as approval_app
from services.common import migrations
from services.common.clock import CHINA, FixedClock
from services.common.db import Database
from services.common.settings import Settings
from tests.support import INTERNAL_KEY, clerk, fresh_postgres_database, identity_metadata, reviewer

BEFORE = {"acceptance": "0001_initial_schema", "approval": "0001_initial_schema"}
NOW = datetime(2026, 10, 12, 9, 0, tzinfo=CHINA)
CASES = ["320826101-20260928-0001", "320826101-20260928-0002"]
# Sent back by the county for supplement on 29 Sep, before the window kept the county's clock.
SENT_BACK = "320826101-20260928-0003"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            yield f"sqlite:///{tmp_path / 'service.db'}"
        else:
            yield stack.enter_context(fresh_postgres_database())


def _insert(connection: Connection, table: str, **values: Any) -> None:
    columns = ", ".join(values)
    connection.execute(
        text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in values)})"), values
    )


def _old_catalogue(connection: Connection) -> None:
    """Departments and matters as the seed wrote them before matters had versions."""
    data = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    for item in data["departments"]:
        _insert(connection, "departments", code=item["code"], name=item["name"])
    for item in data["matters"]:
        matter = json_format.ParseDict(item, catalog_pb2.Matter())
        _insert(
            connection, "matters", code=matter.code, name=matter.name, department_code=matter.department_code,
            department_name=matter.department_name,
            accepting_levels=" ".join(str(level) for level in matter.accepting_levels),
            definition=matter.SerializeToString(),
        )  # fmt: skip


def _settings(url: str, tmp_path: Path) -> Settings:
    return Settings(port=0, database_url=url, internal_key=INTERNAL_KEY.decode(), var_dir=tmp_path)


def test_cases_written_before_the_upgrade_are_read_after_it(url: str, tmp_path: Path) -> None:
    db = acceptance_app.database(_settings(url, tmp_path))
    migrations.upgrade(db, "acceptance", BEFORE["acceptance"])
    with db.engine.begin() as connection:
        _old_catalogue(connection)
        # Sites and windows as the catalogue's seed wrote them then (now staff's events do).
        _insert(connection, "sites", code="320826000", name="涟水县政务服务中心", level=1, parent_code="")
        _insert(
            connection,
            "sites",
            code="320826101",
            name="高沟镇政务服务分中心",
            level=2,
            parent_code="320826000",
        )
        _insert(
            connection,
            "windows",
            code="320826101-W01",
            site_code="320826101",
            name="综合窗口",
            department_code="",
        )
        for serial, case_no in enumerate([*CASES, SENT_BACK], start=1):
            state = A.CASE_STATE_REVIEW_SUPPLEMENT if case_no == SENT_BACK else A.CASE_STATE_ACCEPTED
            _insert(
                connection,
                "cases",
                case_no=case_no, site_code="320826101", window_code="320826101-W01",
                matter_code="320826-GA-QT-001", state=state,
                applicant_kind=A.APPLICANT_KIND_PERSON, applicant_name="王秀英",
                applicant_id_number="32082619850312002X", applicant_phone="13912345678",
                applicant_address="", received_at=datetime(2026, 9, 28, 9, serial, tzinfo=CHINA),
                received_on=date(2026, 9, 28), received_by="clerk-gaogou", accepted_on=date(2026, 9, 28),
                promised_limit_days=5, promised_date=date(2026, 10, 10), outstanding="[]", notice_count=0,
                new_facts="[]", non_acceptance_reason="", competent_agency="", outcome=0, result_summary="",
                issued_by="", recipient_name="", withdrawal_reason="", decision_number="",
                decided_on_time=False, review_items="[]", review_reason="",
                trace_id=f"{serial:032x}", root_span_id=f"{serial:016x}",
            )  # fmt: skip
        _insert(
            connection,
            "inbox",
            event_id="sent-back", event_type="tongban.approval.v1.ReviewSentBack", source="approval",
            aggregate_id=SENT_BACK, received_at=datetime(2026, 9, 29, 10, 0, tzinfo=CHINA), outcome="applied",
        )  # fmt: skip
        _insert(
            connection,
            "idempotency_keys",
            request_id="before-the-upgrade", method="SubmitApplication", fingerprint="0" * 64,
            result=b"", failed=False, created_at=NOW,
        )  # fmt: skip
    migrations.upgrade(db, "acceptance")
    assert migrations.current(db) == migrations.script("acceptance").get_current_head()

    running = acceptance_app.build(_settings(url, tmp_path), db=db, clock=FixedClock(NOW))
    running.server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            cases = acceptance_pb2_grpc.AcceptanceServiceStub(channel)
            as_clerk = identity_metadata(clerk())
            for case_no in CASES:
                case = cases.GetCase(A.GetCaseRequest(case_no=case_no), metadata=as_clerk).case
                assert (case.state, case.promised_date, case.applicant.name, case.matter_version) == (
                    A.CASE_STATE_ACCEPTED,
                    "2026-10-10",
                    "王秀英",
                    1,
                )
            # Every matter became its own version 1, in force.
            catalog = catalog_pb2_grpc.CatalogServiceStub(channel)
            matter = catalog.GetMatter(
                catalog_pb2.GetMatterRequest(code="320826-GA-QT-001"), metadata=as_clerk
            ).matter
            assert (matter.version, matter.promised_limit_days) == (1, 5)
            listed = cases.ListCases(A.ListCasesRequest(), metadata=as_clerk)
            assert [c.case_no for c in listed.cases] == [SENT_BACK, *reversed(CASES)]
            # The county's clock (county-decided matter, promised 10 Oct), read on Mon 12 Oct:
            # overdue by a day under review; the one sent back stands paused since 29 Sep.
            clocks = {c.case_no: (c.working_days_left, c.overdue) for c in listed.cases}
            assert clocks == {CASES[0]: (-1, True), CASES[1]: (-1, True), SENT_BACK: (4, False)}
            late = cases.ListCases(A.ListCasesRequest(overdue_only=True), metadata=as_clerk)
            assert [c.case_no for c in late.cases] == list(reversed(CASES))
    finally:
        running.server.stop(0).wait()
        db.dispose()


def _review(case_no: str, *, in_review: bool) -> dict[str, Any]:
    """A review row as approval's schema before the flags holds it: in review, or sent back."""
    return dict(
        case_no=case_no, matter_code="320826-ZR-XK-001", matter_name="乡村建设规划许可证核发",
        department_code="ZR", site_code="320826101", site_level=2, service_mode=2,
        special_procedures="", department_names='{"ZR": "县自然资源和规划局"}',
        state=R.REVIEW_STATE_IN_REVIEW if in_review else R.REVIEW_STATE_SENT_BACK,
        accepted_on=date(2026, 9, 28), budget_days=15, extension_days=0, extension_approver="",
        extension_reason="", extension_granted_by="", extension_notice="", sent_back=not in_review,
        decision_outcome=0, decision_reasons="[]", decision_number="", decided_by="",
        decision_department="", trace_id="1" * 32, root_span_id="1" * 16, opened_at=NOW,
    )  # fmt: skip


def test_steps_written_before_the_upgrade_get_their_numbers(url: str, tmp_path: Path) -> None:
    db = approval_app.database(_settings(url, tmp_path))
    migrations.upgrade(db, "approval", BEFORE["approval"])
    case_no = CASES[0]
    with db.engine.begin() as connection:
        _insert(connection, "reviews", **_review(case_no, in_review=True))
        # The ids were counted across all cases: this case's steps are 7, 9, 8, 10 (a parallel pair).
        for step_id, position, name, department in (
            (7, 1, "乡镇初审", ""),
            (9, 2, "并联审核", "ZJ"),
            (8, 2, "并联审核", "ZR"),
            (10, 3, "审批决定", "ZR"),
        ):
            _insert(
                connection,
                "steps",
                step_id=step_id, case_no=case_no, position=position, name=name, kind=1, role=2,
                department_code=department, site_code="320826101" if not department else "",
                lead=department == "ZR", state=R.STEP_STATE_ACTIVE if position == 2 else R.STEP_STATE_WAITING,
                time_limit_days=2, assignee="", verdict=0, opinion="", acted_by="",
            )  # fmt: skip
        _insert(
            connection, "activities", case_no=case_no, action="claimed", actor="reviewer-zj", step_id=9,
            target="", detail="", at=NOW,
        )  # fmt: skip
    migrations.upgrade(db, "approval")

    found = _reviews_after_the_upgrade(db, url, tmp_path, [case_no])[case_no]
    assert [(s.number, s.name, s.department_code) for s in found.steps] == [
        (1, "乡镇初审", ""),
        (2, "并联审核", "ZR"),
        (3, "并联审核", "ZJ"),
        (4, "审批决定", "ZR"),
    ]
    assert [(a.action, a.step_number) for a in found.activities] == [("claimed", 3)]


def test_reviews_paused_or_with_documents_before_the_flags_still_show_them(url: str, tmp_path: Path) -> None:
    """Approval's migration 0005 tells each review whether it has pauses or documents, from the
    rows a database already holds: a view after the upgrade still shows them, and their clock."""
    db = approval_app.database(_settings(url, tmp_path))
    migrations.upgrade(db, "approval", "0004_staff_copy_calendar_years")
    paused, quiet = CASES
    with db.engine.begin() as connection:
        for case_no in (paused, quiet):
            _insert(connection, "reviews", **_review(case_no, in_review=case_no == quiet))
        _insert(
            connection, "pauses", case_no=paused, kind=R.PAUSE_KIND_SUPPLEMENT, procedure=0, reason="缺材料",
            planned_days=0, started_on=date(2026, 9, 30), notice_number="", started_by="reviewer-zr",
            ended_by="", items='["户口簿"]',
        )  # fmt: skip
        _insert(
            connection, "review_documents", number="YQ-ZR-2026-00001",
            kind=R.REVIEW_DOCUMENT_KIND_EXTENSION_NOTICE, case_no=paused, department_code="ZR",
            issued_on=date(2026, 9, 29), text="延期通知", sha256="0" * 64,
        )  # fmt: skip
    migrations.upgrade(db, "approval")

    found = _reviews_after_the_upgrade(db, url, tmp_path, [paused, quiet])
    assert [(p.reason, list(p.items)) for p in found[paused].pauses] == [("缺材料", ["户口簿"])]
    assert [d.number for d in found[paused].documents] == ["YQ-ZR-2026-00001"]
    assert found[paused].clock.paused and not found[quiet].clock.paused
    assert (list(found[quiet].pauses), list(found[quiet].documents)) == ([], [])


def _reviews_after_the_upgrade(
    db: Database, url: str, tmp_path: Path, case_nos: list[str]
) -> dict[str, R.Review]:
    """Each case's review as approval, started on the upgraded database, shows it to its reviewer."""
    running = approval_app.build(_settings(url, tmp_path), db=db, clock=FixedClock(NOW))
    running.server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            reviews = approval_pb2_grpc.ReviewServiceStub(channel)
            as_reviewer = identity_metadata(reviewer("ZR"))
            return {
                case_no: reviews.GetReview(R.GetReviewRequest(case_no=case_no), metadata=as_reviewer).review
                for case_no in case_nos
            }
    finally:
        running.server.stop(0).wait()
        db.dispose()
