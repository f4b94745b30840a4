"""At most one event per product per interval, and never a lost last level.

A trailing-edge throttle: a product that changed is *pending*; it is due when its last
event is at least `interval` old (or it never had one). Whoever sends reads the level
when the product is due, so however many changes were held back, the one event sent
carries the latest level.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class Coalescer(Generic[K]):
    def __init__(self, interval: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self.pending: dict[K, None] = {}  # ordered: the first changed is the first sent
        self._sent_at: dict[K, float] = {}

    def add(self, key: K) -> None:
        self.pending[key] = None

    def _ready_at(self, key: K) -> float:
        return self._sent_at.get(key, float("-inf")) + self.interval

    def take_due(self) -> list[K]:
        """The pending keys whose time has come, marked as sent now."""
        now = self.clock()
        due = [key for key in self.pending if self._ready_at(key) <= now]
        for key in due:
            del self.pending[key]
            self._sent_at[key] = now
        # forget sends older than the interval: they hold nothing back any more
        for key in [k for k, at in self._sent_at.items() if at + self.interval <= now]:
            if key not in self.pending:
                del self._sent_at[key]
        return due

    def give_back(self, keys: list[K]) -> None:
        """Keys taken but not sent after all (a publish failed): pending again, due at once."""
        for key in keys:
            self._sent_at.pop(key, None)
            self.pending[key] = None

    def next_due_in(self) -> float | None:
        """Seconds until the first pending key is due (0: now); None when nothing waits."""
        if not self.pending:
            return None
        now = self.clock()
        return max(0.0, min(self._ready_at(key) for key in self.pending) - now)
