"""`make bench BENCH_ARGS=--statements`: what the counter calls each statement, and the figures
made of the counts (bench/instruments/sitecustomize.py, bench/statement_counts.py)."""

from __future__ import annotations

from pathlib import Path

from bench import statement_counts
from tests.unit.bench_instruments import instruments


def test_statements_are_named_by_verb_and_table_never_by_values() -> None:
    kind = instruments().kind
    assert kind("SELECT steps.case_no, steps.number FROM steps WHERE steps.case_no = ?") == "SELECT steps"
    assert kind('INSERT INTO "outbox" (event_id) VALUES (%(event_id)s)') == "INSERT outbox"
    assert kind("UPDATE case_watches SET closed=? WHERE case_watches.case_no = ?") == "UPDATE case_watches"
    assert kind("DELETE FROM alerts") == "DELETE alerts"
    assert kind("SAVEPOINT sa_savepoint_1") == "SAVEPOINT"
    assert kind("BEGIN IMMEDIATE") == "BEGIN"


def test_the_figures_count_what_the_window_added_per_lifecycle(tmp_path: Path) -> None:
    (tmp_path / "approval-11.json").write_text('{"INSERT steps": 5, "BEGIN": 2}')
    before = statement_counts.read(tmp_path)
    (tmp_path / "approval-11.json").write_text('{"INSERT steps": 15, "BEGIN": 12}')
    (tmp_path / "approval-12.json").write_text('{"BEGIN": 10}')  # a second process of approval
    (tmp_path / "gateway-13.json").write_text("{}")
    figures = statement_counts.per_lifecycle(
        statement_counts.difference(statement_counts.read(tmp_path), before), 2
    )
    assert figures["services"] == {
        "approval": {"total": 15.0, "by_kind": {"BEGIN": 10.0, "INSERT steps": 5.0}}
    }
    assert figures["statements_per_lifecycle_sqlite"] == 15.0
    assert "approval" in statement_counts.table(figures)
