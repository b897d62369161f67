"""The README is executable: its shell sessions, typed in the README's order into one newcomer's
terminal against a fresh stack started as `make run` starts it, print what the README shows.

The stack is tests/e2e/conftest.py's: `tongban setup` on a new var/, then the four services and
the gateway as separate processes on free ports, their clock fixed at RECORDED_AT (the moment
the README says its sessions were recorded), so dates, case and document numbers are the ones
the README shows. Each `$ ` command of a fenced block runs in one bash after `source
.venv/bin/activate`, with TONGBAN_VAR_DIR and TONGBAN_GATEWAY pointing at that stack
(tests/readme/newcomer.py); its output is compared with the lines under it in the README
(tests/readme/matching.py says how: `...` elides lines, trace ids vary, the rest is exact).

Re-recording after a product change is one command, `make readme` (TONGBAN_README_UPDATE=1):
the same run, then every output that no longer matches is rewritten from what was printed,
keeping the README's elisions where they still fit (tests/readme/rewrite.py). Review the
change with `git diff README.md` and commit it with the product change.

Why a small runner of our own rather than a kept tool (all looked at on PyPI, 2026-11):
- prysk (cram's maintained fork) runs cram files: commands indented two spaces with `> `
  continuations, per-line `(re)`/`(glob)` annotations a reader would see, an exit status
  printed as `[1]` after a failing command, and no way to elide a run of lines; our README is
  fenced Markdown with `\\` continuations and elided printouts.
- byexample drives an interactive bash through a pseudo-terminal; its expected output ends at
  the first blank line (our printed receipts have blank lines), it elides with `<...>` markers,
  and it has no mode that rewrites the document from a run.
- tesh (dormant since 2023) needs `tesh-session="…"` on every fence, exits the process on the
  first mismatch, and cannot re-record either.
- pytest-markdown-docs, pytest-examples, pytest-codeblocks and phmdoctest test Python fences,
  or run a shell block without comparing its output with the text under it; Sybil is a
  framework for such parsers, so the parser, the shell, the matching and the re-recording
  would still be ours.
What the README needs beyond all of them: a pause between commands until the services have
passed their events on, as a person's typing allows (tests/readme/delivery.py), and a
re-recording mode.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.e2e.conftest import running_stack
from tests.readme import delivery, matching, newcomer, rewrite, sessions

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"
# A working Monday late in 2026: every promised date stays in a year the calendar knows.
# The README's Quick start names this moment; change both together and re-record.
RECORDED_AT = "2026-11-30T09:30:00+08:00"
UPDATE_VARIABLE = "TONGBAN_README_UPDATE"
# The mismatches shown in full when the README and the product disagree.
SHOWN_MISMATCHES = 5


def _replay(commands: Sequence[sessions.Command], tmp_path: Path) -> list[list[str]]:
    """What each command printed, typed in order into a newcomer's terminal."""
    var_dir, home = tmp_path / "var", tmp_path / "home"
    var_dir.mkdir()
    home.mkdir()
    outputs: list[list[str]] = []
    with running_stack(var_dir, start=RECORDED_AT) as stack:
        env = newcomer.newcomer_environment(
            home=home,
            # Its own: a `tongban login` here must not leave a token for the tests that follow.
            config_home=home / ".config",
            var_dir=stack.var_dir,
            gateway=stack.gateway,
            web=stack.web,
        )
        with newcomer.terminal(env, home, Path(sys.executable).parent / "activate") as terminal:
            for command in commands:
                delivery.wait_until_delivered(stack.var_dir)
                outputs.append(matching.lines_of(terminal.type(command.text).output))
    return outputs


def _mismatch(command: sessions.Command, actual: Sequence[str]) -> str:
    """The change `make readme` would make: the printed lines, elided as the README elides them."""
    diff = difflib.unified_diff(
        list(command.expected),
        rewrite.re_recorded_output(command.expected, actual),
        "README.md",
        "printed",
        lineterm="",
        n=2,
    )
    return f"README.md:{command.line}: $ {command.text}\n" + "\n".join(diff)


def test_the_readme_sessions_print_what_the_readme_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markdown = README.read_text(encoding="utf-8")
    commands = sessions.commands_of(markdown)
    assert len(commands) >= 20, "the README's sessions were not found: fences and `$ ` prompts?"
    # running_stack points this process's TONGBAN_VAR_DIR at the stack; undone afterwards.
    monkeypatch.setenv("TONGBAN_VAR_DIR", str(tmp_path / "var"))

    outputs = _replay(commands, tmp_path)

    if os.environ.get(UPDATE_VARIABLE):
        README.write_text(rewrite.re_recorded(markdown, list(zip(commands, outputs, strict=True))), "utf-8")
        return
    mismatches = [
        _mismatch(command, actual)
        for command, actual in zip(commands, outputs, strict=True)
        if not matching.matches(command.expected, actual)
    ]
    if mismatches:
        pytest.fail(
            f"{len(mismatches)} of the README's {len(commands)} commands printed something else "
            f"(the first {min(len(mismatches), SHOWN_MISMATCHES)} below, as `make readme` would "
            "re-record them). If the product changed on purpose, run `make readme` and review "
            "`git diff README.md`.\n\n" + "\n\n".join(mismatches[:SHOWN_MISMATCHES]),
            pytrace=False,
        )
