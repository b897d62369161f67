"""`tongban review`: the county reviewers' commands — parsing, the calls they make through the
gateway (request ids, the safe retry, the case's trace) and what they print, in Chinese."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

import grpc
import pytest
from google.protobuf import timestamp_pb2
from google.protobuf.message import Message
from tongban.acceptance.v1 import catalog_pb2
from tongban.approval.v1 import approval_pb2 as A

from services.common import labels
from services.common.case_trace_ids import case_trace_ids
from tests.unit.test_cli_client import Failure, FakeChannel
from tongban_cli import client, commands
from tongban_cli.main import build_parser, main
from tongban_cli.render import reviews, tables
from tongban_cli.specs import (
    INBOX_SCOPES,
    OUTCOMES,
    PROCEDURES,
    parse_days,
    parse_outcome,
    parse_procedure,
    parse_scope,
    parse_step_number,
)

CASE_NO = "320826101-20260928-0001"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
REVIEW_PATH = "/tongban.approval.v1.ReviewService"


def _at(text: str) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromJsonString(text)
    return stamp


def _review(**fields: object) -> A.Review:
    """拖拉机和联合收割机登记 after testing (paused 2 days) and a 10-day extension."""
    review = A.Review(
        case_no=CASE_NO,
        matter_code="320826-NJ-XK-001",
        matter_name="拖拉机和联合收割机登记",
        department_code="NJ",
        site_code="320826101",
        service_mode=catalog_pb2.SERVICE_MODE_JOINT,
        state=A.REVIEW_STATE_IN_REVIEW,
        clock=A.Clock(
            accepted_on="2026-09-28",
            budget_days=5,
            extension_days=10,
            used_days=2,
            paused_days=2,
            days_left=13,
            due_on="2026-10-27",
        ),
        steps=[
            A.Step(
                number=1,
                position=1,
                name="乡镇初审",
                kind=catalog_pb2.STEP_KIND_INITIAL_REVIEW,
                site_code="320826101",
                state=A.STEP_STATE_DONE,
                time_limit_days=1,
                started_on="2026-09-28",
                finished_on="2026-09-29",
                used_days=1,
                assignee="clerk-gaogou",
                acted_by="clerk-gaogou",
                verdict=A.VERDICT_APPROVE,
            ),
            A.Step(
                number=2,
                position=2,
                name="部门审核",
                kind=catalog_pb2.STEP_KIND_REVIEW,
                department_code="NJ",
                site_code="320826000",
                state=A.STEP_STATE_ACTIVE,
                time_limit_days=2,
                started_on="2026-09-30",
                used_days=1,
                days_left=1,
                assignee="reviewer-nj",
            ),
            A.Step(
                number=3,
                position=3,
                name="审批决定",
                kind=catalog_pb2.STEP_KIND_DECISION,
                department_code="NJ",
                state=A.STEP_STATE_WAITING,
                time_limit_days=2,
            ),
        ],
        pauses=[
            A.Pause(
                pause_id=1,
                kind=A.PAUSE_KIND_SPECIAL_PROCEDURE,
                procedure=catalog_pb2.SPECIAL_PROCEDURE_TESTING,
                reason="安全技术检验",
                planned_days=3,
                planned_end_on="2026-10-09",
                started_on="2026-09-30",
                ended_on="2026-10-09",
                paused_days=2,
                notice_number="TS-NJ-2026-00001",
                started_by="reviewer-nj",
                ended_by="reviewer-nj",
            )
        ],
        extension=A.Extension(
            days=10,
            approver="县农业农村局局长",
            reason="待补检报告",
            granted_on="2026-10-09",
            granted_by="reviewer-nj",
            notice_number="YQ-NJ-2026-00001",
        ),
        activities=[
            A.Activity(action="opened", actor="system", time=_at("2026-09-28T01:30:00Z")),
            A.Activity(
                action="answered",
                actor="clerk-gaogou",
                step_number=1,
                detail="VERDICT_APPROVE",
                time=_at("2026-09-29T02:00:00Z"),
            ),
            A.Activity(
                action="reassigned",
                actor="reviewer-county",
                step_number=2,
                target="reviewer-nj",
                detail="from -: 部门内调整",
                time=_at("2026-09-30T01:00:00Z"),
            ),
            A.Activity(
                action="procedure_started",
                actor="reviewer-nj",
                detail="SPECIAL_PROCEDURE_TESTING",
                time=_at("2026-09-30T02:00:00Z"),
            ),
            A.Activity(
                action="extended", actor="reviewer-nj", detail="+10", time=_at("2026-10-09T08:00:00Z")
            ),
        ],
        documents=[
            A.ReviewDocumentRef(
                number="TS-NJ-2026-00001",
                kind=A.REVIEW_DOCUMENT_KIND_SPECIAL_PROCEDURE_NOTICE,
                issued_on="2026-09-30",
            ),
            A.ReviewDocumentRef(
                number="YQ-NJ-2026-00001",
                kind=A.REVIEW_DOCUMENT_KIND_EXTENSION_NOTICE,
                issued_on="2026-10-09",
            ),
        ],
        trace_id=TRACE_ID,
    )
    for name, value in fields.items():
        if isinstance(value, Message):
            getattr(review, name).CopyFrom(value)
        else:
            setattr(review, name, value)
    return review


def _refused_in_parallel() -> A.Review:
    """乡村建设规划许可证核发: ZR (lead) and NJ agree, ZJ refuses, so the case is refused."""
    branch = {"kind": catalog_pb2.STEP_KIND_PARALLEL_REVIEW, "state": A.STEP_STATE_DONE, "time_limit_days": 7}
    return A.Review(
        case_no="320826101-20261102-0001",
        matter_code="320826-ZR-XK-001",
        matter_name="乡村建设规划许可证核发",
        department_code="ZR",
        site_code="320826101",
        service_mode=catalog_pb2.SERVICE_MODE_JOINT,
        state=A.REVIEW_STATE_DECIDED,
        clock=A.Clock(
            accepted_on="2026-11-02", budget_days=15, used_days=3, days_left=12, due_on="2026-11-23"
        ),
        steps=[
            A.Step(
                number=2,
                position=2,
                name="并联审核",
                department_code="ZR",
                lead=True,
                assignee="reviewer-zr",
                acted_by="reviewer-zr",
                verdict=A.VERDICT_APPROVE,
                **branch,  # type: ignore[arg-type]
            ),
            A.Step(
                number=3,
                position=2,
                name="并联审核",
                department_code="ZJ",
                acted_by="reviewer-zj",
                verdict=A.VERDICT_REFUSE,
                opinion="选址位于危房改造范围, 不同意",
                **branch,  # type: ignore[arg-type]
            ),
            A.Step(
                number=5,
                position=3,
                name="审批决定",
                kind=catalog_pb2.STEP_KIND_DECISION,
                department_code="ZR",
                state=A.STEP_STATE_CANCELLED,
                time_limit_days=6,
            ),
        ],
        decision=A.Decision(
            outcome=A.DECISION_OUTCOME_REFUSED,
            reasons=[A.DepartmentReason(department_code="ZJ", reason="选址位于危房改造范围, 不同意")],
            document_number="BY-ZR-2026-00001",
            decided_on="2026-11-04",
            decided_by="reviewer-zj",
            department_code="ZR",
            on_time=True,
        ),
        sent_back_used=True,
    )


# --- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "handler", "expected"),
    [
        (["review", "inbox"], commands.review_inbox, {"scope": None, "overdue": False, "page_size": None}),
        (
            [
                "review",
                "inbox",
                "--scope",
                "department",
                "--overdue",
                "--page-size",
                "5",
                "--page-token",
                "t",
            ],
            commands.review_inbox,
            {"scope": A.INBOX_SCOPE_DEPARTMENT, "overdue": True, "page_size": 5, "page_token": "t"},
        ),
        (
            ["review", "inbox", "--scope", "待签收"],
            commands.review_inbox,
            {"scope": A.INBOX_SCOPE_UNASSIGNED},
        ),
        (["review", "show", CASE_NO], commands.review_show, {"case_no": CASE_NO}),
        (
            ["review", "claim", CASE_NO, "12"],
            commands.review_claim,
            {"case_no": CASE_NO, "step": 12, "request_id": None},
        ),
        (
            ["review", "reassign", CASE_NO, "#12", "reviewer-ga-b", "--reason", "A岗请假"],
            commands.review_reassign,
            {"step": 12, "assignee": "reviewer-ga-b", "reason": "A岗请假"},
        ),
        (["review", "reassign", CASE_NO, "12", "reviewer-ga-b"], commands.review_reassign, {"reason": None}),
        (["review", "approve", CASE_NO, "12"], commands.review_approve, {"opinion": None}),
        (
            ["review", "approve", CASE_NO, "12", "--opinion", "材料齐全", "--request-id", "r-1"],
            commands.review_approve,
            {"opinion": "材料齐全", "request_id": "r-1"},
        ),
        (
            ["review", "refuse", CASE_NO, "22", "--opinion", "选址不符合规划"],
            commands.review_refuse,
            {"step": 22, "opinion": "选址不符合规划"},
        ),
        (
            [
                "review",
                "send-back",
                CASE_NO,
                "12",
                "--item",
                "购机发票",
                "--item",
                "合格证",
                "--reason",
                "缺件",
            ],
            commands.review_send_back,
            {"item": ["购机发票", "合格证"], "reason": "缺件"},
        ),
        (
            ["review", "pause", CASE_NO, "--procedure", "testing", "--reason", "安全技术检验", "--days", "3"],
            commands.review_pause,
            {"procedure": catalog_pb2.SPECIAL_PROCEDURE_TESTING, "reason": "安全技术检验", "days": 3},
        ),
        (
            ["review", "pause", CASE_NO, "--procedure", "site-inspection", "--reason", "踏勘", "--days", "2"],
            commands.review_pause,
            {"procedure": catalog_pb2.SPECIAL_PROCEDURE_SITE_INSPECTION},
        ),
        (["review", "resume", CASE_NO], commands.review_resume, {"case_no": CASE_NO}),
        (
            ["review", "extend", CASE_NO, "--approver", "县农业农村局局长", "--reason", "待补检报告"],
            commands.review_extend,
            {"approver": "县农业农村局局长", "reason": "待补检报告"},
        ),
        (
            ["review", "decide", CASE_NO, "grant"],
            commands.review_decide,
            {"outcome": A.DECISION_OUTCOME_GRANTED, "reasons": None},
        ),
        (
            ["review", "decide", CASE_NO, "refuse", "--reasons", "不符合条件"],
            commands.review_decide,
            {"outcome": A.DECISION_OUTCOME_REFUSED, "reasons": "不符合条件"},
        ),
        (["review", "print", "ZY-NJ-2026-00001"], commands.review_print, {"number": "ZY-NJ-2026-00001"}),
    ],
)
def test_every_review_command_parses(
    argv: list[str], handler: Callable[[argparse.Namespace], int], expected: dict[str, object]
) -> None:
    args = build_parser().parse_args(argv)
    assert args.handler is handler
    for name, value in expected.items():
        assert getattr(args, name) == value, name


@pytest.mark.parametrize(
    "argv",
    [
        ["review", "refuse", CASE_NO, "12"],  # the opinion is required when refusing
        ["review", "send-back", CASE_NO, "12", "--reason", "缺件"],  # at least one --item
        ["review", "send-back", CASE_NO, "12", "--item", "发票"],  # a reason
        ["review", "pause", CASE_NO, "--procedure", "testing", "--reason", "检测"],  # --days
        ["review", "pause", CASE_NO, "--procedure", "lottery", "--reason", "r", "--days", "3"],
        ["review", "extend", CASE_NO, "--reason", "r"],  # --approver
        ["review", "decide", CASE_NO, "maybe"],
        ["review", "claim", CASE_NO, "twelve"],
        ["review", "claim", CASE_NO],
        ["review", "inbox", "--scope", "everyone"],
        ["review", "show"],
    ],
)
def test_incomplete_review_commands_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["review", "decide", CASE_NO, "refuse"], "--reasons"),
        (["review", "decide", CASE_NO, "不予许可", "--reasons", "  "], "--reasons"),
        (["review", "refuse", CASE_NO, "12", "--opinion", " "], "--opinion"),
        (["review", "send-back", CASE_NO, "12", "--item", " ", "--reason", "缺件"], "--item"),
        (["review", "pause", CASE_NO, "--procedure", "听证", "--reason", "", "--days", "5"], "--reason"),
    ],
)
def test_blank_required_text_is_refused_before_calling(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # No gateway is running: a usage error must come before any call.
    assert main([*argv, "--token", "t", "--gateway", "127.0.0.1:9"]) == 2
    assert words in capsys.readouterr().err


def test_values_in_english_and_chinese() -> None:
    assert parse_scope("mine") == A.INBOX_SCOPE_MINE
    assert parse_scope("本部门") == A.INBOX_SCOPE_DEPARTMENT
    assert parse_procedure("expert_review") == catalog_pb2.SPECIAL_PROCEDURE_EXPERT_REVIEW
    assert parse_procedure("Public-Notice") == catalog_pb2.SPECIAL_PROCEDURE_PUBLIC_NOTICE
    assert parse_procedure("现场踏勘") == catalog_pb2.SPECIAL_PROCEDURE_SITE_INSPECTION
    assert parse_outcome("GRANT") == A.DECISION_OUTCOME_GRANTED
    assert parse_outcome("不予许可") == A.DECISION_OUTCOME_REFUSED
    assert parse_step_number("#7") == parse_step_number("7") == 7
    assert parse_days("60") == 60
    for parser, bad in (
        (parse_step_number, "0"),
        (parse_step_number, "-3"),
        (parse_step_number, "１"),  # fullwidth digit
        (parse_days, "0"),
        (parse_days, "1000"),
        (parse_days, "三"),
        (parse_scope, "all"),
        (parse_procedure, "lottery"),
        (parse_outcome, "approve"),
    ):
        with pytest.raises(argparse.ArgumentTypeError):
            parser(bad)


def test_every_choice_reaches_every_value() -> None:
    assert set(INBOX_SCOPES.values()) == set(A.InboxScope.values()) - {0}
    assert set(PROCEDURES.values()) == set(catalog_pb2.SpecialProcedure.values()) - {0}
    assert set(OUTCOMES.values()) == set(A.DecisionOutcome.values()) - {0}


# --- labels -----------------------------------------------------------------------------------


def _zh(enum_type: labels.EnumType) -> list[str]:
    return [label.zh for label in labels.labels(enum_type).values()]


def test_labels_the_reviewers_use() -> None:
    kinds = (catalog_pb2.STEP_KIND_INITIAL_REVIEW, catalog_pb2.STEP_KIND_REVIEW)
    assert [labels.zh(catalog_pb2.StepKind, k) for k in kinds] == ["初审", "审核"]
    assert _zh(A.ReviewState) == ["审查中", "退回补正中", "已决定", "已撤回"]
    assert _zh(A.StepState) == ["待办", "办理中", "已办结", "跳过", "已取消"]
    assert _zh(A.Verdict) == ["同意", "不同意"]
    assert _zh(A.DecisionOutcome) == ["准予许可", "不予许可"]
    assert _zh(catalog_pb2.SpecialProcedure) == ["听证", "现场踏勘", "公告", "专家论证", "检验检测"]


# --- rendering --------------------------------------------------------------------------------


def test_review_in_chinese() -> None:
    text = reviews.review_summary(_review(), full=True)
    lines = text.splitlines()
    assert lines[:6] == [
        f"办件编号：{CASE_NO}",
        "状态：审查中",
        "事项：拖拉机和联合收割机登记（320826-NJ-XK-001）  承办部门 NJ",
        "受理站点：320826101  县乡同办",
        "受理日期：2026-09-28",
        "时限：承诺 5 个工作日 + 延长 10 个工作日，已用 2 个工作日（暂停不计 2 个工作日），"
        "剩余 13 个工作日，到期日 2026-10-27",
    ]
    assert (
        "  #1  乡镇初审  站点 320826101  已办结  承办 clerk-gaogou  2026-09-28 至 2026-09-29"
        "  用时 1/1 个工作日  同意"
    ) in lines
    assert (
        "  #2  部门审核  部门 NJ  办理中  承办 reviewer-nj  2026-09-30 起  时限 2 个工作日，剩余 1 个工作日"
    ) in lines
    assert "  #3  审批决定  部门 NJ  待办  时限 2 个工作日" in lines
    assert (
        "  - 特殊环节 检验检测：安全技术检验  计划 3 个工作日（至 2026-10-09）  2026-09-30 至 2026-10-09"
        "  不计时 2 个工作日  告知书 TS-NJ-2026-00001  reviewer-nj 开始，reviewer-nj 结束"
    ) in lines
    assert (
        "延长时限：10 个工作日  批准人 县农业农村局局长  理由：待补检报告  2026-10-09 经办 reviewer-nj"
        "  告知书 YQ-NJ-2026-00001"
    ) in lines
    assert "  - YQ-NJ-2026-00001  延长审批期限告知书  2026-10-09" in lines
    # The activity log, in Beijing time, its codes said in Chinese.
    assert "  2026-09-28 09:30  系统  开始审查" in lines
    assert "  2026-09-29 10:00  clerk-gaogou  提交审查意见  环节 #1  同意" in lines
    assert (
        "  2026-09-30 09:00  reviewer-county  改派  环节 #2  → reviewer-nj  原承办人 无，理由：部门内调整"
        in lines
    )
    assert "  2026-09-30 10:00  reviewer-nj  启动特殊环节  检验检测" in lines
    assert "  2026-10-09 16:00  reviewer-nj  延长时限  10 个工作日" in lines
    assert lines[-1] == f"追踪编号(trace id)：{TRACE_ID}"
    # After a change, the summary leaves out documents, log and trace id.
    short = reviews.review_summary(_review())
    assert "办理记录" not in short and TRACE_ID not in short and "延长审批期限告知书" not in short


def test_paused_and_overdue_reviews_say_so() -> None:
    paused = _review(
        clock=A.Clock(accepted_on="2026-09-28", budget_days=5, used_days=2, days_left=3, paused=True)
    )
    assert "状态：审查中【暂停】" in reviews.review_summary(paused)
    assert "剩余 3 个工作日（计时暂停中）" in reviews.review_summary(paused)
    late = _review(
        clock=A.Clock(accepted_on="2026-09-28", budget_days=5, used_days=7, days_left=-2, overdue=True)
    )
    assert "状态：审查中【超期】" in reviews.review_summary(late)
    assert "超期 2 个工作日" in reviews.review_summary(late)
    due = _review(clock=A.Clock(accepted_on="2026-09-28", budget_days=5, used_days=5, days_left=0))
    assert "今天到期" in reviews.review_summary(due)
    withdrawn = reviews.review_summary(_review(state=A.REVIEW_STATE_WITHDRAWN))
    assert "状态：已撤回" in withdrawn and "剩余" not in withdrawn.split("审查环节")[0]


def test_send_back_lists_every_item() -> None:
    review = _review(state=A.REVIEW_STATE_SENT_BACK, sent_back_used=True)
    review.pauses.add(
        kind=A.PAUSE_KIND_SUPPLEMENT,
        reason="发票与合格证不一致",
        started_on="2026-10-10",
        started_by="reviewer-nj",
        items=["购机发票原件", "产品合格证"],
    )
    lines = reviews.review_summary(review, full=True).splitlines()
    assert "状态：退回补正中" in lines
    at = lines.index(
        "  - 退回补正：发票与合格证不一致  2026-10-10 起，进行中  不计时 0 个工作日  reviewer-nj 开始"
    )
    assert lines[at + 1 : at + 4] == ["      需补正：", "        - 购机发票原件", "        - 产品合格证"]
    # Said once, while the send-back is open, by the state line itself.
    assert not any(line.startswith("退回补正：已用过") for line in lines)


def test_parallel_refusal_names_each_department() -> None:
    text = reviews.review_summary(_refused_in_parallel(), full=True)
    lines = text.splitlines()
    assert "状态：已决定" in lines
    assert "时限：承诺 15 个工作日，已用 3 个工作日，决定时剩余 12 个工作日，到期日 2026-11-23" in lines
    assert any(line.startswith("  #2  并联审核  部门 ZR（牵头）  已办结  承办 reviewer-zr") for line in lines)
    assert "  #3  并联审核  部门 ZJ  已办结  用时 0/7 个工作日  不同意（reviewer-zj）" in lines
    assert "      意见：选址位于危房改造范围, 不同意" in lines
    assert "  #5  审批决定  部门 ZR  已取消  时限 6 个工作日" in lines
    assert "决定：不予许可  文书 BY-ZR-2026-00001  2026-11-04  部门 ZR  经办 reviewer-zj  在时限内" in lines
    assert lines[lines.index("理由：") + 1] == "  - ZJ：选址位于危房改造范围, 不同意"
    assert "退回补正：已用过（每件只可退回一次）" in lines


def test_inbox_table() -> None:
    response = A.ListInboxResponse(
        items=[
            A.InboxItem(
                case_no="320826101-20261102-0001",
                matter_name="乡村建设规划许可证核发",
                step=A.Step(number=2, name="并联审核", days_left=-1, overdue=True),
                clock=A.Clock(days_left=-2, overdue=True, paused=True, due_on="2026-11-20"),
            ),
            A.InboxItem(
                case_no=CASE_NO,
                matter_name="拖拉机和联合收割机登记",
                step=A.Step(number=2, name="部门审核", days_left=1, assignee="reviewer-nj"),
                clock=A.Clock(days_left=3, due_on="2026-10-02"),
                assigned_to_me=True,
            ),
            A.InboxItem(
                case_no="320826000-20261001-0003",
                matter_name="残疾人两项补贴",
                step=A.Step(number=2, name="部门审核", days_left=-1, overdue=True, assignee="reviewer-mz"),
                clock=A.Clock(days_left=4, due_on="2026-10-09"),
            ),
        ],
        total_size=4,
        next_page_token="p2",
    )
    lines = reviews.inbox(response).splitlines()
    split = [re.split(r" {2,}", line) for line in lines[:4]]
    assert split == [
        ["办件编号", "事项", "环节", "承办人", "环节剩余", "办件剩余", "到期日", "标记"],
        [
            "320826101-20261102-0001",
            "乡村建设规划许可证核发",
            "#2 并联审核",
            "待签收",
            "超1",
            "超2",
            "2026-11-20",
            "超期 暂停",
        ],
        [CASE_NO, "拖拉机和联合收割机登记", "#2 部门审核", "reviewer-nj(我)", "1", "3", "2026-10-02"],
        [
            "320826000-20261001-0003",
            "残疾人两项补贴",
            "#2 部门审核",
            "reviewer-mz",
            "超1",
            "4",
            "2026-10-09",
            "环节超期",
        ],
    ]
    # The columns line up on screen (a CJK character is two columns wide).
    due_column = {tables.cell_width(line.split("2026-1")[0]) for line in lines[1:4]}
    assert due_column == {tables.cell_width(lines[0].split("到期日")[0])}
    assert lines[4].startswith("共 4 件，本页 3 件。")
    assert lines[5] == "下一页：加上 --page-token p2"
    assert reviews.inbox(A.ListInboxResponse()) == "没有待办的审查环节。"


# --- the calls --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "RETRY_PAUSE_SECONDS", 0.0)


@pytest.fixture
def channel(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeChannel]:
    """Scripts the gateway's answers; every command talks to the returned fake channel."""

    def script(*outcomes: Message | Failure) -> FakeChannel:
        fake = FakeChannel(*outcomes)
        # The commands' own connection (command, case and request id as typed), to the fake.
        monkeypatch.setattr(client.grpc, "insecure_channel", lambda _address: fake)
        return fake

    return script


