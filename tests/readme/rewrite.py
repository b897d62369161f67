"""Re-recording: the README with each session's output replaced by what a real run printed.

An output that still matches is left exactly as it is. One that does not is rebuilt from the
lines the run printed, keeping what the README's editor chose where it still fits:
- each README line that still matches a printed line stays as the README has it (an elided
  English half stays elided; a trace id does not change with every re-recording);
- a README line that changed is replaced by the printed line most like it, so a line the editor
  chose to show stays shown with its new content;
- an elision (`...`) stays and goes on standing for the printed lines between the lines kept
  around it; printed lines that nothing in the README stands for are shown.
What no longer fits goes: look at `git diff README.md` and elide again by hand where the
output grew.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from tests.readme.matching import is_elision, line_matches, matches, normalise
from tests.readme.sessions import PROMPT, Command

# How alike a changed line must be to a printed one to take its place (difflib's ratio).
SIMILAR = 0.6


def _exact(line: str, actual: Sequence[str], start: int) -> int | None:
    return next((k for k in range(start, len(actual)) if line_matches(line, actual[k])), None)


def _similar(line: str, actual: Sequence[str], start: int, stop: int) -> int | None:
    scored = [
        (difflib.SequenceMatcher(None, normalise(line), normalise(actual[k])).ratio(), -k)
        for k in range(start, stop)
    ]
    best = max(scored, default=(0.0, 0))
    return -best[1] if best[0] >= SIMILAR else None


def _next_anchor(later: Sequence[str], actual: Sequence[str], start: int) -> int:
    """Where the first of the later README lines that is still printed as it is was printed."""
    for line in later:
        if not is_elision(line):
            found = _exact(line, actual, start)
            if found is not None:
                return found
    return len(actual)


def re_recorded_output(expected: Sequence[str], actual: Sequence[str]) -> list[str]:
    """The lines to show for a command that printed `actual` where the README shows `expected`."""
    if matches(expected, actual):
        return list(expected)
    shown: list[str] = []
    start = 0  # the first printed line not yet shown or elided
    eliding = False  # an elision was kept and no line after it yet
    for i, line in enumerate(expected):
        if is_elision(line):
            shown.append(line)
            eliding = True
            continue
        found = _exact(line, actual, start)
        kept = line
        if found is None:
            found = _similar(line, actual, start, _next_anchor(expected[i + 1 :], actual, start))
            if found is None:
                continue  # gone: whatever was printed in its place is shown further on
            kept = actual[found]
        if not eliding:
            shown.extend(actual[start:found])
        shown.append(kept)
        eliding = False
        start = found + 1
    if not eliding:
        shown.extend(actual[start:])
    return shown


def re_recorded(markdown: str, outputs: Sequence[tuple[Command, Sequence[str]]]) -> str:
    """The Markdown file with every command's output re-recorded from (command, printed lines)."""
    lines = markdown.splitlines()
    # From the bottom up, so the positions of the commands above stay right.
    for command, actual in sorted(outputs, key=lambda pair: pair[0].output_start, reverse=True):
        shown = re_recorded_output(command.expected, actual)
        followed_by_command = command.output_end < len(lines) and lines[command.output_end].startswith(PROMPT)
        if shown and followed_by_command:
            shown.append("")  # a command that now prints something is set apart from the next
        lines[command.output_start : command.output_end] = shown
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")
