"""The CLI speaks Chinese: argparse's usage, headings and errors, and refusals that name the
command the person typed and the roles it needs."""

from __future__ import annotations

import argparse
import ast
import inspect
import re
from collections.abc import Iterator

import grpc
import pytest
from google.rpc import error_details_pb2

from tests.unit.test_cli_client import Failure, FakeChannel
from tests.unit.test_cli_render import FakeRpcError
from tongban_cli import argparse_zh, client
from tongban_cli.main import build_parser, main
from tongban_cli.render.refusals import describe_rpc_error

ENGLISH = ("usage:", "error:", "positional arguments", "options:", "show this help", "required:")
DECIDE = "/tongban.approval.v1.ReviewService/DecideCase"


def _argparse_messages() -> Iterator[tuple[str, ...]]:
    """Every text argparse passes to gettext (`_` or `ngettext`) in this Python's argparse."""
    tree = ast.parse(inspect.getsource(argparse))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("_", "ngettext")
        ):
            texts = tuple(
                a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            )
            if texts:
                yield texts


def test_every_argparse_message_has_a_chinese_text() -> None:
    missing = []
    for texts in _argparse_messages():
        if len(texts) == 1 and texts[0] not in argparse_zh.MESSAGES:
            missing.append(texts[0])
        if len(texts) == 2 and texts not in argparse_zh.PLURALS:
            missing.append(" / ".join(texts))
    assert missing == []


def _leaves(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _leaves(sub)


def test_every_help_page_is_in_chinese() -> None:
    pages = [leaf.format_help() for leaf in _leaves(build_parser())]
    assert len(pages) > 30
    for page in pages:
        assert page.startswith("用法：tongban")
        assert not [word for word in ENGLISH if word in page], page
        assert "\n选项：\n" in page and re.search(r"-h, --help +显示本帮助并退出", page)


def test_help_headings(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["case", "submit", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：tongban case submit")
    assert "\n选项：\n" in out and "\n全局选项：\n" in out


def test_person_or_enterprise_is_required_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["case", "submit", "--matter", "X"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：tongban case submit")
    assert err.rstrip().endswith("tongban case submit：错误：以下参数必须给出其中一个：--person --enterprise")
    assert not [word for word in ENGLISH if word in err]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["case", "show"], "缺少必需的参数：CASE_NO"),
        (["case", "list", "--bogus"], "无法识别的参数：--bogus"),
        (["case", "list", "--page-size"], "参数 --page-size：需要一个值"),
        (["case", "frobnicate"], "参数 ACTION：无效的选择：'frobnicate'（可选："),
        (["review", "decide", "X", "maybe"], "参数 grant|refuse：决定“maybe”不认识"),
        (["case", "issue", "X", "--approved", "--refused"], "参数 --refused：不能与参数 --approved 同时使用"),
    ],
)
def test_argument_errors_in_chinese(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    err = capsys.readouterr().err
    assert words in err
    assert not [word for word in ENGLISH if word in err]


def test_argparse_is_left_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["case", "show"])
    capsys.readouterr()
    # Other parsers in the same process (pytest's own) keep argparse's texts.
    plain = argparse.ArgumentParser(prog="other")
    assert plain.format_usage().startswith("usage: other")


# --- refusals ---------------------------------------------------------------------------------


def test_a_role_refusal_names_the_command_and_the_roles_it_needs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway_text = (
        f"无权调用 {DECIDE}：需要以下角色之一：审核人员；当前角色：窗口工作人员 / your roles (clerk) "
        f"may not call {DECIDE}; allowed roles: reviewer"
    )
    fake = FakeChannel(Failure(grpc.StatusCode.PERMISSION_DENIED, gateway_text))
    monkeypatch.setattr(client.grpc, "insecure_channel", lambda _address: fake)
    monkeypatch.setattr(client.Gateway, "review", lambda self, case_no: (None, None))
    token = _token_with_roles(["clerk"])
    assert main(["review", "decide", "320826101-20261128-0001", "grant", "--token", token]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "无权执行 tongban review decide：需要以下角色之一：审核人员；您的令牌的角色：窗口工作人员。"
        "请使用具有所需角色的用户的令牌（tongban users 列出演示用户及其角色）。"
    )
    assert fake.sent[0][0] == DECIDE


def _token_with_roles(roles: list[str]) -> str:
    import jwt

    return jwt.encode({"sub": "clerk-gaogou", "roles": roles}, "k" * 32, algorithm="HS256")


def test_a_services_own_permission_refusal_keeps_its_words() -> None:
    error = FakeRpcError(
        grpc.StatusCode.PERMISSION_DENIED, "仅承办部门 NJ 可以办理 / only department NJ may do this"
    )
    text = describe_rpc_error(error, rpc=DECIDE, command="tongban review decide")
    assert text == "无权执行 tongban review decide：仅承办部门 NJ 可以办理 / only department NJ may do this"


def test_resources_and_states_in_chinese() -> None:
    missing = FakeRpcError(
        grpc.StatusCode.NOT_FOUND,
        "事项 X 不在目录中 / no such matter in the catalogue",
        [error_details_pb2.ResourceInfo(resource_type="matter", resource_name="X")],
    )
    assert describe_rpc_error(missing).splitlines()[1] == "  - 未找到事项 X"
    issued = FakeRpcError(
        grpc.StatusCode.FAILED_PRECONDITION,
        "办件当前状态为「已出件」, 不能出件 / case C-1 is CASE_STATE_RESULT_ISSUED, cannot 出件",
        [
            error_details_pb2.PreconditionFailure(
                violations=[
                    error_details_pb2.PreconditionFailure.Violation(
                        type="CASE_STATE", subject="C-1", description="state is CASE_STATE_RESULT_ISSUED"
                    ),
                    error_details_pb2.PreconditionFailure.Violation(
                        type="SITE_LEVEL", subject="M-1", description="site level 2 not accepting"
                    ),
                ]
            )
        ],
    )
    lines = describe_rpc_error(issued).splitlines()
    # The service's bilingual message stays; the detail lines are Chinese or left out.
    assert lines[1:] == ["  - C-1: 已出件"]
    assert not re.search(r"site level|state is", "\n".join(lines[1:]))
