"""Fixtures: the acceptance service on a free port, over SQLite and over PostgreSQL; spans recorded."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import grpc
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from tongban.acceptance.v1 import acceptance_pb2_grpc, catalog_pb2_grpc

from services.acceptance import app
from services.acceptance.events import CountyResults
from services.acceptance.seed import load_catalog
from services.common import migrations
from services.common.calendar import WorkingCalendar
from services.common.clock import CHINA, FixedClock
from services.common.db import Database
from services.common.settings import Settings
from tests.organisation_support import copy_demo_organisation
from tests.recording import install_recording_provider, recording
from tests.support import INTERNAL_KEY
from tests.templates import prepared_database

# The Monday before National Day 2026, so promised dates cross the holiday and
# its make-up Saturday (2026-10-10).
START = datetime(2026, 9, 28, 9, 30, tzinfo=CHINA)


def pytest_configure(config: pytest.Config) -> None:
    # Before any service is built in this process: they then trace to the recording provider.
    install_recording_provider()


# Folders whose files take longest (each starts whole stacks) go first, so the workers of
# `make test` (one file each at a time) end together instead of one finishing a long file alone.
_LONGEST_FIRST = ("e2e", "browser", "deploy", "contract")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        folder = item.path.parent.name
        return _LONGEST_FIRST.index(folder) if folder in _LONGEST_FIRST else len(_LONGEST_FIRST)

    items.sort(key=rank)  # stable: a file's tests keep their order


@pytest.fixture(autouse=True, scope="session")
def _own_config_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the developer's ~/.config/tongban (tongban_cli/local.py); the
    processes the tests start inherit the same empty config home."""
    saved = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config-home"))
    yield
    if saved is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = saved


@dataclass
class AcceptanceUnderTest:
    address: str
    clock: FixedClock
    db: Database
    channel: grpc.Channel

    @property
    def cases(self) -> acceptance_pb2_grpc.AcceptanceServiceStub:
        return acceptance_pb2_grpc.AcceptanceServiceStub(self.channel)

    @property
    def catalog(self) -> catalog_pb2_grpc.CatalogServiceStub:
        return catalog_pb2_grpc.CatalogServiceStub(self.channel)


def _prepare_acceptance(url: str) -> None:
    """The schema, the demo catalogue and acceptance's copy of the demo organisation."""
    db = app.database(Settings(database_url=url))
    try:
        migrations.upgrade(db, "acceptance")
        load_catalog(db)
        copy_demo_organisation(db, "acceptance", CountyResults(WorkingCalendar.load()).consumer())
    finally:
        db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def acceptance(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AcceptanceUnderTest]:
    with prepared_database(request.param, "acceptance", tmp_path, _prepare_acceptance) as url:
        settings = Settings(port=0, database_url=url, internal_key=INTERNAL_KEY.decode(), var_dir=tmp_path)
        db = app.database(settings)
        clock = FixedClock(START)
        running = app.build(settings, db=db, clock=clock)
        running.server.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{running.port}")
        try:
            yield AcceptanceUnderTest(f"127.0.0.1:{running.port}", clock, db, channel)
        finally:
            channel.close()
            running.server.stop(0).wait()
            db.dispose()


@pytest.fixture
def recorded() -> Iterator[InMemorySpanExporter]:
    """The spans this process finishes during the test."""
    with recording() as exporter:
        yield exporter
