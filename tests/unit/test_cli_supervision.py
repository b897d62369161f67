"""`tongban supervision events`: the inspector's view of what supervision received — parsing, the
call it makes through the gateway and the table it prints, in Chinese."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable

import grpc
import pytest
from google.protobuf import any_pb2, timestamp_pb2
from google.protobuf.message import Message
from tongban.acceptance.v1 import acceptance_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C
from tongban.acceptance.v1 import events_pb2 as AE
from tongban.approval.v1 import approval_pb2 as AP
from tongban.approval.v1 import events_pb2 as RE
from tongban.events.v1 import event_pb2
from tongban.supervision.v1 import supervision_pb2 as S

from tests.unit.test_cli_client import Failure, FakeChannel
from tongban_cli import client, commands
from tongban_cli.client import Gateway
from tongban_cli.main import build_parser, main
from tongban_cli.render import supervision, tables
from tongban_cli.specs import EVENT_TYPES, parse_event_type

CASE_NO = "320826101-20260928-0001"
LIST_PATH = "/tongban.supervision.v1.SupervisionService/ListReceivedEvents"


def _at(text: str) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromJsonString(text)
    return stamp


def _received(
    payload: Message, source: str, occurred: str, received: str, case_no: str = CASE_NO
) -> S.ReceivedEvent:
    packed = any_pb2.Any()
    packed.Pack(payload)
    return S.ReceivedEvent(
        event=event_pb2.Event(
            event_id=f"evt-{payload.DESCRIPTOR.name}",
            event_type=payload.DESCRIPTOR.full_name,
            source=source,
            aggregate_id=case_no,
            occurred_time=_at(occurred),
            traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            payload=packed,
        ),
        receive_time=_at(received),
    )


def _case(state: int) -> AE.CaseRef:
    return AE.CaseRef(
        case_no=CASE_NO,
        matter_code="320826-NJ-XK-001",
        department_code="NJ",
        site_code="320826101",
        window_code="320826101-W01",
        state=state,  # type: ignore[arg-type]
    )


def _review(state: int) -> RE.ReviewRef:
    return RE.ReviewRef(
        case_no=CASE_NO,
        matter_code="320826-NJ-XK-001",
        department_code="NJ",
        site_code="320826101",
        state=state,  # type: ignore[arg-type]
    )


def _unknown() -> S.ReceivedEvent:
    """An event of a type this CLI does not know (a newer service's), with a state-like field."""
    unknown = S.ReceivedEvent(
        event=event_pb2.Event(
            event_id="evt-unknown",
            event_type="tongban.audit.v1.Flagged",
            source="audit",
            aggregate_id="X-1",
            occurred_time=_at("2026-10-14T00:00:00Z"),
        ),
        receive_time=_at("2026-10-14T00:00:00Z"),
    )
    unknown.event.payload.type_url = "type.googleapis.com/tongban.audit.v1.Flagged"
    unknown.event.payload.value = "不应打印".encode()
    return unknown


def _page(next_page_token: str = "") -> S.ListReceivedEventsResponse:
    """A county case's events as supervision received them, with the fields the services send."""
    return S.ListReceivedEventsResponse(
        events=[
            _received(
                AE.CaseSupplementRequested(
                    case=_case(A.CASE_STATE_SUPPLEMENT_REQUESTED),
                    notice_count=2,
                    issue_count=1,
                    repeated_notice=True,
                    received_on="2026-09-27",
                ),
                "acceptance",
                "2026-09-27T01:30:00Z",
                "2026-09-27T01:30:02Z",
            ),
            _received(
                AE.CaseAccepted(
                    case=_case(A.CASE_STATE_ACCEPTED),
                    promised_date="2026-10-10",
                    county_review=AE.CountyReviewPlan(
                        matter_name="拖拉机和联合收割机登记",
                        department_names={"NJ": "县农业农村局"},
                        steps=[C.ReviewStep(name="乡镇初审")],
                    ),
                ),
                "acceptance",
                "2026-09-28T01:30:00Z",
                "2026-09-28T01:30:01Z",
            ),
            _received(
                RE.ReviewStepCompleted(
                    review=_review(AP.REVIEW_STATE_IN_REVIEW),
                    step_number=1,
                    step_name="乡镇初审",
                    verdict=AP.VERDICT_APPROVE,
                    completed_by="clerk-gaogou",
                ),
                "approval",
                "2026-09-29T02:00:00Z",
                "2026-09-29T02:00:01Z",
            ),
            _received(
                RE.ReviewSentBack(
                    review=_review(AP.REVIEW_STATE_SENT_BACK),
                    items=["购机发票原件"],
                    reason="发票与合格证不一致",
                    sent_back_on="2026-09-30",
                ),
                "approval",
                "2026-09-30T01:00:00Z",
                "2026-09-30T01:05:00Z",
            ),
            _received(
                RE.ReviewProcedureEnded(
                    review=_review(AP.REVIEW_STATE_IN_REVIEW),
                    procedure=C.SPECIAL_PROCEDURE_TESTING,
                    ended_on="2026-10-09",
                    paused_days=2,
                ),
                "approval",
                "2026-10-09T08:00:00Z",
                "2026-10-09T08:00:00Z",
            ),
            _received(
                RE.ReviewExtended(
                    review=_review(AP.REVIEW_STATE_IN_REVIEW), extension_days=10, notice_number="YQ-1"
                ),
                "approval",
                "2026-10-09T08:30:00Z",
                "2026-10-09T08:30:00Z",
            ),
            _received(
                RE.ReviewDecided(
                    review=_review(AP.REVIEW_STATE_DECIDED),
                    outcome=AP.DECISION_OUTCOME_GRANTED,
                    document_number="ZY-NJ-2026-00001",
                    decision_department="NJ",
                    on_time=True,
                    used_days=4,
                    budget_days=5,
                ),
                "approval",
                "2026-10-12T07:00:00Z",
                "2026-10-12T07:00:03Z",
            ),
            _received(
                AE.CaseResultIssued(
                    case=_case(A.CASE_STATE_RESULT_ISSUED),
                    outcome=A.OUTCOME_APPROVED,
                    on_time=False,
                    issued_by="clerk-gaogou",
                ),
                "acceptance",
                "2026-10-13T03:00:00Z",
                "2026-10-13T03:00:01Z",
            ),
            _unknown(),
        ],
        next_page_token=next_page_token,
    )


# --- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["supervision", "events"],
            {"case_no": None, "event_type": None, "source": None, "page_size": None, "page_token": None},
        ),
        (
            [
                "supervision",
                "events",
                "--case",
                CASE_NO,
                "--type",
                "ReviewDecided",
                "--source",
                "approval",
                "--page-size",
                "50",
                "--page-token",
                "p2",
            ],
            {
                "case_no": CASE_NO,
                "event_type": "tongban.approval.v1.ReviewDecided",
                "source": "approval",
                "page_size": 50,
                "page_token": "p2",
            },
        ),
        (
            ["supervision", "events", "--type", "一次性告知"],
            {"event_type": "tongban.acceptance.v1.CaseSupplementRequested"},
        ),
        (
            ["supervision", "events", "--type", " caseaccepted "],
            {"event_type": "tongban.acceptance.v1.CaseAccepted"},
        ),
        # A type this CLI does not know is sent as it is.
        (
            ["supervision", "events", "--type", "tongban.audit.v1.Flagged"],
            {"event_type": "tongban.audit.v1.Flagged"},
        ),
        (["--json", "supervision", "events", "--token", "t"], {"json": True, "token": "t"}),
    ],
)
def test_events_command_parses(argv: list[str], expected: dict[str, object]) -> None:
    args = build_parser().parse_args(argv)
    assert args.handler is commands.supervision_events
    for name, value in expected.items():
        assert getattr(args, name) == value, name


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["supervision", "events", "--type", "受 理"], "事件类型"),
        (["supervision", "events", "--type", " "], "事件类型"),
        (["supervision", "events", "--page-size", "0"], "每页条数"),
        (["supervision", "events", "--case"], "--case"),
        (["supervision"], "ACTION"),
        (["supervision", "list"], "events"),
    ],
)
def test_bad_events_commands_are_usage_errors(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert words in err
    assert "Traceback" not in err


@pytest.mark.parametrize("option", ["--case", "--source"])
def test_blank_filters_are_refused_before_calling(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    # No gateway is running: a blank filter would list everything, so it is refused first.
    assert main(["supervision", "events", option, "  ", "--token", "t", "--gateway", "127.0.0.1:9"]) == 2
    assert capsys.readouterr().err.strip() == f"{option} 的值不能为空；不按此条件筛选时请去掉 {option}"


def test_event_types_by_name_or_chinese_name() -> None:
    assert parse_event_type("受理") == "tongban.acceptance.v1.CaseAccepted"
    assert parse_event_type("作出决定") == "tongban.approval.v1.ReviewDecided"
    assert parse_event_type("REVIEWSENTBACK") == "tongban.approval.v1.ReviewSentBack"
    assert parse_event_type("tongban.approval.v1.ReviewSentBack") == "tongban.approval.v1.ReviewSentBack"
    assert set(EVENT_TYPES.values()) == set(supervision.EVENT_TYPE_NAMES)
    # Every Chinese name and every message name is unique.
    assert len(EVENT_TYPES) == 2 * len(supervision.EVENT_TYPE_NAMES)
    for bad in ("", "开始", "case accepted", "受理中", "CaseAccepted2"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"CaseAccepted"):
            parse_event_type(bad)


def test_help_lists_every_event_type(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["supervision", "events", "--help"])
    out = capsys.readouterr().out
    for event_type, label in supervision.EVENT_TYPE_NAMES.items():
        name = supervision.short_type(event_type)
        assert re.search(rf"^  {re.escape(name)} +{label}$", out, re.MULTILINE), event_type


# --- labels and rendering ---------------------------------------------------------------------


def test_every_event_type_has_a_chinese_name() -> None:
    # Acceptance's 10, approval's 8, staff's 12, supervision's 7.
    assert len(supervision.EVENT_TYPE_NAMES) == 37
    assert all(supervision.EVENT_TYPE_NAMES.values())
    assert supervision.event_type_text("tongban.acceptance.v1.CaseAccepted") == "受理 CaseAccepted"
    assert supervision.event_type_text("tongban.audit.v1.Flagged") == "tongban.audit.v1.Flagged"


def test_events_table() -> None:
    lines = supervision.received_events(_page("p2")).splitlines()
    split = [re.split(r" {2,}", line) for line in lines[:-2]]
    assert split == [
        ["接收时间", "发生时间", "来源", "事件", "办件编号", "摘要"],
        [
            "2026-09-27 09:30",
            "2026-09-27 09:30",
            "acceptance",
            "一次性告知 CaseSupplementRequested",
            CASE_NO,
            "状态 待补正(一次性告知)，重复告知",
        ],
        ["2026-09-28 09:30", "2026-09-28 09:30", "acceptance", "受理 CaseAccepted", CASE_NO, "状态 已受理"],
        [
            "2026-09-29 10:00",
            "2026-09-29 10:00",
            "approval",
            "环节办结 ReviewStepCompleted",
            CASE_NO,
            "状态 审查中，环节 乡镇初审，意见 同意",
        ],
        [
            "2026-09-30 09:05",
            "2026-09-30 09:00",
            "approval",
            "退回补正 ReviewSentBack",
            CASE_NO,
            "状态 退回补正中",
        ],
        [
            "2026-10-09 16:00",
            "2026-10-09 16:00",
            "approval",
            "特殊环节结束 ReviewProcedureEnded",
            CASE_NO,
            "状态 审查中，检验检测，不计时 2 个工作日",
        ],
        [
            "2026-10-09 16:30",
            "2026-10-09 16:30",
            "approval",
            "延长时限 ReviewExtended",
            CASE_NO,
            "状态 审查中，延长 10 个工作日",
        ],
        [
            "2026-10-12 15:00",
            "2026-10-12 15:00",
            "approval",
            "作出决定 ReviewDecided",
            CASE_NO,
            "状态 已决定，结果 准予许可，按时",
        ],
        [
            "2026-10-13 11:00",
            "2026-10-13 11:00",
            "acceptance",
            "出件 CaseResultIssued",
            CASE_NO,
            "状态 已出件，结果 准予，超期",
        ],
        ["2026-10-14 08:00", "2026-10-14 08:00", "audit", "tongban.audit.v1.Flagged", "X-1"],
    ]
    assert lines[-2:] == ["本页 9 条，按接收先后排列，时间为北京时间。", "下一页：加上 --page-token p2"]
    # The columns line up on screen (a CJK character is two columns wide).
    case_column = {tables.cell_width(line.split(CASE_NO)[0]) for line in lines[1:9]}
    assert case_column == {tables.cell_width(lines[0].split("办件编号")[0])}


def test_only_the_fields_that_matter_are_printed() -> None:
    text = supervision.received_events(_page())
    for never in (
        "320826-NJ-XK-001",  # matter code
        "320826101-W01",  # window
        "县农业农村局",
        "拖拉机",
        "购机发票",
        "发票与合格证不一致",
        "YQ-1",
        "ZY-NJ-2026-00001",
        "clerk-gaogou",
        "2026-10-10",  # promised date
        "不应打印",
        "evt-",
        "4bf92f3577b34da6a3ce929d0e0e4736",
    ):
        assert never not in text, never
    assert "下一页" not in text


def test_summary_of_sparse_events() -> None:
    started = RE.ReviewProcedureStarted(
        review=RE.ReviewRef(state=AP.REVIEW_STATE_IN_REVIEW),
        procedure=C.SPECIAL_PROCEDURE_HEARING,
        planned_days=3,
    )
    assert supervision.event_summary(started) == "状态 审查中，听证，计划 3 个工作日"
    noticed = AE.CaseSupplementRequested(repeated_notice=False)
    assert supervision.event_summary(noticed) == "首次告知"
    assert supervision.event_summary(AE.CaseNotAccepted()) == ""
    assert supervision.event_summary(None) == ""


def test_missing_times_and_an_empty_page() -> None:
    bare = S.ListReceivedEventsResponse(
        events=[S.ReceivedEvent(event=event_pb2.Event(event_type="case.received\tx", source="acceptance"))]
    )
    row = supervision.received_events(bare).splitlines()[1]
    assert re.split(r" {2,}", row) == ["-", "-", "acceptance", "case.received x", "-"]
    assert supervision.received_events(S.ListReceivedEventsResponse()) == "没有符合条件的事件。"


# --- the call ---------------------------------------------------------------------------------


@pytest.fixture
def channel(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeChannel]:
    """Scripts the gateway's answers; the command talks to the returned fake channel."""

    def script(*outcomes: Message | Failure) -> FakeChannel:
        fake = FakeChannel(*outcomes)
        monkeypatch.setattr(commands, "_gateway", lambda _args: Gateway("gw:1", "tok", channel=fake))
        return fake

    return script


def test_events_request_and_table(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    fake = channel(_page("p2"))
    argv = ["supervision", "events", "--case", f" {CASE_NO} ", "--type", "作出决定", "--source", "approval"]
    assert main([*argv, "--page-size", "5", "--page-token", "p1", "--token", "t"]) == 0
    [(path, body, timeout, metadata)] = fake.sent
    assert path == LIST_PATH
    assert S.ListReceivedEventsRequest.FromString(body) == S.ListReceivedEventsRequest(
        aggregate_id=CASE_NO,
        event_type="tongban.approval.v1.ReviewDecided",
        source="approval",
        page_size=5,
        page_token="p1",
    )
    assert ("authorization", "Bearer tok") in metadata
    assert timeout == client.DEADLINE_SECONDS
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["接收时间", "发生时间", "来源", "事件", "办件编号", "摘要"]
    assert out.rstrip().endswith("下一页：加上 --page-token p2")


def test_no_filters_send_an_empty_request(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    fake = channel(S.ListReceivedEventsResponse())
    assert main(["supervision", "events", "--token", "t"]) == 0
    assert S.ListReceivedEventsRequest.FromString(fake.sent[0][1]) == S.ListReceivedEventsRequest()
    assert capsys.readouterr().out == "没有符合条件的事件。\n"


def test_json_is_the_response(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    channel(_page())
    assert main(["--json", "supervision", "events", "--token", "t"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["events"][0]["event"]["eventType"] == "tongban.acceptance.v1.CaseSupplementRequested"
    assert answer["events"][0]["event"]["payload"]["noticeCount"] == 2
    # A type this CLI does not know keeps its type, without a payload it cannot spell.
    assert answer["events"][-1]["event"]["eventType"] == "tongban.audit.v1.Flagged"
    assert "payload" not in answer["events"][-1]["event"]
    assert answer["events"][0]["receiveTime"] == "2026-09-27T01:30:02Z"


def test_a_clerk_is_refused_in_a_sentence(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    channel(Failure(grpc.StatusCode.PERMISSION_DENIED, "仅监察人员和中心管理员可以查看"))
    assert main(["supervision", "events", "--token", "t"]) == 1
    assert capsys.readouterr().err.strip() == "无权执行此操作：仅监察人员和中心管理员可以查看"


def test_every_supervision_rpc_is_in_the_client() -> None:
    service = S.DESCRIPTOR.services_by_name["SupervisionService"]
    known = {rpc.path for rpc in vars(client).values() if isinstance(rpc, client.Rpc)}
    assert {f"/{service.full_name}/{method}" for method in service.methods_by_name} <= known


def test_an_intact_record_check_ends_with_the_hash_to_note_down() -> None:
    head = "ab" * 32
    intact = supervision.verification(S.VerifyRecordResponse(intact=True, entries=20, head_hash=head))
    assert intact.splitlines() == [
        "监察记录完整：共 20 条，逐条校验无误，无改动、删除、插入或调序。",
        f"末条哈希：{head}（可记下，供日后核对记录只增未改）",
    ]
    broken = S.VerifyRecordResponse(intact=False, entries=20, first_bad_seq=7, problem="第 7 条被改动")
    assert "末条哈希" not in supervision.verification(broken)
