"""The staff commands of `tongban`: what they send, what they print, the kept login token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from google.protobuf.message import Message
from tongban.staff.v1 import accounts_pb2 as P
from tongban.staff.v1 import calendar_pb2 as K
from tongban.staff.v1 import organisation_pb2 as G

from tests.unit.test_cli_client import Failure, FakeChannel
from tongban_cli import client, commands, session
from tongban_cli.client import Gateway, resolve_token
from tongban_cli.main import main

CALENDAR = """
[years.2027]
holidays = ["2027-01-01", "2027-01-02", "2027-01-03"]
makeup_workdays = []
source = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
"""


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "RETRY_PAUSE_SECONDS", 0.0)


@pytest.fixture
def channel(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeChannel]:
    def script(*outcomes: Message | Failure) -> FakeChannel:
        fake = FakeChannel(*outcomes)
        monkeypatch.setattr(
            commands,
            "_gateway",
            lambda args: Gateway("gw:1", "tok", channel=fake, request_id=getattr(args, "request_id", None)),
        )
        return fake

    return script


def test_a_kept_login_token_is_used_when_no_other_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TONGBAN_TOKEN", raising=False)
    path = session.save("kept-token")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert resolve_token(None) == "kept-token"
    monkeypatch.setenv("TONGBAN_TOKEN", "from-env")
    assert resolve_token(None) == "from-env" and resolve_token("option") == "option"
    assert session.forget() and not session.forget()


def test_posts_and_duty(channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]) -> None:
    fake = channel(
        G.SetPostsResponse(
            posts=G.Posts(site_code="320826000", department_code="MZ", a_post="mz", b_post="nj")
        ),
        G.GetWindowDutyResponse(
            window_code="320826000-W03", day="2026-10-12", on_duty="nj", reason=G.DUTY_REASON_A_ON_LEAVE
        ),
    )
    assert main(["org", "posts", "320826000", "MZ", "--a", "mz", "--b", "nj"]) == 0
    assert main(["org", "duty", "320826000-W03", "--day", "2026-10-12"]) == 0
    sent = G.SetPostsRequest.FromString(fake.sent[0][1])
    assert (sent.a_post, sent.b_post, bool(sent.request_id)) == ("mz", "nj", True)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "320826000 MZ：A岗 mz，B岗 nj",
        "2026-10-12 窗口 320826000-W03 值守：nj（A岗请假, B岗顶岗）",
    ]


def test_a_person_is_registered_with_roles_typed_in_chinese_or_english(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    fake = channel(G.PutStaffMemberResponse(member=G.StaffMember(user_id="c2", name="某窗口", active=True)))
    argv = ["org", "person", "c2", "--name", "某窗口", "--unit", "高沟镇人民政府", "--site", "320826101"]
    assert main([*argv, "--role", "clerk", "--role", "首席代表"]) == 0
    sent = G.PutStaffMemberRequest.FromString(fake.sent[0][1])
    assert list(sent.roles) == [G.STAFF_ROLE_CLERK, G.STAFF_ROLE_CHIEF_REPRESENTATIVE] and sent.active
    assert main([*argv, "--role", "boss"]) == 2
    assert "不认识的角色“boss”" in capsys.readouterr().err


def test_a_calendar_file_is_previewed_and_loaded_only_when_confirmed(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "2027.toml"
    path.write_text(CALENDAR, encoding="utf-8")
    preview = K.PreviewCalendarYearResponse(working_days=260)
    fake = channel(
        preview, preview, K.LoadCalendarYearResponse(year=K.CalendarYear(year=2027, source="通知"))
    )
    assert main(["calendar", "load", str(path)]) == 0  # no terminal, no --yes: a preview only
    assert "未载入 2027 年" in capsys.readouterr().out and len(fake.sent) == 1
    assert main(["calendar", "load", str(path), "--yes"]) == 0
    loaded = K.LoadCalendarYearRequest.FromString(fake.sent[2][1])
    assert (loaded.year, loaded.holidays[0], bool(loaded.request_id)) == (2027, "2027-01-01", True)
    assert "已载入 2027 年" in capsys.readouterr().out


def test_a_wrong_calendar_file_is_refused_before_any_call(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "2027.toml"
    path.write_text(CALENDAR.replace("2027-01-03", "2027-13-03"), encoding="utf-8")
    fake = channel()
    assert main(["calendar", "load", str(path), "--yes"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err and not fake.sent


def test_disabling_says_when_the_tokens_stop(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    fake = channel(P.DisableAccountResponse())
    assert main(["account", "disable", "clerk-zhuma", "--reason", "调离"]) == 0
    assert P.DisableAccountRequest.FromString(fake.sent[0][1]).reason == "调离"
    assert "30 秒内" in capsys.readouterr().out


def test_leave_is_asked_for_and_shown_with_its_chain(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    from tongban.staff.v1 import leave_pb2 as L

    shown = L.Leave(
        leave_id=7,
        user_id="reviewer-mz",
        start_on="2026-09-29",
        end_on="2026-10-08",
        working_days=3,
        state=L.LEAVE_STATE_PENDING,
        chain=[
            L.APPROVAL_LEVEL_BUSINESS_SECTION,
            L.APPROVAL_LEVEL_DEPUTY_DIRECTOR,
            L.APPROVAL_LEVEL_ORIGINAL_UNIT,
        ],
        approvals=[
            L.LeaveApproval(level=L.APPROVAL_LEVEL_BUSINESS_SECTION, approved=True, decided_by="admin-county")
        ],
    )
    fake = channel(L.RequestLeaveResponse(leave=shown), L.DecideLeaveResponse(leave=shown))
    assert main(["leave", "request", "--from", "2026-09-29", "--to", "2026-10-08", "--reason", "事假"]) == 0
    assert main(["leave", "decide", "7", "--level", "deputy_director"]) == 0
    decided = L.DecideLeaveRequest.FromString(fake.sent[1][1])
    assert (decided.leave_id, decided.level, decided.approve) == (7, L.APPROVAL_LEVEL_DEPUTY_DIRECTOR, True)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "请假单 7  reviewer-mz  2026-09-29 至 2026-10-08，3 个工作日  [待审批]"
    assert (
        out[1] == "  审批：中心业务科室 → 分管副主任 → 派驻单位领导；已办：中心业务科室同意（admin-county）"
    )
