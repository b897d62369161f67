"""`python -m bench --use-cases` drives each use case for the cases it prepares, and says what a call cost."""

from __future__ import annotations

from pathlib import Path

from bench import use_cases


def test_the_use_case_bench_answers_every_step_and_submits_each_case_after_the_warm_up(
    tmp_path: Path,
) -> None:
    found = {one["use_case"]: one for one in use_cases.run(tmp_path, cases=use_cases.WARM_UP + 3)}

    # The planning permit's flow: the township's initial review, then three departments in parallel.
    assert found["approval CompleteStep"]["calls"] == 3 * 4
    # One application per case, accepted at once; one review opened per case.
    assert found["acceptance SubmitApplication"]["calls"] == 3
    assert found["approval opens a review (CaseAccepted applied)"]["calls"] == 3
    assert all(one["cpu_ms_per_call"] > 0 for one in found.values())
