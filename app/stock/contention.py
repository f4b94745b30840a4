"""Noticing a product whose purchases collide: the signal that its stock needs more buckets.

On AWS, two transactions that write the same item at the same moment cancel one of them
(`TransactionConflict`), and an item written faster than its partition allows is throttled
(`ThrottlingError`). Either, on a stock bucket, says that the product sells faster than its
buckets can take. The stock engine reports each one here; a product that collides
`threshold` times within WINDOW_SECONDS in this process is due to be spread over more
buckets (app/stock/spreading.py), at most once per COOLDOWN_SECONDS per process, so that a
crowd of processes does not try at once and a spread that loses a race is tried again later.

The counts are per process (each Lambda container keeps its own): no shared state, no extra
round trip; a product busy enough to need more buckets collides in every process serving it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable

from app.core import caches

WINDOW_SECONDS = 10.0
COOLDOWN_SECONDS = 30.0
MAX_TRACKED = 10_000  # products remembered per process (the least recently colliding go)

# the codes a cancelled transaction gives a bucket it could not write because of other writes
COLLISION_CODES = frozenset({"TransactionConflict", "ThrottlingError"})


class ContentionTracker:
    """Collisions per product (by a key naming the store and the product), in one process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._collisions: OrderedDict[str, deque[float]] = OrderedDict()
        self._tried: dict[str, float] = {}

    def collided(self, keys: Iterable[str]) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                seen = self._collisions.setdefault(key, deque())
                seen.append(now)
                self._collisions.move_to_end(key)
                self._forget_old(seen, now)
            while len(self._collisions) > MAX_TRACKED:
                forgotten, _ = self._collisions.popitem(last=False)
                self._tried.pop(forgotten, None)

    def take_due(self, keys: Iterable[str], threshold: int) -> list[str]:
        """The keys due a spread (at least `threshold` recent collisions, not tried lately);
        each is marked tried, so only one caller in the process acts on it."""
        now = self._clock()
        due = []
        with self._lock:
            for key in keys:
                seen = self._collisions.get(key)
                if seen is None:
                    continue
                self._forget_old(seen, now)
                tried_lately = key in self._tried and now - self._tried[key] < COOLDOWN_SECONDS
                if len(seen) < threshold or tried_lately:
                    continue
                self._tried[key] = now
                seen.clear()
                due.append(key)
        return due

    def reset(self, clock: Callable[[], float] | None = None) -> None:
        """Forget every collision (and, for tests, read time from `clock` from now on)."""
        with self._lock:
            self._collisions.clear()
            self._tried.clear()
            if clock is not None:
                self._clock = clock

    @staticmethod
    def _forget_old(seen: deque[float], now: float) -> None:
        while seen and now - seen[0] > WINDOW_SECONDS:
            seen.popleft()


tracker = ContentionTracker()
caches.register("stock.contention", tracker.reset)
