"""The example Prometheus alert rules watch metrics the processes export (tests/e2e/test_metrics.py
finds each of them on a running stack)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.e2e.test_metrics import EVERY_PROCESS, EXPECTED

RULES = Path(__file__).parents[2] / "deploy" / "prometheus" / "alert-rules.yml"


def test_every_alert_rule_watches_an_exported_metric() -> None:
    exported = {name for wants in (EVERY_PROCESS, *EXPECTED.values()) for name, _, _ in wants}
    # A histogram's _count, _sum and _bucket come together.
    families = {re.sub(r"_(count|sum|bucket)$", "", name) for name in exported}
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"][0]["rules"]
    assert {rule["alert"] for rule in rules} >= {
        "TongbanOutboxBacklogGrowing",
        "TongbanBackendUnavailable",
        "TongbanOverdueCasesRising",
    }
    for rule in rules:
        # The metric names, without label matchers and `by (...)` groupings.
        bare = re.sub(r"by \([^)]*\)", "", re.sub(r"\{[^}]*\}", "", rule["expr"]))
        metrics = set(re.findall(r"\b(rpc_[a-z_]+|tongban_[a-z_]+)\b", bare))
        assert metrics, rule["alert"]
        for name in metrics:
            family = re.sub(r"_(count|sum|bucket)$", "", name)
            assert family in families, f"{rule['alert']}: {name} is not exported"
