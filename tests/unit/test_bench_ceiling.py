"""The lifecycle's ceiling in `make bench`'s results: the gateway's echo rate over the calls a
lifecycle makes through the gateway, beside the stack's and the peer's rates."""

from __future__ import annotations

from bench import report


def test_the_ceiling_is_the_echo_rate_over_the_calls_of_a_lifecycle() -> None:
    figures: dict[str, float | None] = {
        "echo_gateway_qps": 1260.0,
        "lifecycles_per_s_sqlite": 30.0,
        "peer_lifecycles_per_s": 120.0,
    }
    calls = {"writes_per_lifecycle": 7.0, "reads_per_lifecycle": 5.6, "polls_missed_per_lifecycle": 3.6}
    assert report._ceiling(figures, calls) == {
        "lifecycle_gateway_calls_sqlite": 12.6,
        "lifecycles_ceiling_per_s_sqlite": 100.0,
        "lifecycles_vs_ceiling": 0.3,
        "peer_vs_ceiling": 1.2,
    }


def test_no_ceiling_without_the_lifecycle_or_the_echo() -> None:
    assert report._ceiling({"echo_gateway_qps": 1260.0}, None) == {}
    calls = {"writes_per_lifecycle": 7.0, "reads_per_lifecycle": 5.6}
    assert report._ceiling({"echo_gateway_qps": None}, calls) == {}
