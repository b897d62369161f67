"""What every use case of a service works with: its database, its clock and the calendar.

Commands (use cases that write) run through `once()`: one transaction with the request's
idempotency key, so a retry with the same request_id returns the first result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from google.protobuf.message import Message
from sqlmodel import Session

from services.common.calendar import WorkingCalendar
from services.common.calls import CallContext
from services.common.clock import Clock
from services.common.clock import today as today_of
from services.common.db import Database
from services.common.idempotency import RequestKey, run_once

Response = TypeVar("Response", bound=Message)


@dataclass(frozen=True)
class UseCases:
    db: Database
    clock: Clock
    calendar: WorkingCalendar

    def today(self) -> date:
        return today_of(self.clock)

    def once(
        self,
        call: CallContext,
        method: str,
        request: Any,
        response_type: type[Response],
        use_case: Callable[[Session], Response],
    ) -> Response:
        """Run `use_case` in one transaction, at most once per caller's request_id (replays the first
        result of the same caller's same request; another caller's same id is another request)."""
        return run_once(
            self.db,
            self.clock,
            key=RequestKey(call.caller.user_id, method, request.request_id),
            request=request,
            response_type=response_type,
            use_case=use_case,
        )
