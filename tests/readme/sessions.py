"""The shell sessions of a Markdown file: each `$ ` command of its fenced code blocks and the
output shown under it, with where that output sits in the file so it can be re-recorded.

A command is a line starting with `$ ` inside a fenced block (```), plus the lines it continues
onto with a trailing backslash, as bash reads them. Its output is every line after it up to the
next `$ ` line or the end of the block; blank lines closing it only separate it from the next
command. Fenced blocks without a `$ ` line (make targets, grpcurl, a status printout) are not
sessions and are not run.
"""

from __future__ import annotations

from dataclasses import dataclass

PROMPT = "$ "
FENCE = "```"


@dataclass(frozen=True)
class Command:
    # What bash is given: the command and its continuation lines, without the prompt.
    text: str
    # 1-based line of the `$ ` in the file, for messages.
    line: int
    # The output's lines in the file: lines[output_start:output_end] (0-based, end excluded).
    output_start: int
    output_end: int
    expected: tuple[str, ...]


def commands_of(markdown: str) -> list[Command]:
    """Every session command of the file, in the file's order."""
    lines = markdown.splitlines()
    found: list[Command] = []
    in_block = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(FENCE):
            in_block = not in_block
            i += 1
        elif in_block and line.startswith(PROMPT):
            command, i = _command_at(lines, i)
            found.append(command)
        else:
            i += 1
    return found


def _command_at(lines: list[str], start: int) -> tuple[Command, int]:
    """The command whose `$ ` line is lines[start], and the index of the line after its output."""
    parts = [lines[start][len(PROMPT) :]]
    i = start + 1
    while parts[-1].endswith("\\") and i < len(lines) and not lines[i].startswith(FENCE):
        parts.append(lines[i])
        i += 1
    output_start = i
    while i < len(lines) and not lines[i].startswith((PROMPT, FENCE)):
        i += 1
    output_end = i
    while output_end > output_start and not lines[output_end - 1].strip():
        output_end -= 1
    command = Command(
        text="\n".join(parts),
        line=start + 1,
        output_start=output_start,
        output_end=output_end,
        expected=tuple(lines[output_start:output_end]),
    )
    return command, i