def _sent(fake: FakeChannel, index: int, message_type: type[Message]) -> Message:
    return message_type.FromString(fake.sent[index][1])


def _found() -> A.GetReviewResponse:
    return A.GetReviewResponse(review=_review())


def test_approve_sends_the_verdict_in_the_case_trace(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    fake = channel(A.CompleteStepResponse(review=_review()))
    assert main(["review", "approve", CASE_NO, "12", "--opinion", "  材料齐全 ", "--token", "t"]) == 0
    # One call, in the case's trace: its ids come from the case number (no read first).
    assert [path for path, *_ in fake.sent] == [f"{REVIEW_PATH}/CompleteStep"]
    sent = _sent(fake, 0, A.CompleteStepRequest)
    assert isinstance(sent, A.CompleteStepRequest)
    assert (sent.case_no, sent.step_number, sent.verdict, sent.opinion) == (
        CASE_NO,
        12,
        A.VERDICT_APPROVE,
        "材料齐全",
    )
    assert re.fullmatch(r"[0-9a-f-]{36}", sent.request_id)
    ids = case_trace_ids(CASE_NO)
    assert dict(fake.sent[0][3])["traceparent"] == f"00-{ids.trace_id}-{ids.root_span_id}-01"
    assert "状态：审查中" in capsys.readouterr().out


def test_refuse_is_a_refusing_verdict(channel: Callable[..., FakeChannel]) -> None:
    fake = channel(A.CompleteStepResponse(review=_review()))
    assert main(["review", "refuse", CASE_NO, "22", "--opinion", "选址不符合规划", "--token", "t"]) == 0
    sent = _sent(fake, 0, A.CompleteStepRequest)
    assert isinstance(sent, A.CompleteStepRequest)
    assert (sent.step_number, sent.verdict, sent.opinion) == (22, A.VERDICT_REFUSE, "选址不符合规划")


def test_a_lost_answer_is_retried_once_with_the_same_request_id(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    fake = channel(Failure(grpc.StatusCode.UNAVAILABLE), A.ClaimStepResponse(review=_review()))
    assert main(["review", "claim", CASE_NO, "12", "--token", "t"]) == 0
    first, second = (_sent(fake, i, A.ClaimStepRequest) for i in (0, 1))
    assert isinstance(first, A.ClaimStepRequest) and isinstance(second, A.ClaimStepRequest)
    assert first.request_id == second.request_id != ""
    assert (second.case_no, second.step_number) == (CASE_NO, 12)
    assert "办件编号" in capsys.readouterr().out


def test_an_unknown_outcome_says_how_to_check_and_repeat(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    channel(Failure(grpc.StatusCode.UNAVAILABLE), Failure(grpc.StatusCode.UNAVAILABLE))
    argv = ["review", "reassign", CASE_NO, "12", "reviewer-ga-b", "--request-id", "mine-1", "--token", "t"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "tongban review show" in err
    assert "--request-id mine-1" in err


def test_refusals_are_sentences(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    channel(Failure(grpc.StatusCode.PERMISSION_DENIED, "仅承办部门 NJ 可以办理"))
    assert main(["review", "extend", CASE_NO, "--approver", "局长", "--reason", "r", "--token", "t"]) == 1
    assert capsys.readouterr().err.strip() == "无权执行 tongban review extend：仅承办部门 NJ 可以办理"


def test_send_back_and_reassign_requests(channel: Callable[..., FakeChannel]) -> None:
    fake = channel(
        A.SendBackForSupplementResponse(review=_review()),
        A.ReassignStepResponse(review=_review()),
    )
    argv = [
        "review",
        "send-back",
        CASE_NO,
        "12",
        "--item",
        "购机发票",
        "--item",
        " 合格证 ",
        "--reason",
        "缺件",
    ]
    assert main([*argv, "--token", "t"]) == 0
    sent = _sent(fake, 0, A.SendBackForSupplementRequest)
    assert isinstance(sent, A.SendBackForSupplementRequest)
    assert (list(sent.items), sent.reason, sent.step_number) == (["购机发票", "合格证"], "缺件", 12)
    assert (
        main(["review", "reassign", CASE_NO, "12", "reviewer-ga-b", "--reason", "A岗请假", "--token", "t"])
        == 0
    )
    moved = _sent(fake, 1, A.ReassignStepRequest)
    assert isinstance(moved, A.ReassignStepRequest)
    assert (moved.assignee, moved.reason, moved.step_number) == ("reviewer-ga-b", "A岗请假", 12)


def test_pause_prints_the_notice(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    notice = A.ReviewDocument(
        number="TS-NJ-2026-00001",
        kind=A.REVIEW_DOCUMENT_KIND_SPECIAL_PROCEDURE_NOTICE,
        text="特殊环节告知书\n依《行政许可法》第四十五条，所需时间不计入审批时限。\n",
    )
    fake = channel(A.StartSpecialProcedureResponse(review=_review(), notice=notice))
    argv = ["review", "pause", CASE_NO, "--procedure", "检验检测", "--reason", "安全技术检验", "--days", "3"]
    assert main([*argv, "--token", "t"]) == 0
    sent = _sent(fake, 0, A.StartSpecialProcedureRequest)
    assert isinstance(sent, A.StartSpecialProcedureRequest)
    assert (sent.procedure, sent.reason, sent.planned_days) == (
        catalog_pb2.SPECIAL_PROCEDURE_TESTING,
        "安全技术检验",
        3,
    )
    out = capsys.readouterr().out
    assert "特殊环节告知书 TS-NJ-2026-00001" in out
    assert "第四十五条" in out


def test_resume_and_extend(channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]) -> None:
    notice = A.ReviewDocument(
        number="YQ-NJ-2026-00001", kind=A.REVIEW_DOCUMENT_KIND_EXTENSION_NOTICE, text="延期告知书正文"
    )
    fake = channel(
        A.EndSpecialProcedureResponse(review=_review()),
        A.ExtendTimeLimitResponse(review=_review(), notice=notice),
    )
    assert main(["review", "resume", CASE_NO, "--token", "t"]) == 0
    assert (
        main(
            [
                "review",
                "extend",
                CASE_NO,
                "--approver",
                "县农业农村局局长",
                "--reason",
                "待补检报告",
                "--token",
                "t",
            ]
        )
        == 0
    )
    assert fake.sent[0][0] == f"{REVIEW_PATH}/EndSpecialProcedure"
    extended = _sent(fake, 1, A.ExtendTimeLimitRequest)
    assert isinstance(extended, A.ExtendTimeLimitRequest)
    assert (extended.approver, extended.reason) == ("县农业农村局局长", "待补检报告")
    out = capsys.readouterr().out
    assert "延长审批期限告知书 YQ-NJ-2026-00001" in out and out.rstrip().endswith("延期告知书正文")


def test_decide_prints_the_decision(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    document = A.ReviewDocument(
        number="BY-ZR-2026-00001", kind=A.REVIEW_DOCUMENT_KIND_REFUSAL_DECISION, text="不予许可决定书正文"
    )
    fake = channel(A.DecideCaseResponse(review=_refused_in_parallel(), document=document))
    assert main(["review", "decide", CASE_NO, "refuse", "--reasons", " 不符合规划 ", "--token", "t"]) == 0
    sent = _sent(fake, 0, A.DecideCaseRequest)
    assert isinstance(sent, A.DecideCaseRequest)
    assert (sent.outcome, sent.reasons) == (A.DECISION_OUTCOME_REFUSED, "不符合规划")
    out = capsys.readouterr().out
    assert "不予行政许可决定书 BY-ZR-2026-00001" in out
    assert "不予许可决定书正文" in out


def test_inbox_and_show_requests(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    fake = channel(A.ListInboxResponse(), _found())
    assert main(["review", "inbox", "--scope", "mine", "--overdue", "--page-size", "10", "--token", "t"]) == 0
    listed = _sent(fake, 0, A.ListInboxRequest)
    assert listed == A.ListInboxRequest(scope=A.INBOX_SCOPE_MINE, overdue_only=True, page_size=10)
    assert main(["review", "show", CASE_NO, "--token", "t"]) == 0
    assert len(fake.sent) == 2  # show reads, nothing else
    out = capsys.readouterr().out
    assert "没有待办的审查环节。" in out and "办理记录：" in out


def test_print_is_verbatim_and_json_is_the_response(
    channel: Callable[..., FakeChannel], capsys: pytest.CaptureFixture[str]
) -> None:
    document = A.ReviewDocument(number="ZY-NJ-2026-00001", text="准予许可决定书\n  第1页  \n")
    fake = channel(A.GetReviewDocumentResponse(document=document), _found())
    assert main(["review", "print", "ZY-NJ-2026-00001", "--token", "t"]) == 0
    assert _sent(fake, 0, A.GetReviewDocumentRequest) == A.GetReviewDocumentRequest(number="ZY-NJ-2026-00001")
    assert capsys.readouterr().out == "准予许可决定书\n  第1页  \n"
    assert main(["--json", "review", "show", CASE_NO, "--token", "t"]) == 0
    assert '"caseNo": "320826101-20260928-0001"' in capsys.readouterr().out


def test_every_review_rpc_is_in_the_client() -> None:
    service = A.DESCRIPTOR.services_by_name["ReviewService"]
    known = {rpc.method for rpc in vars(client).values() if isinstance(rpc, client.Rpc)}
    assert set(service.methods_by_name) <= known
