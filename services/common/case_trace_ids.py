"""A case's trace id and root span id, computed from its case number alone.

Every client and service can then put what it does about a case into the case's trace
before it has read the case: a CLI command's first read joins the trace too. The ids are
the first 24 bytes of SHA-256 over a fixed prefix and the case number (W3C trace context
ids need not be random; an all-zero id, invalid in W3C, is practically impossible).
Cases stored before these ids existed keep the ids stored with them.

Only the OpenTelemetry API is imported: the CLI on a window PC uses this module too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import INVALID_SPAN_ID, INVALID_TRACE_ID, SpanContext, TraceFlags

# Changing the prefix moves every future case into other traces: never change it.
_PREFIX = b"tongban.case-trace.v1\x00"


@dataclass(frozen=True)
class CaseTraceIds:
    """The ids as lowercase hex, as cases store them (32 and 16 digits)."""

    trace_id: str
    root_span_id: str

    def root_context(self, provider: trace.TracerProvider | None = None) -> SpanContext:
        """The case's root span as a remote parent: a span made under it joins the case's trace.

        Sampled as `provider`'s sampler (the process's by default) would sample the root.
        """
        trace_id = int(self.trace_id, 16)
        flags = TraceFlags(TraceFlags.SAMPLED if root_sampled(trace_id, provider) else TraceFlags.DEFAULT)
        return SpanContext(
            trace_id=trace_id,
            span_id=int(self.root_span_id, 16),
            is_remote=True,
            trace_flags=flags,
        )


def case_trace_ids(case_no: str) -> CaseTraceIds:
    """The trace id and root span id of the case numbered `case_no`."""
    digest = hashlib.sha256(_PREFIX + case_no.strip().encode("utf-8")).digest()
    trace_id = int.from_bytes(digest[:16], "big")
    span_id = int.from_bytes(digest[16:24], "big")
    # Zero ids mean "no trace" in W3C; nudge them (never happens for a real number).
    trace_id = trace_id if trace_id != INVALID_TRACE_ID else 1
    span_id = span_id if span_id != INVALID_SPAN_ID else 1
    return CaseTraceIds(f"{trace_id:032x}", f"{span_id:016x}")


def root_sampled(trace_id: int, provider: trace.TracerProvider | None = None) -> bool:
    """Whether the process's sampler keeps a root span of this trace (OTEL_TRACES_SAMPLER).

    A span under the case's root inherits this decision, so with a ratio sampler a case's
    trace is kept or dropped whole, in every process, like the root acceptance made.
    """
    sampler: Any = getattr(provider or trace.get_tracer_provider(), "sampler", None)
    if sampler is None:
        return True
    # An empty context: the decision for a root, whatever span is current here.
    return bool(sampler.should_sample(Context(), trace_id, "case").decision.is_sampled())
