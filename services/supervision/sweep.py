"""The sweep: the time-based rules, on the cases due today and on the day itself.

It reads only the cases whose next check has come (an index on it), so a sweep costs what is
due, not what is open. A batch is one transaction: a crash (even kill -9) loses no finding and
doubles none, since each finding is stored once by its key. On PostgreSQL a batch's cases are
claimed with FOR UPDATE SKIP LOCKED, so replicas sweeping together share the work.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlmodel import col, select

from services.common.clock import today as today_of
from services.common.db import Database
from services.supervision.models import CaseWatchRow
from services.supervision.supervising import Supervising

log = logging.getLogger(__name__)
BATCH = 200


@dataclass
class SweepResult:
    cases: int = 0
    alerts: int = 0


@dataclass
class Sweeper:
    """A worker of the supervision server (services.common.server.Worker)."""

    db: Database
    supervising: Supervising
    interval_seconds: float
    _stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sweep(self) -> SweepResult:
        """One pass: the day's findings, then every case due, batch by batch.

        Its statements are not traced (an idle sweep would make a trace a pass); each alert it
        raises about a case is a span in that case's trace (services/supervision/supervising.py).
        """
        with suppress_instrumentation():
            return self._sweep()

    def _sweep(self) -> SweepResult:
        today = today_of(self.supervising.clock)
        result = SweepResult()
        with self.db.transaction() as session:
            result.alerts += len(self.supervising.sweep_day(session, today))
        while not self._stopping.is_set():
            with self.db.transaction() as session:
                query = (
                    select(CaseWatchRow)
                    .where(col(CaseWatchRow.next_check_on) <= today)
                    .order_by(col(CaseWatchRow.next_check_on))
                    .limit(BATCH)
                )
                if not self.db.is_sqlite:
                    query = query.with_for_update(skip_locked=True)
                due = list(session.exec(query).all())
                for watch in due:
                    result.alerts += len(self.supervising.sweep_case(session, watch, today))
            result.cases += len(due)
            if len(due) < BATCH:
                break
        return result

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="supervision-sweep", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                swept = self.sweep()
                if swept.alerts:
                    log.info("sweep: %d cases due, %d alerts raised", swept.cases, swept.alerts)
            except Exception:
                # The database failed; the next pass tries again, and nothing half-done was kept.
                log.exception("sweep failed")
            self._stopping.wait(self.interval_seconds)
