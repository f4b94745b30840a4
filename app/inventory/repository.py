"""Reading the ledger and the stock index."""

from __future__ import annotations

from app.db.codec import RawItem
from app.db.keys import LEDGER_PREFIX, PRODUCT
from app.db.table import Table
from app.inventory.ledger import LedgerEntry
from app.products.repository import from_item
from app.products.schemas import ProductRecord


def movements_page(
    table: Table, *, product_id: str, limit: int, start_key: RawItem | None
) -> tuple[list[LedgerEntry], RawItem | None] | None:
    """A product's ledger, newest first (sort keys start with the entry's time); None when
    there is no such product.

    The product item (SK "PRODUCT") sorts after its entries ("LEDGER#..."), so the first page
    is one Query, newest first, that starts with the product item itself: existence check
    and entries in a single round trip.
    """
    partition = table.keys.product_partition(product_id)
    if start_key is None:
        items, next_key = table.query_page(
            key_condition="PK = :pk AND SK <= :product",
            values={":pk": partition, ":product": PRODUCT},
            limit=limit + 1,
            forward=False,
            consistent=True,
        )
        if not items or items[0]["SK"] != PRODUCT:
            return None
        items = items[1:]
    else:
        items, next_key = table.query_page(
            key_condition="PK = :pk AND begins_with(SK, :prefix)",
            values={":pk": partition, ":prefix": LEDGER_PREFIX},
            limit=limit,
            start_key=start_key,
            forward=False,
            consistent=True,
        )
    return [LedgerEntry.model_validate(item) for item in items], next_key


def low_stock_page(
    table: Table, *, threshold: int, limit: int, start_key: RawItem | None
) -> tuple[list[ProductRecord], RawItem | None]:
    """Products with stock <= threshold, lowest first: one Query on the stock index."""
    items, next_key = table.query_page(
        index="GSI3",
        key_condition="GSI3PK = :pk AND stock <= :threshold",
        values={":pk": table.keys.stock_listing(), ":threshold": threshold},
        limit=limit,
        start_key=start_key,
    )
    return [from_item(item) for item in items], next_key
