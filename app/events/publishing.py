"""Where the catalog's events go: one Amazon EventBridge bus per stack, or, under `make
run` (EventBridge is not emulated), the log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from app.db.table import Table
from app.events.actors import actor_lookup
from app.events.catalog import SOURCE, CatalogEvent, events_from

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

    def __init__(self, publisher: EventPublisher, table_for_store: Callable[[str], Table]) -> None:
        self.publisher = publisher
        self.table_for_store = table_for_store
        self.published = 0

    def process(self, records: Sequence[Any]) -> list[str]:
        """Publish the batch's events and write their audit entries; the sequence numbers
        of the records to retry from (a failed audit write retries them all: its entries'
        keys make a repeat harmless)."""
        from app.audit import recording
        from app.notifications import reactions

        events = events_from(records, actor_lookup(self.table_for_store))
        failed = self.publisher.publish(events)
        self.published += len(events) - len(failed)
        try:
            recording.record(self.table_for_store, events)
            reactions.react(self.table_for_store, events)  # each mail at most once
        except Exception:
            logger.exception("events: writing %d audit entries failed", len(events))
            return [event.sequence for event in events]
        return [event.sequence for event in failed]
