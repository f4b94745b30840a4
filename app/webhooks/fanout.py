"""From the catalog's events to webhook deliveries (called by the stream's consumer).

For each store with events in the batch: its webhooks (one Query), and for every event a
webhook subscribes to, a delivery record and a message on the delivery queue. The record
is written first, on a condition, so a replayed batch finds it and does not queue the
event again -- unless its first message may have been lost (the record is still untried),
in which case it is queued again: a receiver may get an event twice, never not at all,
and dedupes by `Catalog-Event-Id`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from app.core.timeutil import now_iso
from app.db.table import Table
from app.events.catalog import CatalogEvent
from app.webhooks import repository
from app.webhooks.delivery import Message, event_body, message
from app.webhooks.queues import DeliveryQueue

RECORD_WORKERS = 8


def fan_out(
    table_for_store: Callable[[str], Table],
    events: Sequence[CatalogEvent],
    queue: DeliveryQueue,
) -> int:
    """Queue the events' deliveries; how many were queued."""
    by_store: dict[str, list[CatalogEvent]] = defaultdict(list)
    for event in events:
        by_store[str(event.detail["store"])].append(event)
    queued = 0
    for store, store_events in by_store.items():
        table = table_for_store(store)
        webhooks = repository.list_all(table)
        if not webhooks:
            continue
        wanted: list[Message] = []
        for event in store_events:
            at = str(event.detail.get("at") or now_iso())
            body = event_body(
                event_id=event.id,
                detail_type=event.detail_type,
                at=at,
                store=store,
                detail=event.detail_json(),
            )
            wanted += [
                message(
                    store=store,
                    webhook_id=webhook["id"],
                    event_id=event.id,
                    detail_type=event.detail_type,
                    at=at,
                    body=body,
                )
                for webhook in webhooks
                if event.detail_type in webhook["events"]
            ]

        def recorded(item: Message, table: Table = table) -> bool:
            return repository.record_delivery(
                table,
                webhook_id=item["webhook_id"],
                event_id=item["event_id"],
                detail_type=item["detail_type"],
                at=item["at"],
            )

        # one conditional put per delivery (no batch write takes a condition): in parallel
        with ThreadPoolExecutor(max_workers=RECORD_WORKERS) as pool:
            keep = list(pool.map(recorded, wanted))
        messages = [item for item, new in zip(wanted, keep, strict=True) if new]
        queue.send(messages)
        queued += len(messages)
    return queued
