"""Each backend gets its own share of the gateway's threads (a bulkhead).

A call waiting on a backend holds a gateway thread; without a bound, callers waiting on one
hung backend fill every thread and every other backend, and the gateway's own health check,
wait behind them. With a share per backend, a hung backend holds at most its share; its extra
callers are refused at once (RESOURCE_EXHAUSTED) and the other backends keep their threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


class ShareFull(Exception):
    """The backend already has its share of calls in flight."""


class Bulkhead:
    def __init__(self, areas: Iterable[str], share: int) -> None:
        if share < 1:
            raise ValueError("a backend's share is at least one call")
        self.share = share
        self._slots = {area: threading.BoundedSemaphore(share) for area in areas}

    @contextmanager
    def call(self, area: str) -> Iterator[None]:
        """Hold one of the backend's slots for the call; ShareFull when none is free (never waits)."""
        slots = self._slots[area]
        if not slots.acquire(blocking=False):
            raise ShareFull(area)
        try:
            yield
        finally:
            slots.release()
