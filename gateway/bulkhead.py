"""Each backend gets its own share of the calls the gateway has in flight (a bulkhead).

Without a bound, callers waiting on one hung backend pile up without end: on the gRPC front each
is a suspended call holding memory and a connection's stream, in the browser edge each holds one
of its threads, and calls to the other backends queue behind them there. With a share per
backend, a hung backend holds at most its share; its extra callers are refused at once
(RESOURCE_EXHAUSTED) and the other backends keep the rest. The slots are taken without waiting,
so the gRPC front's event loop and the edge's threads share them safely.
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
