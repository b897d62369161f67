"""Log lines: readable text for a local run, one JSON object a line on stdout in a container.

`TONGBAN_LOG_FORMAT=json` (the Kubernetes manifests set it) gives each record as
{"time", "level", "component", "logger", "message"}, with the current trace and span ids when
a span is active and the traceback when there is one, so the cluster's log collector indexes
the fields and a line leads to its trace. Messages never hold applicants' personal data
(ARCHITECTURE.md, Tracing); this formatter adds none.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from opentelemetry import trace


class JsonFormatter(logging.Formatter):
    def __init__(self, component: str) -> None:
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "component": self.component,
            "logger": record.name,
            "message": record.getMessage(),
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = f"{span.trace_id:032x}"
            entry["span_id"] = f"{span.span_id:016x}"
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(component: str, log_format: str, *, text_format: str) -> None:
    """Send INFO and above to stdout as JSON, or to stderr as `text_format` lines."""
    if log_format == "json":
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter(component))
        logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    else:
        logging.basicConfig(level=logging.INFO, format=text_format)
