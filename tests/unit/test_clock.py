"""The clock a process runs on: the machine's, moved by an offset, or a file's."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from services.common.clock import CHINA, FileClock, SystemClock, clock_from, today


def test_an_offset_clock_reads_the_chosen_day_and_time_runs_on() -> None:
    chosen = datetime(2026, 3, 2, 9, 30, tzinfo=CHINA)
    clock = clock_from(None, (chosen - datetime.now(CHINA)).total_seconds())

    first = clock.now()
    second = clock.now()

    assert abs(first - chosen) < timedelta(seconds=5)
    assert today(clock).isoformat() == "2026-03-02"
    assert second >= first


def test_two_processes_given_one_offset_agree_on_the_time() -> None:
    offset = -86_400.0 * 200
    one, other = clock_from(None, offset), clock_from(None, offset)

    assert abs(one.now() - other.now()) < timedelta(seconds=1)
    assert abs(one.now() - (SystemClock().now() + timedelta(seconds=offset))) < timedelta(seconds=1)


def test_a_clock_file_wins_over_an_offset(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    path.write_text("2026-12-04T09:30:00+08:00")

    clock = clock_from(path, 3600.0)

    assert isinstance(clock, FileClock)
    assert clock.now() == datetime(2026, 12, 4, 9, 30, tzinfo=CHINA)
