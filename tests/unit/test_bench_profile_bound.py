"""The profile's bound (`python -m bench --profile`): what a lifecycle would cost, and the rate
the cores would allow, if one cost the profile names cost nothing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bench import profiling

ORM = profiling.ORM
_SESSION = "execute (/v/site-packages/sqlalchemy/orm/session.py:1)"
_HANDLER = "complete (/repo/services/approval/commands/steps.py:1)"


def _folded(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / f"{name}.folded.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    return path


def test_a_topic_counts_for_the_samples_where_it_is_the_innermost_cost(tmp_path: Path) -> None:
    folded = _folded(tmp_path, "approval", [f"{_HANDLER};{_SESSION} 3", f"{_HANDLER} 1"])
    shares = profiling.topic_shares(folded)
    assert shares[ORM] == pytest.approx(0.75)
    assert shares[profiling.OTHER] == pytest.approx(0.25)
    assert sum(shares.values()) == pytest.approx(1.0)


def test_the_bound_takes_each_process_share_from_its_cpu_and_leaves_the_others() -> None:
    shares = {"approval": {ORM: 0.5}, "gateway": {ORM: 0.0}}
    cores = {"approval": 0.6, "gateway": 0.3, "loadgen": 0.1, "machine": 1.0, "others": 0.2}
    bound = profiling.bound_without(ORM, shares, cores, lifecycles_per_s=20.0, cores=2)
    # 30, 15 and 5 ms per lifecycle; approval's half goes; py-spy ("others") is not the run's.
    assert bound.cpu_ms == pytest.approx({"approval": 30.0, "gateway": 15.0, "loadgen": 5.0})
    assert bound.without_ms == pytest.approx({"approval": 15.0, "gateway": 15.0, "loadgen": 5.0})
    assert bound.lifecycles_per_s_at_most == pytest.approx(2000 / 35)
    table = profiling.bound_table(bound)
    assert "at most ×1.43 this run's lifecycles a second" in table
    assert "at most **57 lifecycles a second**" in table
