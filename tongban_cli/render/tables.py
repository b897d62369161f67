"""Columns for the terminal: CJK characters take two columns."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence


def cell_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """Columns padded to the widest cell (CJK-aware); the last column is not padded."""
    body = [list(headers), *(list(row) for row in rows)]
    widths = [max(cell_width(row[i]) for row in body) for i in range(len(headers))]
    lines: list[str] = []
    for row in body:
        cells = [cell + " " * (widths[i] - cell_width(cell)) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def one_line(text: str) -> str:
    """A table cell: a line break or tab in what a service sent must not break the table."""
    return " ".join(text.split())
