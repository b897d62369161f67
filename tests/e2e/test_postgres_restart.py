"""A full PostgreSQL restart under load (issue 10, "Faults under load"): every service on
PostgreSQL, clerks submitting through the gateway and retrying with their request_id, readers on
the other backends, and `pg_ctlcluster <version> <cluster> restart` in the middle.

Calls that lose the database end UNAVAILABLE (services/common/errors.py), which the gateway and
the clients retry; the services' pools reconnect (pool_pre_ping) and the relays back off and
resend. Afterwards each acknowledged case exists once, with the number its client was told,
every outbox drained, and approval and supervision saw each case once.

The server is shared (CI and other tests use it): the test restarts it once, and whatever
happens, leaves it running.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Stack, running_stack
from tests.faults.checks import Books, Logs, assert_events_exactly_once, assert_nothing_lost_or_doubled
from tests.faults.load import CLERK, INSPECTOR, Load
from tests.support import fresh_postgres_databases, postgres_available

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.serial, pytest.mark.long]

CASES = 600
RESTART_AT = 200
PORT = "5432"


def cluster() -> tuple[str, str]:
    """The version and name of the local cluster on port 5432 (pg_lsclusters)."""
    try:
        listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("pg_lsclusters is not available: the server cannot be restarted from here")
    for line in listing.splitlines():
        version, name, port, *_ = line.split()
        if port == PORT:
            return version, name
    pytest.skip(f"no local cluster on port {PORT}")


def pg_ctl(action: str, version: str, name: str) -> None:
    subprocess.run(["pg_ctlcluster", version, name, action], check=True, capture_output=True, timeout=120)


@pytest.fixture
def pg_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    services = ["acceptance", "approval", "staff", "supervision"]
    with (
        fresh_postgres_databases(services) as url,
        running_stack(tmp_path_factory.mktemp("faults-pg-restart"), database_url=url) as stack,
    ):
        yield stack


def test_services_reconnect_after_a_postgresql_restart_and_lose_nothing(pg_stack: Stack) -> None:
    version, name = cluster()
    url = pg_stack.child_env["TONGBAN_DATABASE_URL"]
    books = Books(pg_stack, url)
    logs = Logs(pg_stack)
    before = books.case_numbers()
    tokens = {CLERK: pg_stack.token(CLERK), INSPECTOR: pg_stack.token(INSPECTOR)}
    load = Load(pg_stack.gateway, tokens, f"pg-{time.time_ns()}", CASES, readers=3).start()
    try:
        load.wait_for(lambda: load.acknowledged() >= RESTART_AT, f"{RESTART_AT} cases before the restart")
        restarted_at = time.monotonic()
        pg_ctl("restart", version, name)
        restart_seconds = time.monotonic() - restarted_at
        at_restart = load.acknowledged()
        load.finish()
    finally:
        # Others depend on this server: never leave it stopped.
        if not postgres_available():
            pg_ctl("start", version, name)
    retried = [a for a in load.attempts if a.code.name != "OK"]
    cases = assert_nothing_lost_or_doubled(books, load, before)
    settled = books.wait_settled(cases)
    assert_events_exactly_once(books, cases)
    logs.assert_no_unexpected_errors()
    # A restart is routine: one line per failed attempt, no traceback.
    logs.assert_no_tracebacks()
    services = [c.name for c in pg_stack.children if c.process.poll() is not None]
    assert not services, f"processes died with the database: {services}"
    print(
        f"\n{CASES} cases; PostgreSQL {version}/{name} restarted after {at_restart} in "
        f"{restart_seconds:.1f}s; attempts {dict(load.codes())}: {len(retried)} failed and were retried; "
        f"settled {settled:.1f}s after the last case",
        file=sys.stderr,
    )
