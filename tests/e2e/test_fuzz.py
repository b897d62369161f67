"""Fuzzing every RPC through the gateway of the whole stack, on SQLite and on PostgreSQL.

Requests are generated from the descriptors (tests/e2e/fuzzing.py), plus random bytes as
bodies, and sent with the token of a role the RPC allows. Whatever comes in: never
INTERNAL or UNKNOWN, a refused call writes nothing, and every process keeps serving.
Bounded and derandomized, so the suite's time and outcome do not vary from run to run.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import grpc
import psycopg
import pytest
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import acceptance_pb2_grpc
from tongban.approval.v1 import approval_pb2 as R
from tongban.approval.v1 import approval_pb2_grpc

from services.common.access import policy_for
from tests.e2e.conftest import Stack, running_stack
from tests.e2e.fuzzing import Requests
from tests.support import every_rpc, fresh_postgres_databases, wait_until

pytestmark = pytest.mark.e2e

EXAMPLES_PER_RPC = 60
# Services with a database.
DATABASES = ("acceptance", "approval", "staff", "supervision")
# The demo user the fuzzer calls as, for each role, in the order a role is chosen for an RPC.
USERS = {
    "clerk": "clerk-gaogou",
    "reviewer": "reviewer-county",
    "inspector": "inspector-county",
    "centre_admin": "admin-county",
    "township_officer": "officer-gaogou",
}
# 户口迁移(准迁证): county-decided (GA, reviewer-county's department), 县乡同办.
JOINT = "320826-GA-QT-001"
INSTANT = "320826-WJ-GG-001"
APPLICANT = A.Applicant(
    kind=A.APPLICANT_KIND_PERSON, name="王秀英", id_number="32082619850312002X", phone="13912345678"
)
RPCS = [method for area, method in every_rpc() if area != "internal"]
# An answer no request may get, however malformed.
NEVER = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}
# A process that stops answering is caught by these, and by the health check after each RPC.
NOT_SERVING = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}


def _path(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


@dataclass
class _Database:
    service: str
    connection: Any
    tables: list[str]

    def counts(self) -> dict[str, int]:
        columns = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in self.tables)
        row = self.connection.execute(f"SELECT {columns}").fetchone()
        return {f"{self.service}.{table}": n for table, n in zip(self.tables, row, strict=True)}

    def undelivered(self) -> int:
        if "outbox" not in self.tables:  # supervision only receives
            return 0
        return int(
            self.connection.execute("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[0]
        )


def _open(stack: Stack, database_url: str, service: str) -> _Database:
    if database_url:
        url = database_url.replace("postgresql+psycopg", "postgresql").replace("{service}", service)
        connection: Any = psycopg.connect(url, autocommit=True)
        listed = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    else:
        path = stack.var_dir / f"{service}.db"
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        listed = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return _Database(service, connection, sorted(row[0] for row in connection.execute(listed)))


class RowCounter:
    """Rows per table in every service's database, read directly: one query per database."""

    def __init__(self, stack: Stack, database_url: str) -> None:
        self._databases = [_open(stack, database_url, service) for service in DATABASES]

    def counts(self) -> dict[str, int]:
        return {name: n for database in self._databases for name, n in database.counts().items()}

    def undelivered(self) -> int:
        return sum(database.undelivered() for database in self._databases)

    def close(self) -> None:
        for database in self._databases:
            database.connection.close()


@dataclass
class Fuzzed:
    stack: Stack
    rows: RowCounter
    channel: grpc.Channel
    tokens: dict[str, str]
    known: dict[str, list[Any]] = field(default_factory=dict)
    calls: int = 0

    def auth(self, role: str) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self.tokens[role]}")]

    def quiet(self) -> None:
        """Wait until every outbox is delivered, so no event lands during the next call."""
        wait_until(lambda: self.rows.undelivered() == 0, what="every outbox to be delivered", timeout=30)


