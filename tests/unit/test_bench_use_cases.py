"""`python -m bench --use-cases` answers every step of the cases it opens, and says what a call cost."""

from __future__ import annotations

from pathlib import Path

from bench import use_cases


def test_the_use_case_bench_answers_every_step_of_each_case_after_the_warm_up(tmp_path: Path) -> None:
    found = use_cases.run(tmp_path, cases=use_cases.WARM_UP + 3)

    # The planning permit's flow: the township's initial review, then three departments in parallel.
    assert found["calls"] == 3 * 4
    assert found["cpu_ms_per_call"] > 0
