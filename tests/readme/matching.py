"""How a command's output is compared with the output the README shows under it.

The conventions, which the README's Development section repeats for its editors:
- Trailing spaces and trailing blank lines do not count (Markdown editors strip them).
- A line that is `...`, alone or followed by a note in brackets (`...（the printed notice lists
  the same three items）`), stands for any run of lines, none included: the README shows the
  lines that matter and elides the rest of a long printout.
- `...` within a line stands for any text on that line, e.g. the English half of a bilingual
  message: `不能再次延期 / ...`.
- What legitimately differs between two runs is replaced by a placeholder on both sides before
  comparing: the trace id, which is random (VARYING below).

Everything else is compared exactly, dates, case numbers, step numbers and document numbers
included. The sessions run on a fresh var/ with the clock at the moment the README was recorded,
so these are the same on every run; they are what the reader types into the next command, and
they are what drifted before (the README showed case -0001 where a reader following it in order
got -0002). A placeholder for them would let that drift, or a promised date computed wrongly,
pass unseen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ELLIPSIS = "..."
# `...`, optionally followed by a note in full-width or ASCII brackets.
_ELISION = re.compile(r"\.\.\.\s*(?:[（(].*[）)])?")
# (pattern, placeholder): what varies from run to run although the clock is fixed.
VARYING: tuple[tuple[re.Pattern[str], str], ...] = (
    # A case's trace id (W3C trace context: 32 lowercase hex digits), random per case.
    (re.compile(r"\b[0-9a-f]{32}\b"), "<trace-id>"),
    # The supervision record's head hash (SHA-256): its entries carry the case's trace ids.
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha-256>"),
)
_ANY_LINES = r"(?:[^\n]*\n)*?"
_ANY_TEXT = r"[^\n]*?"


def lines_of(output: str) -> list[str]:
    """A command's output as compared: lines without trailing spaces, no trailing blank lines."""
    lines = [line.rstrip() for line in output.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def normalise(line: str) -> str:
    line = line.rstrip()
    for pattern, placeholder in VARYING:
        line = pattern.sub(placeholder, line)
    return line


def is_elision(line: str) -> bool:
    return _ELISION.fullmatch(line.strip()) is not None


def _line_pattern(expected: str) -> str:
    return _ANY_TEXT.join(re.escape(part) for part in normalise(expected).split(ELLIPSIS))


def _pattern(expected: Sequence[str]) -> re.Pattern[str]:
    parts = [_ANY_LINES if is_elision(line) else _line_pattern(line) + "\n" for line in expected]
    return re.compile("".join(parts))


def _text(actual: Sequence[str]) -> str:
    return "".join(normalise(line) + "\n" for line in actual)


def matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """Whether the output the README shows stands for `actual` (both as lines_of gives them)."""
    return _pattern(lines_of("\n".join(expected))).fullmatch(_text(actual)) is not None


def line_matches(expected: str, actual: str) -> bool:
    """One README line against one output line (neither an elision of lines)."""
    return re.fullmatch(_line_pattern(expected), normalise(actual)) is not None
