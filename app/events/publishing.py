"""Where the catalog's events go: one Amazon EventBridge bus per stack, or, under `make
run` (EventBridge is not emulated), the log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from app.db.table import Table
from app.events.actors import actor_lookup
from app.events.catalog import SOURCE, CatalogEvent, events_from

if TYPE_CHECKING:
    from app.webhooks.queues import DeliveryQueue

logger = logging.getLogger("app.events")

MAX_ENTRIES = 10  # PutEvents takes up to 10 entries a call


class EventPublisher(Protocol):
    def publish(self, events: Sequence[CatalogEvent]) -> list[CatalogEvent]:
        """Publish the events; return those that were not."""
        ...


class EventBridgePublisher:
    def __init__(self, bus_name: str, client: Any = None) -> None:
        self.bus_name = bus_name
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("events")
        return self._client

    def entry(self, event: CatalogEvent) -> dict[str, Any]:
        return {
            "Source": SOURCE,
            "DetailType": event.detail_type,
            "Detail": event.detail_json(),
            "EventBusName": self.bus_name,
        }

    def publish(self, events: Sequence[CatalogEvent]) -> list[CatalogEvent]:
        failed: list[CatalogEvent] = []
        for start in range(0, len(events), MAX_ENTRIES):
            chunk = events[start : start + MAX_ENTRIES]
            try:
                answer = self.client.put_events(Entries=[self.entry(e) for e in chunk])
            except Exception:
                logger.exception("events: PutEvents failed for %d event(s)", len(chunk))
                failed += chunk
                continue
            if answer.get("FailedEntryCount"):
                failed += [
                    event
                    for event, result in zip(chunk, answer["Entries"], strict=True)
                    if result.get("ErrorCode")
                ]
        return failed


class LogPublisher:
    """Under `make run`: each event as one log line (what EventBridge would have received)."""

    def publish(self, events: Sequence[CatalogEvent]) -> list[CatalogEvent]:
        for event in events:
            logger.info("event %s %s", event.detail_type, event.detail_json())
        return []


class EventsOut:
    """The stream consumer for the catalog's events: a batch of records in, the stream
    sequence numbers of the events that could not be published out."""

    def __init__(
        self,
        publisher: EventPublisher,
        table_for_store: Callable[[str], Table],
        webhooks: DeliveryQueue | None = None,
    ) -> None:
        self.publisher = publisher
        self.table_for_store = table_for_store
        self.webhooks = webhooks  # where webhook deliveries are queued (none: not sent)
        self.published = 0

    def process(self, records: Sequence[Any]) -> list[str]:
        """Publish the batch's events, queue their webhook deliveries, write their audit
        entries and send their mails; the sequence numbers of the records to retry from (a
        failure after publishing retries them all: deliveries and audit entries are keyed
        by event, mails are taken off before they are sent)."""
        from app.audit import changes, recording
        from app.notifications import reactions
        from app.stores import service as stores
        from app.webhooks.fanout import fan_out

        actor = actor_lookup(self.table_for_store)
        events = events_from(records, actor)
        failed = self.publisher.publish(events)
        self.published += len(events) - len(failed)
        try:
            if self.webhooks is not None:
                fan_out(self.table_for_store, events, self.webhooks)
            store_of = stores.batch_lookup(self.table_for_store)  # each store read once
            audited = [*events, *changes.changes_from(records, actor)]
            recording.record(self.table_for_store, audited, store_of)
            reactions.react(self.table_for_store, events, store_of)  # each mail at most once
        except Exception:
            logger.exception("events: following up %d events failed", len(events))
            return [event.sequence for event in events]
        return [event.sequence for event in failed]
