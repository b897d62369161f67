"""The staff service in the whole stack: signing in through the gateway with `tongban login`, a
disabled account's tokens refused within the stated bound, and a calendar year loaded through
the CLI changing due dates in acceptance and approval without a restart."""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

import grpc
import pytest
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import acceptance_pb2_grpc
from tongban.approval.v1 import approval_pb2 as R
from tongban.approval.v1 import approval_pb2_grpc

from services.staff.seed import DEMO_PASSWORD
from tests.e2e.conftest import START, TONGBAN, Stack
from tests.support import wait_until
from tongban_cli.session import TOKEN_FILE

pytestmark = pytest.mark.e2e

# README, "Staff": the gateway refuses a disabled account's tokens within 30 seconds.
REVOCATION_BOUND_SECONDS = 30
JOINT = "320826-GA-QT-001"  # 户口迁移: county-decided, promised 5 working days
APPLICANT = A.Applicant(
    kind=A.APPLICANT_KIND_PERSON, name="王秀英", id_number="32082619850312002X", phone="13912345678"
)
CALENDAR_2027 = """
[years.2027]
holidays = ["2027-01-01", "2027-01-02", "2027-01-03"]
makeup_workdays = []
source = "国务院办公厅关于2027年部分节假日安排的通知（端到端测试）"
"""


def _login(e2e: Stack, user: str, password: str = DEMO_PASSWORD) -> subprocess.CompletedProcess[str]:
    # A config home of its own: the token it keeps must not be found by later tests' commands.
    with tempfile.TemporaryDirectory() as home:
        return subprocess.run(
            [TONGBAN, "--json", "login", user, "--password-stdin"],
            input=password + "\n",
            env={**e2e.env(), "XDG_CONFIG_HOME": home},
            capture_output=True,
            text=True,
            timeout=60,
        )


def _list_cases(e2e: Stack, token: str) -> grpc.StatusCode:
    with grpc.insecure_channel(e2e.gateway) as channel:
        try:
            acceptance_pb2_grpc.AcceptanceServiceStub(channel).ListCases(
                A.ListCasesRequest(), metadata=[("authorization", f"Bearer {token}")], timeout=10
            )
        except grpc.RpcError as error:
            return error.code()  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


def test_a_disabled_accounts_tokens_are_refused_within_the_bound(e2e: Stack) -> None:
    wrong = _login(e2e, "clerk-zhuma", "not-the-password")
    assert wrong.returncode == 1 and "用户名或密码错误" in wrong.stderr
    signed_in = _login(e2e, "clerk-zhuma")
    assert signed_in.returncode == 0, signed_in.stderr
    token = json.loads(signed_in.stdout)["token"]
    demo_token = e2e.token("clerk-zhuma")
    assert _list_cases(e2e, token) == _list_cases(e2e, demo_token) == grpc.StatusCode.OK

    e2e.cli("admin-county", "account", "disable", "clerk-zhuma", "--reason", "调离窗口")
    disabled_at = time.monotonic()
    wait_until(
        lambda: _list_cases(e2e, token) == grpc.StatusCode.UNAUTHENTICATED,
        what="the gateway to refuse the disabled account's token",
        timeout=REVOCATION_BOUND_SECONDS,
    )
    assert time.monotonic() - disabled_at < REVOCATION_BOUND_SECONDS
    # Its demo tokens too, and it cannot sign in again.
    assert _list_cases(e2e, demo_token) == grpc.StatusCode.UNAUTHENTICATED
    assert "已停用" in _login(e2e, "clerk-zhuma").stderr

    e2e.cli("admin-county", "account", "enable", "clerk-zhuma")
    again = json.loads(_login(e2e, "clerk-zhuma").stdout)["token"]
    wait_until(lambda: _list_cases(e2e, again) == grpc.StatusCode.OK, what="the enabled account", timeout=30)
    # The token issued before the disabling stays refused.
    assert _list_cases(e2e, token) == grpc.StatusCode.UNAUTHENTICATED


