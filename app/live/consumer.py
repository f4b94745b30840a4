"""The stream consumer for live stock: from stock changes to one event per product.

`add()` takes a batch of change-stream records; `flush()` publishes, for every product
that is due (app/live/coalescing.py), the product's total across all its buckets, read
strongly consistently at that moment: a bucket's own image tells only its part of a
product spread over several buckets, and a read made after the change can only be newer,
so the event never carries a partial or an outdated level. One BatchGetItem per store
per flush reads every due product of that store (definition and buckets; 100 keys per
round trip). A product that is gone gets a `deleted` event.

The same code runs in the stream Lambda (app/stream_handler.py: `drain()` before
returning) and under `make run` (app/live/local_stream.py: `flush()` on every poll).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from app.core.timeutil import now_iso
from app.db.table import Table
from app.live import channels
from app.live.coalescing import Coalescer
from app.live.stream import touched_products
from app.stock.reading import read_products

logger = logging.getLogger(__name__)

# products read per BatchGetItem: with up to 3 buckets each, within its 100 keys
READ_CHUNK = 25


class Publisher(Protocol):
    def publish(self, channel: str, events: Sequence[str]) -> None: ...


class PublishError(Exception):
    """A channel's events could not be published."""


ProductKey = tuple[str, str]  # (store, product id)


class LiveStock:
    def __init__(
        self,
        publisher: Publisher,
        table_for_store: Callable[[str], Table],
        *,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.publisher = publisher
        self.table_for_store = table_for_store
        self.coalescer: Coalescer[ProductKey] = Coalescer(interval, clock)
        self.first_sequence: dict[ProductKey, str] = {}  # of the records still unpublished
        self.published = 0

    def add(self, records: Iterable[Mapping[str, Any]]) -> None:
        for touched in touched_products(records):
            key = (touched.store, touched.product_id)
            self.first_sequence.setdefault(key, touched.first_sequence)
            self.coalescer.add(key)

    def flush(self) -> list[ProductKey]:
        """Publish every due product's level; the products that failed (pending again)."""
        due = self.coalescer.take_due()
        by_store: dict[str, list[str]] = defaultdict(list)
        for store, product_id in due:
            by_store[store].append(product_id)
        failed: list[ProductKey] = []
        for store, product_ids in by_store.items():
            for start in range(0, len(product_ids), READ_CHUNK):
                chunk = product_ids[start : start + READ_CHUNK]
                failed += self._publish_levels(store, chunk)
        self.coalescer.give_back(failed)
        for key in due:
            if key not in failed:
                self.first_sequence.pop(key, None)
        return failed

    def _publish_levels(self, store: str, product_ids: list[str]) -> list[ProductKey]:
        try:
            read = read_products(self.table_for_store(store), product_ids)
        except Exception:
            logger.exception(
                "live stock: reading %d products of %s failed", len(product_ids), store
            )
            return [(store, pid) for pid in product_ids]
        at = now_iso()
        failed: list[ProductKey] = []
        for product_id in product_ids:
            stock = read.stock.get(product_id)
            event = (
                channels.stock_event(product_id, stock.total, at)
                if stock is not None
                else channels.deleted_event(product_id, at)
            )
            published = [(channels.product_stock(store, product_id), event)]
            parent = (read.products.get(product_id) or {}).get("parent_id")
            if parent and stock is not None:  # a variant: its product's page shows it too
                variant = channels.stock_event(str(parent), stock.total, at, variant_id=product_id)
                published.append((channels.product_stock(store, str(parent)), variant))
            try:
                for channel, message in published:
                    self.publisher.publish(channel, [message])
                    self.published += 1
            except Exception:
                logger.exception("live stock: publishing %s/%s failed", store, product_id)
                failed.append((store, product_id))
        return failed

    def drain(self, sleep: Callable[[float], None] = time.sleep, attempts: int = 3) -> list[str]:
        """Publish everything pending, waiting (under a second) where a product is not due
        yet; after `attempts` failed tries of a product, give up on it. Returns the first
        stream sequence number of each product given up on (what the batch must retry)."""
        tries: dict[ProductKey, int] = defaultdict(int)
        gave_up: list[ProductKey] = []
        while (wait := self.coalescer.next_due_in()) is not None:
            if wait > 0:
                sleep(wait)
            failed = self.flush()
            for key in failed:
                tries[key] += 1
                if tries[key] >= attempts:
                    self.coalescer.pending.pop(key, None)
                    gave_up.append(key)
            if failed:
                sleep(0.1 * 2 ** max(tries[key] for key in failed))  # a short backoff
        return [self.first_sequence.pop(key) for key in gave_up if key in self.first_sequence]
