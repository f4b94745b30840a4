"""The stock ledger: one immutable entry per change of a stock bucket, written in the same
transaction as the change, in the bucket's partition, sorted by time.

Each entry records the delta exactly. `stock_after` (the bucket's level) is recorded where
the change fixes it (initial stock, staff changes, the last units of a product):
purchases and cancellations that add to a bucket without reading it first cannot observe
the level right after (docs/ARCHITECTURE.md, "Stock and its ledger").
"""

from __future__ import annotations

from typing import Any

from app.db import transactions as tx
from app.db.keys import LEDGER_PREFIX, PRODUCT
from app.db.sharding import MergedListing, Position, merged_page
from app.db.table import Table
from app.stock.model import LedgerEntry

# sorts after every ledger key ("LEDGER#<ISO time>#...") and before "PRODUCT"
_AFTER_EVERY_ENTRY = LEDGER_PREFIX + "\x7f"


def put_action(table: Table, entry: LedgerEntry) -> tx.Action:
    """The transaction action storing `entry` (never overwriting another)."""
    key = table.keys.ledger_entry(entry.product_id, entry.bucket, entry.at, entry.id)
    return tx.put(table.name, {**key, **entry.model_dump()})


def _entries(items: list[dict[str, Any]]) -> list[LedgerEntry]:
    return [LedgerEntry.model_validate(item) for item in items]


def movements_page(
    table: Table, *, product_id: str, buckets: int | None, limit: int, after: Position | None
) -> tuple[list[LedgerEntry], Position | None, int] | None:
    """A product's ledger, newest first, across its buckets; None when there is no such
    product. Returns the entries, where to continue, and the product's bucket count.

    The first page starts with one Query of the product's own partition, newest first from
    the product item (which sorts right after its ledger entries): existence check, bucket
    count and the first entries in one round trip. A product with several buckets then
    merges the other buckets' partitions in.
    """
    keys = table.keys
    if after is None:
        items, next_key = table.query_page(
            key_condition="PK = :pk AND SK <= :product",
            values={":pk": keys.product_partition(product_id), ":product": PRODUCT},
            limit=limit + 1,
            forward=False,
            consistent=True,
        )
        if not items or items[0]["SK"] != PRODUCT:
            return None
        buckets = int(items[0].get("buckets", 1))
        entries = items[1:]
        if buckets == 1:
            more = next_key is not None
            return _entries(entries), entries[-1]["SK"] if more and entries else None, 1
    listing = MergedListing(
        partitions=[keys.stock_partition(product_id, n) for n in range(buckets or 1)],
        descending=True,
        below=_AFTER_EVERY_ENTRY,
    )
    page, next_after = merged_page(table, listing, limit=limit, after=after)
    return _entries(page), next_after, buckets or 1
