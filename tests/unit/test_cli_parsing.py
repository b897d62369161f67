"""The `tongban` command line: argument values, usage errors and the global options."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2

from services.common.tokens import generate_keys
from tongban_cli import commands, demo
from tongban_cli.client import TOKEN_HINT
from tongban_cli.main import build_parser, main
from tongban_cli.specs import CASE_STATES, parse_date, parse_material, parse_page_size, parse_state

SUBMIT = [
    "case",
    "submit",
    "--matter",
    "320826-GA-XK-001",
    "--window",
    "320826101-W01",
    "--person",
    "张三",
    "--id",
    "11010519491231002X",
    "--phone",
    "13800138000",
]


# --- material specs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "code", "form", "copies", "defect"),
    [
        ("M01", "M01", catalog_pb2.MATERIAL_FORM_UNSPECIFIED, 0, ""),
        ("M02:copy:2", "M02", catalog_pb2.MATERIAL_FORM_COPY, 2, ""),
        ("M03::1:复印件不清晰", "M03", catalog_pb2.MATERIAL_FORM_UNSPECIFIED, 1, "复印件不清晰"),
        ("M04:original", "M04", catalog_pb2.MATERIAL_FORM_ORIGINAL, 0, ""),
        ("M05:BOTH::", "M05", catalog_pb2.MATERIAL_FORM_ORIGINAL_AND_COPY, 0, ""),
        ("M06:复印件:3", "M06", catalog_pb2.MATERIAL_FORM_COPY, 3, ""),
        # The defect is the rest of the spec, colons included.
        ("M07:copy:1:有涂改:见第2页", "M07", catalog_pb2.MATERIAL_FORM_COPY, 1, "有涂改:见第2页"),
    ],
)
def test_good_material_specs(
    spec: str, code: str, form: catalog_pb2.MaterialForm, copies: int, defect: str
) -> None:
    material = parse_material(spec)
    assert material == acceptance_pb2.ProvidedMaterial(
        material_code=code, form=form, copies=copies, defect=defect
    )


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("", "缺少材料编码"),
        (":copy:1", "缺少材料编码"),
        ("M 01", "空格"),
        ("M02:xerox", "original"),
        ("M02:copy:two", "份数"),
        ("M02:copy:-1", "份数"),
        ("M02:copy:１", "份数"),  # fullwidth digit
        ("M02:copy:100", "不能超过"),
    ],
)
def test_bad_material_specs(spec: str, words: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=words):
        parse_material(spec)


def test_bad_material_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*SUBMIT, "--material", "M02:xerox"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--material" in err
    assert "M02:xerox" in err
    assert "copy(复印件)" in err
    assert "Traceback" not in err


def test_materials_and_conditions_are_collected() -> None:
    args = build_parser().parse_args(
        [*SUBMIT, "--material", "M01", "--material", "M02:copy:2", "--condition", "M04"]
    )
    assert [m.material_code for m in args.material] == ["M01", "M02"]
    assert args.condition == ["M04"]
    assert args.handler is commands.case_submit


# --- other values -----------------------------------------------------------------------------


def test_states_in_chinese_and_english() -> None:
    assert parse_state("已受理") == acceptance_pb2.CASE_STATE_ACCEPTED
    assert parse_state("待补正") == acceptance_pb2.CASE_STATE_SUPPLEMENT_REQUESTED
    assert parse_state("RESULT_ISSUED") == acceptance_pb2.CASE_STATE_RESULT_ISSUED
    assert parse_state("case_state_withdrawn") == acceptance_pb2.CASE_STATE_WITHDRAWN
    with pytest.raises(argparse.ArgumentTypeError, match="不认识"):
        parse_state("办理中")


def test_dates_and_page_sizes() -> None:
    assert parse_date("2026-11-27") == "2026-11-27"
    for bad in ("2026-02-30", "27/11/2026", ""):
        with pytest.raises(argparse.ArgumentTypeError, match="YYYY-MM-DD"):
            parse_date(bad)
    assert parse_page_size("100") == 100
    for bad in ("0", "101", "ten", "-5"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_page_size(bad)


def test_case_list_filters() -> None:
    args = build_parser().parse_args(
        ["case", "list", "--state", "已受理", "--from", "2026-11-01", "--overdue"]
    )
    assert args.state == acceptance_pb2.CASE_STATE_ACCEPTED
    assert args.date_from == "2026-11-01"
    assert args.overdue is True


# --- global options and usage errors ------------------------------------------------------------


def test_global_options_before_or_after_the_subcommand() -> None:
    parser = build_parser()
    before = parser.parse_args(["--json", "--gateway", "h:1", "catalog", "show", "X"])
    after = parser.parse_args(["catalog", "show", "X", "--json", "--token", "t"])
    plain = parser.parse_args(["catalog", "show", "X"])
    assert (before.json, before.gateway, before.token) == (True, "h:1", None)
    assert (after.json, after.gateway, after.token) == (True, None, "t")
    assert (plain.json, plain.gateway, plain.token) == (False, None, None)


def test_missing_token_says_how_to_get_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TONGBAN_TOKEN", raising=False)
    assert main(["catalog", "sites"]) == 2
    assert capsys.readouterr().err.strip() == TOKEN_HINT


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--refuse-reason", "不属于本机关职权"], "--competent-agency"),
        (["--credit-code", "91320826MA1XXXXX0X"], "--credit-code 只用于企业"),
    ],
)
def test_inconsistent_options_are_usage_errors(
    extra: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*SUBMIT, "--token", "t", *extra]) == 2
    assert words in capsys.readouterr().err


def test_person_needs_an_id(capsys: pytest.CaptureFixture[str]) -> None:
    args = [a for a in SUBMIT if a not in ("--id", "11010519491231002X")]
    assert main([*args, "--token", "t"]) == 2
    assert "--id" in capsys.readouterr().err


def test_person_or_enterprise_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["case", "submit", "--matter", "X", "--window", "W"])
    assert stopped.value.code == 2
    assert "--person" in capsys.readouterr().err


def test_unknown_demo_user_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "nobody" in err
    assert "clerk-gaogou" in err
    assert "inspector-county" in err


def test_review_supplement_state_and_supplement_without_materials() -> None:
    assert parse_state("退回补正") == acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT
    assert parse_state("review_supplement") == acceptance_pb2.CASE_STATE_REVIEW_SUPPLEMENT
    assert set(CASE_STATES.values()) == set(acceptance_pb2.CaseState.values()) - {0}
    # After the county's send-back the clerk records the supplement with no material arguments.
    args = build_parser().parse_args(["case", "supplement", "320826101-20261127-0001"])
    assert args.handler is commands.case_supplement
    assert (args.material, args.condition, args.new_fact) == ([], [], None)


def test_supplement_without_materials_sends_an_empty_list(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[acceptance_pb2.SupplementMaterialsRequest] = []

    class Recorder:
        def __enter__(self) -> Recorder:
            return self

        def __exit__(self, *_exc: object) -> None:
            pass

        def case(self, case_no: str) -> tuple[acceptance_pb2.Case, None]:
            return acceptance_pb2.Case(case_no=case_no), None

        def call(
            self, _rpc: object, request: acceptance_pb2.SupplementMaterialsRequest, **_kw: object
        ) -> object:
            sent.append(request)
            return acceptance_pb2.SupplementMaterialsResponse(
                case=acceptance_pb2.Case(case_no=request.case_no, state=acceptance_pb2.CASE_STATE_ACCEPTED)
            )

    monkeypatch.setattr(commands, "_gateway", lambda _args: Recorder())
    assert main(["case", "supplement", "320826101-20261127-0001", "--token", "t"]) == 0
    [request] = sent
    assert (request.case_no, list(request.materials), request.HasField("non_acceptance")) == (
        "320826101-20261127-0001",
        [],
        False,
    )


# --- defaults from who you are ----------------------------------------------------------------


@pytest.fixture
def clerk_token(tmp_path: Path) -> str:
    """The demo clerk's token as `tongban token clerk-gaogou` signs it: it names the window."""
    generate_keys(tmp_path / "keys", "demo-1")
    return demo.token_for(demo.find_user(demo.load_users(), "clerk-gaogou"), tmp_path, None)


