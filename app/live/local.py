"""The change stream under `make run`: the poller feeding live stock (published to this
process's WebSocket subscribers, the hub) and the catalog's events (into the log: EventBridge
is not emulated), for as long as the server runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.db.table import get_table
from app.events.publishing import EventsOut, LogPublisher
from app.live.consumer import LiveStock
from app.live.hub import HubPublisher
from app.live.local_stream import StreamPoller
from app.stores import tenancy
from app.webhooks.queues import delivery_queue


@contextmanager
def serve_live_stock() -> Iterator[StreamPoller]:
    table = get_table()
    table.create()  # the stream must exist before the poller looks for it (idempotent)
    events = EventsOut(LogPublisher(), tenancy.store_table, webhooks=delivery_queue())
    poller = StreamPoller(
        table, LiveStock(HubPublisher(), tenancy.store_table), also=[events.process]
    )
    thread = poller.start()
    try:
        yield poller
    finally:
        poller.stop.set()
        thread.join(timeout=5)
