"""The README runner's parts without a stack: finding the sessions, matching outputs with the
README's conventions, re-recording (tests/readme/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.readme.matching import is_elision, lines_of, matches
from tests.readme.newcomer import Terminal
from tests.readme.rewrite import re_recorded, re_recorded_output
from tests.readme.sessions import commands_of

DOC = """# Title

```sh
make run      # not a session: no prompt
```

Prose with $ a dollar.

```text
$ export TONGBAN_TOKEN=$(tongban token clerk-gaogou)
$ tongban case submit --matter 320826-GA-QT-001 \\
    --person 王秀英 --material M01
办件编号：320826101-20261130-0001
状态：已受理

$ tongban case list
共 1 件。
```
"""


def test_sessions_are_the_prompted_commands_of_fenced_blocks_with_their_outputs() -> None:
    commands = commands_of(DOC)

    assert [c.text for c in commands] == [
        "export TONGBAN_TOKEN=$(tongban token clerk-gaogou)",
        "tongban case submit --matter 320826-GA-QT-001 \\\n    --person 王秀英 --material M01",
        "tongban case list",
    ]
    assert [c.expected for c in commands] == [
        (),
        ("办件编号：320826101-20261130-0001", "状态：已受理"),
        ("共 1 件。",),
    ]
    assert [c.line for c in commands] == [10, 11, 16]


def test_an_output_matches_exactly_apart_from_trailing_space_and_blank_lines() -> None:
    assert matches(["状态：已受理", "承诺 2026-12-07"], lines_of("状态：已受理  \n承诺 2026-12-07\n\n"))
    assert not matches(["状态：已受理", "承诺 2026-12-07"], ["状态：已受理", "承诺 2026-12-08"])
    assert not matches(["状态：已受理"], ["状态：已受理", "多一行"])
    assert not matches(["办件编号：320826101-20261130-0001"], ["办件编号：320826101-20261130-0002"])


def test_an_elision_line_stands_for_any_run_of_lines_none_included() -> None:
    expected = ["办件编号：1", "...", "日期　　: 2026年11月30日"]

    assert matches(expected, ["办件编号：1", "日期　　: 2026年11月30日"])
    assert matches(expected, ["办件编号：1", "a", "", "b", "日期　　: 2026年11月30日"])
    assert not matches(expected, ["办件编号：1", "a", "日期　　: 2026年12月1日"])
    assert matches(
        ["一次性告知单", "...（the printed notice lists the same three items）"], ["一次性告知单", "x"]
    )
    assert is_elision("...") and is_elision("...(note)") and not is_elision("状态 ...")


def test_an_ellipsis_within_a_line_stands_for_any_text_on_that_line() -> None:
    assert matches(["不能再次延期 / ..."], ["不能再次延期 / cannot extend again"])
    assert not matches(["不能再次延期 / ..."], ["不能延期 / cannot extend again"])
    assert not matches(["a ... c"], ["a b", "c"])


def test_trace_ids_vary_and_nothing_else_does() -> None:
    assert matches(["追踪编号(trace id)：" + "1" * 32], ["追踪编号(trace id)：" + "ab" * 16])
    assert not matches(["2026-11-30 09:30"], ["2026-11-30 09:31"])


def test_re_recording_keeps_matching_outputs_as_the_readme_has_them() -> None:
    expected = ["状态：已受理", "...", "不能再次延期 / ...", "追踪编号(trace id)：" + "1" * 32]
    actual = ["状态：已受理", "x", "不能再次延期 / cannot", "追踪编号(trace id)：" + "2" * 32]

    assert re_recorded_output(expected, actual) == expected


def test_re_recording_keeps_elisions_and_shows_changed_lines() -> None:
    expected = [
        "办件编号：320826101-20261128-0001",
        "状态：已受理",
        "...",
        "受理日期：2026-11-28",
        "时限：承诺办结日期 2026-12-04（5 个工作日），剩余 5 个工作日",
        "────",
        "受理回执 SL-320826101-2026-00001",
        "...（the receipt）",
    ]
    actual = [
        "办件编号：320826101-20261130-0001",
        "状态：已受理",
        "事项：户口迁移",
        "申请人：王秀英",
        "受理日期：2026-11-30",
        "时限：承诺办结日期 2026-12-07（5 个工作日），县级部门审查中",
        "────",
        "受理回执 SL-320826101-2026-00001",
        "编号: SL-320826101-2026-00001",
        "",
        "日期　　: 2026年11月30日",
    ]

    shown = re_recorded_output(expected, actual)

    assert shown == [
        "办件编号：320826101-20261130-0001",
        "状态：已受理",
        "...",
        "受理日期：2026-11-30",
        "时限：承诺办结日期 2026-12-07（5 个工作日），县级部门审查中",
        "────",
        "受理回执 SL-320826101-2026-00001",
        "...（the receipt）",
    ]
    assert matches(shown, actual)


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ([], ["a", "b"]),
        (["a", "b"], []),
        (["...", "z"], ["a", "b"]),
        (["a", "...", "a"], ["a", "b", "c"]),
        (["x ... y", "...", "q"], ["x 1 y", "2", "p", "q", "r"]),
        (["", "...", ""], ["", "1", "", "2"]),
    ],
)
def test_a_re_recorded_output_always_matches_what_was_printed(expected: list[str], actual: list[str]) -> None:
    assert matches(re_recorded_output(expected, actual), actual)


def test_re_recording_replaces_only_the_outputs_and_keeps_the_prose() -> None:
    commands = commands_of(DOC)
    printed = [["令牌已设置"], ["办件编号：320826101-20261130-0002", "状态：已受理"], ["共 2 件。"]]

    new = re_recorded(DOC, list(zip(commands, printed, strict=True)))

    assert new.endswith("\n")
    assert [c.expected for c in commands_of(new)] == [tuple(p) for p in printed]
    # The export that now prints something is set apart from the next command by a blank line.
    assert "令牌已设置\n\n$ tongban case submit" in new
    assert new.replace("令牌已设置\n\n", "").replace("0002", "0001").replace("2 件", "1 件") == DOC


def test_the_terminal_keeps_exports_and_reads_each_commands_output(tmp_path: Path) -> None:
    terminal = Terminal({"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, tmp_path)
    try:
        assert terminal.type("export GREETING=你好 # a comment").status == 0
        typed = terminal.type("echo $GREETING \\\n  world; echo oops >&2; printf 'no newline'")
        assert typed.output == "你好 world\noops\nno newline"
        assert terminal.type("cat; false").status == 1  # stdin is not the script
        assert terminal.type("echo still here").output == "still here\n"
    finally:
        terminal.close()
