"""What the catalog's events set off (called by the stream's consumer, app/events/)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.core.config import get_settings
from app.db.table import Table
from app.events.catalog import CatalogEvent
from app.notifications import back_in_stock
from app.stores import service as stores
from app.stores.resolution import StoreNotFoundError


def react(table_for_store: Callable[[str], Table], events: Sequence[CatalogEvent]) -> None:
    """A product back in stock: mail those who asked."""
    for event in events:
        if event.detail_type != "StockBackIn":
            continue
        store_slug = str(event.detail["store"])
        table = table_for_store(store_slug)
        try:
            store = stores.get(table, store_slug)  # the default store may have no item
        except StoreNotFoundError:
            continue  # a store removed since
        back_in_stock.fulfil(table, str(event.detail["product_id"]), store, get_settings())
