"""What the catalog's events set off (called by the stream's consumer, app/events/): the
low-stock marks and mails, and the back-in-stock mails."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.core.config import get_settings
from app.db.table import Table
from app.events.catalog import CatalogEvent
from app.notifications import back_in_stock, low_stock
from app.stores.schemas import StoreRecord


def react(
    table_for_store: Callable[[str], Table],
    events: Sequence[CatalogEvent],
    store_of: Callable[[str], StoreRecord | None],
) -> None:
    """`store_of`: the batch's store lookup (app/stores/service.py, batch_lookup)."""
    low_stock.track(table_for_store, events, store_of)
    settings = get_settings()
    for event in events:
        if event.detail_type not in ("StockBackIn", "StockLow"):
            continue
        slug = str(event.detail["store"])
        store = store_of(slug)
        if store is None:
            continue
        table = table_for_store(slug)
        if event.detail_type == "StockBackIn":
            back_in_stock.fulfil(table, str(event.detail["product_id"]), store, settings)
        else:
            low_stock.mail_staff(table, event, store, settings)