def _seed(fuzzed: Fuzzed) -> None:
    """Real cases, a review and documents, so generated requests also reach existing records."""
    clerk = fuzzed.auth("clerk")
    cases = acceptance_pb2_grpc.AcceptanceServiceStub(fuzzed.channel)

    def submit(matter: str, codes: list[str], request_id: str) -> A.SubmitApplicationResponse:
        reply: A.SubmitApplicationResponse = cases.SubmitApplication(
            A.SubmitApplicationRequest(
                request_id=request_id,
                matter_code=matter,
                window_code="320826101-W01",
                applicant=APPLICANT,
                materials=[A.ProvidedMaterial(material_code=code) for code in codes],
            ),
            metadata=clerk,
            timeout=10,
        )
        return reply

    replies = [
        submit(JOINT, ["M01", "M02", "M03", "M04"], "seed-accepted"),
        submit(JOINT, ["M01"], "seed-notice"),
        submit(INSTANT, ["M01", "M02"], "seed-instant"),
    ]
    fuzzed.quiet()
    case_nos = [reply.case.case_no for reply in replies]
    review = approval_pb2_grpc.ReviewServiceStub(fuzzed.channel).GetReview(
        R.GetReviewRequest(case_no=case_nos[0]), metadata=fuzzed.auth("reviewer"), timeout=10
    )
    fuzzed.known.update(
        case_no=case_nos,
        aggregate_id=case_nos,
        request_id=["seed-accepted", "seed-notice"],
        number=[reply.document.number for reply in replies],
        step_number=[step.number for step in review.review.steps],
        matter_code=[JOINT, INSTANT],
        code=[JOINT, INSTANT],
        window_code=["320826101-W01"],
        site_code=["320826101", "320826000", "320826101001"],
        department_code=["GA", "WJ"],
        material_code=["M01", "M02", "M05"],
        conditions_apply=["M05", "M06"],
        assignee=["reviewer-ga-b", "reviewer-county"],
        event_type=["tongban.acceptance.v1.CaseAccepted", "tongban.approval.v1.ReviewOpened"],
        source=["acceptance", "approval"],
        received_from=["2026-09-28"],
        received_to=["2026-12-31"],
        # Well-formed applicant data, so some applications get past the applicant checks.
        name=["王秀英", "涟水县高沟镇农机合作社"],
        id_number=["32082619850312002X", "91350100M000100Y43", "11010519491231002X"],
        phone=["13912345678", "0517-82345678"],
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzzed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    with ExitStack() as stack:
        url = ""
        if request.param == "postgresql":
            url = stack.enter_context(
                fresh_postgres_databases(["acceptance", "approval", "staff", "supervision"])
            )
        started = stack.enter_context(
            running_stack(tmp_path_factory.mktemp(f"fuzz-{request.param}"), database_url=url)
        )
        rows = RowCounter(started, url)
        stack.callback(rows.close)
        channel = stack.enter_context(grpc.insecure_channel(started.gateway))
        fuzzed = Fuzzed(started, rows, channel, {role: started.token(user) for role, user in USERS.items()})
        _seed(fuzzed)
        started_at = time.monotonic()
        yield fuzzed
        print(f"\nfuzz on {request.param}: {fuzzed.calls} calls in {time.monotonic() - started_at:.1f}s")


def _role_for(method: MethodDescriptor) -> str:
    policy = policy_for(_path(method))
    assert policy is not None
    return next(role for role in USERS if role in policy.roles)


def _assert_still_serving(stack: Stack) -> None:
    for child in stack.children:
        assert child.process.poll() is None, f"{child.name} exited"
        with grpc.insecure_channel(child.address) as channel:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, child.name


def _writes(before: dict[str, int], after: dict[str, int], owner: str, mutating: bool) -> dict[str, int]:
    """Tables whose row count changed, less the one failure a keyed call records for its retries."""
    changed = {table: after[table] - before[table] for table in after if after[table] != before.get(table, 0)}
    if mutating and changed.get(f"{owner}.idempotency_keys") == 1:
        del changed[f"{owner}.idempotency_keys"]
    return changed


@pytest.mark.parametrize("method", RPCS, ids=_path)
def test_no_request_breaks_a_service(fuzzed: Fuzzed, method: MethodDescriptor) -> None:
    path = _path(method)
    metadata = fuzzed.auth(_role_for(method))
    owner = path.split(".")[1]
    mutating = "request_id" in method.input_type.fields_by_name
    call = fuzzed.channel.unary_unary(path, response_deserializer=bytes)
    bodies = st.one_of(Requests(fuzzed.known).of(method.input_type), st.binary(min_size=1, max_size=300))

    @settings(
        max_examples=EXAMPLES_PER_RPC,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies)
    def one_call(body: Message | bytes) -> None:
        fuzzed.calls += 1
        if isinstance(body, Message):
            body = Requests.fresh(body, f"fuzz-{fuzzed.calls}").SerializeToString()
        before = fuzzed.rows.counts()
        try:
            call(body, metadata=metadata, timeout=20)
        except grpc.RpcError as error:
            code = error.code()
            assert code not in NEVER, f"{path}: {code} {error.details()!r}"
            assert code not in NOT_SERVING, f"{path}: {code} {error.details()!r}"
            assert not _writes(before, fuzzed.rows.counts(), owner, mutating), (
                f"{path} refused ({code}) but wrote"
            )
            return
        if mutating:
            fuzzed.quiet()

    one_call()
    _assert_still_serving(fuzzed.stack)
