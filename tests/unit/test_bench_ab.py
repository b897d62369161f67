"""`make bench BENCH_ARGS="--against REV"` reads each run's figures back from what
`--lifecycles-only` prints (bench/ab.py): per lifecycle, per process, the machine left out."""

from __future__ import annotations

from bench import ab


def test_the_printed_lifecycle_line_reads_back_per_lifecycle_and_per_process() -> None:
    stack = {"acceptance": 0.4, "approval": 0.7, "gateway": 0.2}
    cores = {**stack, "loadgen": 0.09, "machine": 1.7, "others": 0.05}
    line = ab.summary_line(12.5, 131.2, {"writes_per_lifecycle": 7.0}, cores)
    figures = ab.read_line(f"starting…\n{line}\n")
    assert figures == {
        "lifecycles_per_s": 12.5,
        "cpu_ms_per_lifecycle": 131.2,
        "process_cpu_ms": {"acceptance": 32.0, "approval": 56.0, "gateway": 16.0},
        "others_cores": 0.05,
    }
    assert ab.read_line("Traceback (most recent call last): …") is None
