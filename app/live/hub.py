"""The local stand-in for AppSync Events' fan-out: subscriptions of the WebSocket
connections this process serves (app/live/realtime.py), and publishing to them.

Thread-safe: the stream poller publishes from its own thread; each connection's messages
are handed to its event loop with `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.core import caches
from app.live import channels


@dataclass(frozen=True)
class Subscription:
    connection: int
    id: str
    channel: list[str]
    outbox: asyncio.Queue[dict[str, Any]]
    loop: asyncio.AbstractEventLoop


class Hub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: dict[tuple[int, str], Subscription] = {}

    def subscribe(self, subscription: Subscription) -> bool:
        """False when the connection already has a subscription with that id."""
        key = (subscription.connection, subscription.id)
        with self._lock:
            if key in self._subscriptions:
                return False
            self._subscriptions[key] = subscription
            return True

    def unsubscribe(self, connection: int, subscription_id: str) -> bool:
        with self._lock:
            return self._subscriptions.pop((connection, subscription_id), None) is not None

    def drop(self, connection: int) -> None:
        with self._lock:
            for key in [key for key in self._subscriptions if key[0] == connection]:
                del self._subscriptions[key]

    def publish(self, channel: str, events: Sequence[str]) -> None:
        published = channels.segments(channel, wildcard=False)
        if published is None:
            raise ValueError(f"not a channel: {channel!r}")
        with self._lock:
            targets = [
                s for s in self._subscriptions.values() if channels.matches(s.channel, published)
            ]
        for subscription in targets:
            for event in events:
                message = {"type": "data", "id": subscription.id, "event": event}
                subscription.loop.call_soon_threadsafe(subscription.outbox.put_nowait, message)


@lru_cache(maxsize=1)
def get_hub() -> Hub:
    return Hub()


caches.register("live.hub", get_hub.cache_clear)


class HubPublisher:
    """The consumer's publisher under `make run`: straight to this process's subscribers."""

    def publish(self, channel: str, events: Sequence[str]) -> None:
        get_hub().publish(channel, events)
