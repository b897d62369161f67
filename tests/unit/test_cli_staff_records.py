"""The attendance, assessment and rotation commands of `tongban`: what they send and what they print,
in Chinese."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from google.protobuf.message import Message
from tongban.staff.v1 import assessment_pb2 as S
from tongban.staff.v1 import attendance_pb2 as A
from tongban.staff.v1 import rotation_pb2 as R

from tests.unit.test_cli_client import Failure, FakeChannel
from tongban_cli import client, commands
from tongban_cli.client import Gateway
from tongban_cli.main import main


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


def test_check_in_and_a_closed_day(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    record = A.AttendanceRecord(
        user_id="clerk-gaogou",
        window_code="320826101-W01",
        day="2026-11-30",
        working_day=True,
        checked_in_at="08:31:00",
        minutes_late=1,
        status=A.ATTENDANCE_STATUS_LATE,
    )
    fake = channel(
        A.CheckInResponse(record=record),
        A.CloseDayResponse(
            site_code="320826101", day="2026-11-27", working_day=True, absences=1, unattended_windows=5
        ),
    )
    assert main(["attendance", "in"]) == 0
    assert main(["attendance", "close", "--day", "2026-11-27"]) == 0
    assert bool(A.CheckInRequest.FromString(fake.sent[0][1]).request_id)
    sent = A.CloseDayRequest.FromString(fake.sent[1][1])
    assert (sent.day, sent.site_code, bool(sent.request_id)) == ("2026-11-27", "", True)
    assert capsys.readouterr().out.splitlines() == [
        "clerk-gaogou 2026-11-30 08:31:00 签到（窗口 320826101-W01，工作日）：迟到 1 分钟",
        "320826101 2026-11-27 考勤已结算：缺勤 1 人，无人值守窗口 5 个（已报送电子监察）。",
    ]


def test_praise_is_sent_by_its_chinese_or_english_name_and_a_report_names_the_awards(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = S.Praise(
        praise_id=7, user_id="clerk-gaogou", window_code="320826101-W01", kind=S.PRAISE_KIND_BANNER, points=3
    )
    report = S.GetAssessmentResponse(
        site_code="320826101",
        year=2026,
        quarter=4,
        first_day="2026-10-01",
        last_day="2026-12-31",
        windows=[
            S.WindowAssessment(
                window_code="320826101-W01", score=S.Score(bonus=3, total=103, rank=1), red_flag=True
            )
        ],
        people=[
            S.PersonAssessment(
                user_id="clerk-gaogou",
                window_code="320826101-W01",
                score=S.Score(deductions=2, bonus=3, total=101, rank=1),
                deductions=[
                    S.Deduction(finding_id="F-1", points=2, reason_code="late", decided_on="2026-10-15")
                ],
            )
        ],
    )
    fake = channel(S.RecordPraiseResponse(praise=recorded), S.RecordPraiseResponse(praise=recorded), report)
    assert main(["assessment", "praise", "--user", "clerk-gaogou", "--kind", "锦旗"]) == 0
    assert main(["assessment", "praise", "--user", "clerk-gaogou", "--kind", "banner"]) == 0
    assert main(["assessment", "praise", "--user", "clerk-gaogou", "--kind", "medal"]) == 2
    assert main(["assessment", "report", "--year", "2026", "--quarter", "4"]) == 0
    sent = [S.RecordPraiseRequest.FromString(call[1]).kind for call in fake.sent[:2]]
    assert sent == [S.PRAISE_KIND_BANNER, S.PRAISE_KIND_BANNER]
    out = capsys.readouterr()
    assert "不认识的表扬类别“medal”" in out.err
    lines = out.out.splitlines()
    assert lines[0] == "已记录表扬 7：clerk-gaogou（窗口 320826101-W01） 锦旗 +3 分（）"
    assert "考核报告  站点 320826101  2026年第4季度（2026-10-01 至 2026-12-31）" in lines
    assert "  clerk-gaogou  2026-10-15  -2 分  发现 F-1（问责 -，late）" in lines
    assert lines[-2:] == ["红旗窗口：320826101-W01", "先进工作者：无"]


def test_a_rotation_request_is_sent_with_its_override_and_printed(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    rotation = R.Rotation(
        rotation_id=3,
        window_code="320826101-W02",
        current_user_id="mz-old",
        proposed_user_id="mz-new",
        effective_on="2027-01-01",
        served_months=11,
        minimum_months=12,
        override_reason="机构改革",
        overridden_by="admin-county",
        state=R.ROTATION_STATE_APPROVED,
    )
    fake = channel(R.RequestRotationResponse(rotation=rotation))
    argv = ["rotation", "request", "320826101-W02", "--current", "mz-old", "--proposed", "mz-new"]
    assert main([*argv, "--reasons", "工作需要", "--override", "机构改革"]) == 0
    sent = R.RequestRotationRequest.FromString(fake.sent[0][1])
    assert (sent.override_reason, sent.effective_on, bool(sent.request_id)) == ("机构改革", "", True)
    assert capsys.readouterr().out.splitlines() == [
        "轮岗 3  窗口 320826101-W02：mz-old → mz-new，2027-01-01 生效  [已批准，待培训]",
        "  现任到生效日任职 11 个月（最短 12 个月）",
        "  特批：机构改革（admin-county）",
    ]
