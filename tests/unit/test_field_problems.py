"""What a clerk reads about a wrong field is in Chinese as well as English: the description of
every field violation the services raise (google.rpc.BadRequest), which the CLI prints."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.errors import DomainError
from services.common.paging import after_id, page_limit, page_window

SERVICES = Path(__file__).resolve().parents[2] / "services"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _literal_descriptions() -> Iterator[tuple[str, str]]:
    """(where, text) of each FieldProblem(...) whose description is written in the call."""
    for path in sorted(SERVICES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "FieldProblem"):
                continue
            described = [k.value for k in node.keywords if k.arg == "description"] + node.args[1:2]
            for argument in described:
                parts = argument.values if isinstance(argument, ast.JoinedStr) else [argument]
                text = "".join(
                    p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)
                )
                if text:
                    yield f"{path.relative_to(SERVICES.parent)}:{node.lineno}", text


def test_every_field_violation_written_in_the_services_is_in_chinese_too() -> None:
    found = list(_literal_descriptions())
    assert len(found) >= 10, "no FieldProblem calls found: has the helper been renamed?"
    assert [(where, text) for where, text in found if not CHINESE.search(text)] == []


@pytest.mark.parametrize(
    "refused",
    [lambda: page_window(20, "not-a-token"), lambda: after_id("bm90LWFmdGVy"), lambda: page_limit(-1)],
)
def test_a_bad_page_request_names_the_field_in_chinese_and_english(refused: object) -> None:
    with pytest.raises(DomainError) as error:
        refused()  # type: ignore[operator]

    (violation,) = error.value.details[0].field_violations
    assert CHINESE.search(violation.description) and " / " in violation.description
