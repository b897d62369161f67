"""Exporters, sampler and service name come from the standard OTEL_* variables."""

from __future__ import annotations

import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter
from opentelemetry.sdk.trace import sampling
from opentelemetry.sdk.trace.export import ConsoleSpanExporter

from services.common.case_trace_ids import case_trace_ids, root_sampled
from services.common.telemetry import build_tracer_provider, exporter_names, span_exporters

_VARIABLES = [
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_SERVICE_NAME",
]


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_nothing_set_exports_nothing() -> None:
    assert exporter_names() == [] and span_exporters() == []


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        # An endpoint alone means the specification's default exporter, otlp (over gRPC).
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"}, [GrpcExporter]),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, [GrpcExporter]),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"}, [HttpExporter]),
        (
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"},
            [HttpExporter],
        ),
        ({"OTEL_TRACES_EXPORTER": "console,otlp"}, [ConsoleSpanExporter, GrpcExporter]),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"}, []),
    ],
)
def test_exporters_as_the_sdk_reads_the_variables(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: list[type]
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert [type(exporter) for exporter in span_exporters()] == expected


def test_the_sampler_and_service_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "tongban-acceptance-a")
    provider = build_tracer_provider("tongban-acceptance")
    assert isinstance(provider.sampler, sampling.ParentBased)
    assert "0.25" in provider.sampler.get_description()
    assert provider.resource.attributes["service.name"] == "tongban-acceptance-a"
    # A case's trace is kept or dropped whole: clients mark the root as its sampler would.
    decisions = [root_sampled(int(case_trace_ids(f"C-{n}").trace_id, 16), provider) for n in range(400)]
    assert 40 < sum(decisions) < 160
    for n, kept in enumerate(decisions[:50]):
        assert case_trace_ids(f"C-{n}").root_context(provider).trace_flags.sampled == kept


def test_an_unsampled_process_samples_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    provider = build_tracer_provider("tongban-acceptance")
    with provider.get_tracer("t").start_as_current_span("x") as span:
        assert not span.is_recording()