def test_a_signed_in_token_is_renewed_in_place(e2e: Stack) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**e2e.env(), "XDG_CONFIG_HOME": home}
        env.pop("TONGBAN_TOKEN", None)
        signed_in = subprocess.run(
            [TONGBAN, "login", "clerk-hongyao", "--password-stdin"],
            input=DEMO_PASSWORD + "\n",
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert signed_in.returncode == 0, signed_in.stderr
        renewed = subprocess.run([TONGBAN, "renew"], env=env, capture_output=True, text=True, timeout=60)
        assert renewed.returncode == 0, renewed.stderr
        assert "令牌已续期" in renewed.stdout
        # The kept token is the renewed one, and the next commands sign in with it.
        kept = Path(home, "tongban", TOKEN_FILE).read_text(encoding="utf-8").strip()
        assert _list_cases(e2e, kept) == grpc.StatusCode.OK


def _submit(e2e: Stack, request_id: str) -> A.SubmitApplicationResponse:
    with grpc.insecure_channel(e2e.gateway) as channel:
        reply: A.SubmitApplicationResponse = acceptance_pb2_grpc.AcceptanceServiceStub(
            channel
        ).SubmitApplication(
            A.SubmitApplicationRequest(
                request_id=request_id,
                matter_code=JOINT,
                window_code="320826101-W01",
                applicant=APPLICANT,
                materials=[A.ProvidedMaterial(material_code=code) for code in ("M01", "M02", "M03", "M04")],
            ),
            metadata=[("authorization", f"Bearer {e2e.token('clerk-gaogou')}")],
            timeout=10,
        )
    return reply


def _review_due_on(e2e: Stack, case_no: str) -> str:
    with grpc.insecure_channel(e2e.gateway) as channel:
        try:
            found = approval_pb2_grpc.ReviewServiceStub(channel).GetReview(
                R.GetReviewRequest(case_no=case_no),
                metadata=[("authorization", f"Bearer {e2e.token('reviewer-county')}")],
                timeout=10,
            )
        except grpc.RpcError:
            return ""
    return found.review.clock.due_on


def test_a_calendar_year_loaded_through_the_cli_counts_everywhere_without_a_restart(
    e2e: Stack, tmp_path: Path
) -> None:
    e2e.set_clock("2026-12-28T09:30:00+08:00")  # Monday: five working days reach into 2027
    try:
        with pytest.raises(grpc.RpcError) as missing:
            _submit(e2e, "calendar-e2e-1")
        assert (
            missing.value.code() == grpc.StatusCode.FAILED_PRECONDITION and "2027" in missing.value.details()
        )

        calendar_file = tmp_path / "2027.toml"
        calendar_file.write_text(CALENDAR_2027, encoding="utf-8")
        loaded = e2e.cli("admin-county", "calendar", "load", str(calendar_file), "--yes")
        assert "已载入 2027 年" in loaded.stdout

        def accepted() -> A.Case | None:
            try:
                return _submit(e2e, "calendar-e2e-2").case
            except grpc.RpcError:
                return None

        # 12-29, 12-30, 12-31, New Year's Day and the weekend off, 01-04, 01-05.
        case = wait_until(accepted, what="acceptance to count with 2027", timeout=30)
        assert case.state == A.CASE_STATE_ACCEPTED and case.promised_date == "2027-01-05"
        wait_until(
            lambda: _review_due_on(e2e, case.case_no) == "2027-01-05", what="approval's review", timeout=30
        )

        # Corrected before it starts: Monday 01-04 off as well.
        calendar_file.write_text(CALENDAR_2027.replace('"2027-01-03"', '"2027-01-03", "2027-01-04"'), "utf-8")
        corrected = e2e.cli("admin-county", "calendar", "load", str(calendar_file), "--yes")
        assert "2027-01-04  工作日 → 休息日" in corrected.stdout
        wait_until(
            lambda: _review_due_on(e2e, case.case_no) == "2027-01-06", what="approval's due date", timeout=30
        )
        later = wait_until(
            lambda: (
                (c := _submit(e2e, f"calendar-e2e-{time.monotonic_ns()}").case).promised_date == "2027-01-06"
                and c
            ),
            what="acceptance's promised date",
            timeout=30,
        )
        assert later.state == A.CASE_STATE_ACCEPTED
    finally:
        e2e.set_clock(START)
