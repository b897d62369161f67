"""`make bench BENCH_ARGS=--writer-turns`: the timer each service loads
(bench/instruments/sitecustomize.py) and the figures made of its sums (bench/writer_turns.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench import process_sums, writer_turns
from tests.unit.bench_instruments import instruments


def test_a_timed_turn_adds_its_wait_and_its_hold_and_still_serialises_the_writers() -> None:
    timer = instruments()
    lock = threading.Lock()

    @contextmanager
    def turn(_database: object) -> Iterator[None]:
        with lock:
            yield

    sums = dict.fromkeys(("turns", "wait_s", "held_s", "on_core_s", "run_queue_s"), 0.0)
    timed = timer.timed(turn, sums, threading.Lock())
    with timed(None):
        assert lock.locked()
        sum(range(2_000_000))  # on a core while holding the turn
    assert not lock.locked()
    assert sums["turns"] == 1
    assert sums["held_s"] > 0
    assert 0 < sums["on_core_s"] <= sums["held_s"]
    assert sums["run_queue_s"] >= 0
    with pytest.raises(RuntimeError), timed(None):
        raise RuntimeError("a use case that fails still gives its turn back")
    assert sums["turns"] == 2
    assert not lock.locked()


def test_the_figures_say_which_turn_is_held_most_and_the_rate_it_allows(tmp_path: Path) -> None:
    (tmp_path / "approval-11.json").write_text('{"turns": 10, "held_s": 1, "wait_s": 0, "on_core_s": 0.5}')
    (tmp_path / "acceptance-12.json").write_text('{"turns": 5, "held_s": 0.5}')
    before = process_sums.per_service(tmp_path)
    (tmp_path / "approval-11.json").write_text(
        '{"turns": 560, "held_s": 10, "wait_s": 55, "on_core_s": 5, "run_queue_s": 3}'
    )
    (tmp_path / "acceptance-12.json").write_text('{"turns": 305, "held_s": 5.5, "on_core_s": 2}')
    (tmp_path / "gateway-13.json").write_text("{}")  # the gateway has no database
    (tmp_path / "staff-14.tmp").write_text("{")  # being written
    found = writer_turns.figures(
        writer_turns.Window(
            before=before, after=process_sums.per_service(tmp_path), wall_s=10.0, lifecycles_per_s=10.0
        )
    )
    approval = found["services"]["approval"]
    assert approval["turns_per_lifecycle"] == 5.5
    assert approval["held_share"] == 0.9
    assert approval["held_ms"] == pytest.approx(1000 * 9 / 550, abs=0.01)
    assert approval["on_core_ms"] == pytest.approx(1000 * 4.5 / 550, abs=0.01)
    assert approval["run_queue_ms"] == pytest.approx(1000 * 3 / 550, abs=0.01)
    assert approval["allows_per_s"] == pytest.approx(10 / 0.9, abs=0.1)
    assert found["services"]["acceptance"]["held_share"] == 0.5
    assert "gateway" not in found["services"]
    assert found["writer_turn_busiest"] == "approval"
    assert found["lifecycles_allowed_by_writer_turn_sqlite"] == approval["allows_per_s"]
    assert "approval" in writer_turns.table(found)
