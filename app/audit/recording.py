"""Writing the audit log from the catalog's events (app/events/): one entry per event, on a
key made of the event's time and id, so a replayed batch writes the same entries again.
Each entry expires after its store's `audit_retention_days` (TTL)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from app.db.table import Table
from app.events.catalog import CatalogEvent
from app.stores.schemas import StoreRecord

# detail-type -> (entity, action)
ENTRIES = {
    "ProductCreated": ("product", "create"),
    "ProductUpdated": ("product", "update"),
    "ProductDeleted": ("product", "delete"),
    "StockChanged": ("stock", "adjust"),
    "StockLow": ("stock", "low"),
    "StockOut": ("stock", "out"),
    "StockBackIn": ("stock", "back_in"),
    "OrderPlaced": ("order", "create"),
    "OrderCancelled": ("order", "cancel"),
    # the audit log's own (app/audit/changes.py), not published
    "UserRoleChanged": ("user", "role"),
    "UserDeleted": ("user", "delete"),
    "StoreUpdated": ("store", "update"),
    "WebhookCreated": ("webhook", "create"),
    "WebhookDeleted": ("webhook", "delete"),
}
DAY = 86_400
DEFAULT_RETENTION_DAYS = 365


def _entity_id(detail: dict[str, Any]) -> str:
    return str(detail.get("entity_id") or detail.get("product_id") or detail.get("order_id") or "")


def _epoch(at: str) -> int:
    return int(datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp())


def entry_item(table: Table, event: CatalogEvent, retention_days: int) -> dict[str, Any] | None:
    kind = ENTRIES.get(event.detail_type)
    if kind is None:
        return None
    entity, action = kind
    detail = json.loads(event.detail_json())  # as the event shows it: money as text
    at = str(detail["at"])
    return {
        **table.keys.audit_entry(at, event.id),
        "at": at,
        "event_id": event.id,
        "actor": detail.get("actor") or {"system": True},
        "actor_id": (detail.get("actor") or {}).get("id") or "system",
        "action": action,
        "entity": entity,
        "entity_id": _entity_id(detail),
        "before": detail.get("before"),
        "after": detail.get("after"),
        "expires_at": _epoch(at) + retention_days * DAY,
    }


def record(
    table_for_store: Callable[[str], Table],
    events: Sequence[CatalogEvent],
    store_of: Callable[[str], StoreRecord | None],
) -> None:
    """Write the events' audit entries, each store's with its own retention (`store_of`:
    the batch's store lookup, app/stores/service.py)."""
    retention: dict[str, int] = {}
    for store in {str(event.detail["store"]) for event in events}:
        found = store_of(store)
        retention[store] = found.settings.audit_retention_days if found else DEFAULT_RETENTION_DAYS
    by_store: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        store = str(event.detail["store"])
        item = entry_item(table_for_store(store), event, retention[store])
        if item is not None:
            by_store.setdefault(store, []).append(item)
    for store, items in by_store.items():
        table_for_store(store).batch_put(items)