Request = acceptance_pb2.SubmitApplicationRequest


def _submitted(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> Request:
    sent: list[Request] = []

    class Recorder:
        def __enter__(self) -> Recorder:
            return self

        def __exit__(self, *_exc: object) -> None:
            pass

        def call(
            self, _rpc: object, request: acceptance_pb2.SubmitApplicationRequest, **_kw: object
        ) -> object:
            sent.append(request)
            return acceptance_pb2.SubmitApplicationResponse(case=acceptance_pb2.Case(case_no="X-1"))

    monkeypatch.setattr(commands, "_gateway", lambda _args: Recorder())
    assert main(argv) == 0
    [request] = sent
    return request


def test_the_clerks_window_comes_from_the_token(monkeypatch: pytest.MonkeyPatch, clerk_token: str) -> None:
    monkeypatch.delenv("TONGBAN_WINDOW", raising=False)
    without_window = [a for a in SUBMIT if a not in ("--window", "320826101-W01")]
    request = _submitted(monkeypatch, [*without_window, "--token", clerk_token])
    assert request.window_code == "320826101-W01"
    # --window still chooses another window (the service checks it is one of the site's).
    request = _submitted(monkeypatch, [*without_window, "--window", "320826101-W02", "--token", clerk_token])
    assert request.window_code == "320826101-W02"


def test_no_window_anywhere_is_a_usage_error_in_chinese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TONGBAN_WINDOW", raising=False)
    without_window = [a for a in SUBMIT if a not in ("--window", "320826101-W01")]
    assert main([*without_window, "--token", "not-a-jwt"]) == 2
    assert "请指定受理窗口：--window" in capsys.readouterr().err
