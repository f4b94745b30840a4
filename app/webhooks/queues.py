"""Where deliveries wait for their next attempt.

On AWS: the stack's SQS queue (`WEBHOOK_QUEUE_URL`), drained by the webhook function
(app/webhook_handler.py), which sets a failed message's visibility timeout to the backoff
before it is tried again. Under `make run` (and in tests) a thread of this process keeps
the same schedule: `LocalDeliveries`.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Protocol

from app.core import caches
from app.webhooks.delivery import Message, Outcome

logger = logging.getLogger(__name__)

SQS_BATCH = 10


class DeliveryQueue(Protocol):
    def send(self, messages: Sequence[Message]) -> None: ...


class SqsDeliveries:
    def __init__(self, queue_url: str, client: Any = None) -> None:
        self.queue_url = queue_url
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("sqs")
        return self._client

    def send(self, messages: Sequence[Message]) -> None:
        """Every message sent, or an exception (the caller retries the whole batch)."""
        for start in range(0, len(messages), SQS_BATCH):
            chunk = messages[start : start + SQS_BATCH]
            answer = self.client.send_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(n), "MessageBody": json.dumps(m)} for n, m in enumerate(chunk)],
            )
            if answer.get("Failed"):
                raise RuntimeError(f"SQS refused {len(answer['Failed'])} webhook deliveries")


class LocalDeliveries:
    """The queue and the worker in one: messages wait in a heap until due, one thread tries
    them in turn, a retry goes back in with its delay, a dead delivery is logged."""

    def __init__(
        self, attempt: Callable[[Message], Outcome], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.attempt = attempt
        self.clock = clock
        self._due: list[tuple[float, int, Message]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self.dead: list[Message] = []

    def send(self, messages: Sequence[Message]) -> None:
        with self._wake:
            for item in messages:
                heapq.heappush(self._due, (self.clock(), next(self._order), item))
            self._wake.notify()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
                self._thread.start()

    def _next(self) -> Message:
        with self._wake:
            while True:
                if self._due:
                    wait = self._due[0][0] - self.clock()
                    if wait <= 0:
                        return heapq.heappop(self._due)[2]
                    self._wake.wait(wait)
                else:
                    self._wake.wait()

    def _run(self) -> None:
        while True:
            item = self._next()
            try:
                outcome = self.attempt(item)
            except Exception:
                logger.exception(
                    "webhook delivery %s failed; retrying in 60 s", item.get("event_id")
                )
                outcome = Outcome("retry", 60)
            if outcome.kind == "retry":
                with self._wake:
                    heapq.heappush(
                        self._due, (self.clock() + outcome.delay, next(self._order), item)
                    )
            elif outcome.kind == "dead":
                self.dead.append(item)

    def pending(self) -> int:
        with self._wake:
            return len(self._due)


@lru_cache(maxsize=1)
def delivery_queue() -> DeliveryQueue:
    """The stack's queue on AWS; this process's own otherwise."""
    from app.core.config import get_settings
    from app.stores import tenancy
    from app.webhooks import delivery

    settings = get_settings()
    if settings.webhook_queue_url:
        return SqsDeliveries(settings.webhook_queue_url)
    allow_loopback = settings.app_env != "prod"
    return LocalDeliveries(
        lambda item: delivery.attempt(tenancy.store_table, item, allow_loopback=allow_loopback)
    )


caches.register("webhooks.queue", delivery_queue.cache_clear)
