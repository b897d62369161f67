"""A bounded map whose entries expire: what was checked lately, kept until it must be checked again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Key = TypeVar("Key")
Value = TypeVar("Value")


class Expiring(Generic[Key, Value]):
    """Entries live until their own time (on the clock `now` reads); the oldest go first when
    more than `most` are kept. Safe to share between threads."""

    def __init__(self, now: Callable[[], float], *, most: int = 10_000) -> None:
        self._now = now
        self._most = most
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, tuple[float, Value]] = OrderedDict()

    def get(self, key: Key) -> Value | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= self._now():
                del self._entries[key]
                return None
            return entry[1]

    def put(self, key: Key, value: Value, until: float) -> None:
        with self._lock:
            self._entries[key] = (until, value)
            self._entries.move_to_end(key)
            # The oldest first: those expired (never asked for again) and those past the bound.
            now = self._now()
            while self._entries and (
                len(self._entries) > self._most or next(iter(self._entries.values()))[0] <= now
            ):
                self._entries.popitem(last=False)
