"""The metric exporters named in OTEL_METRICS_EXPORTER resolve as the deployments name them:
`otlp` (Kubernetes, to the collector) and `prometheus` (a process's own /metrics)."""

from __future__ import annotations

import pytest
from opentelemetry.sdk._configuration import _import_exporters

from services.common.metrics import exporter_names


@pytest.mark.parametrize(
    ("named", "protocol", "resolved"),
    [
        ("otlp", "", ["otlp_proto_grpc"]),
        ("otlp", "http/protobuf", ["otlp_proto_http"]),
        ("prometheus", "", ["prometheus"]),
        ("none", "", []),
        ("", "", []),
    ],
)
def test_each_named_exporter_resolves_to_an_installed_one(
    monkeypatch: pytest.MonkeyPatch, named: str, protocol: str, resolved: list[str]
) -> None:
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", named)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", protocol or "grpc")
    names = exporter_names()
    assert names == resolved
    _traces, classes, _logs = _import_exporters([], names, [])
    assert sorted(classes) == sorted(resolved)
