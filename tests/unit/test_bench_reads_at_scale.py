"""`python -m bench --reads-at-scale` times the window's case list and supervision's reading of a
completed case at two sizes, through the product's own functions, on data they find."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import reads_at_scale
from services.acceptance.repository import list_cases
from services.supervision import watches


def test_each_read_finds_what_was_written_and_is_timed_at_both_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reads_at_scale, "SIZES", {"1k": 30, "100k": 90})
    monkeypatch.setattr(reads_at_scale, "CALLS", 3)
    found: dict[str, object] = {}
    originals = (list_cases, watches.watched)

    def listed(*args: object, **kwargs: object) -> object:
        rows, total = originals[0](*args, **kwargs)  # type: ignore[arg-type]
        found["page"], found["total"] = [row.case_no for row in rows], total
        return rows, total

    def read(*args: object, **kwargs: object) -> object:
        case = originals[1](*args, **kwargs)  # type: ignore[arg-type]
        found["recent"] = case.department_recent_on_time
        return case

    monkeypatch.setattr(reads_at_scale, "list_cases", listed)
    monkeypatch.setattr(watches, "watched", read)
    figures = reads_at_scale.run(tmp_path)

    # The last run was the larger size: a full page, newest first, out of every case of the site.
    assert found["total"] == 90
    page = found["page"]
    assert isinstance(page, list) and len(page) == 20 and page == sorted(page, reverse=True)
    # The rare department's two completions (the first rows: on time, as n % 7 != 0 says of row 1,
    # not of row 0), newest first.
    assert found["recent"] == (True, False)
    for name in ("case_list_page", "completed_case_read"):
        assert figures[f"{name}_ms_1k"] > 0 and figures[f"{name}_ms_100k"] > 0
        assert figures[f"{name}_100k_vs_1k"] > 0
    assert not list(tmp_path.rglob("*.db"))
