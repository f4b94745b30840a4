"""The stock ledger: one immutable entry per change of a stock bucket, written in the same
transaction as the change, in the bucket's partition, sorted by time.

Each entry records the delta exactly. `stock_after` (the bucket's level) is recorded where
the change fixes it (initial stock, staff changes, the last units of a product):
purchases and cancellations that add to a bucket (rather than set its level) cannot observe
the level right after (docs/ARCHITECTURE.md, "Stock and its ledger").
"""

from __future__ import annotations

from typing import Any

from app.db import transactions as tx
from app.db.codec import RawItem
from app.db.keys import LEDGER_PREFIX, PRODUCT
from app.db.sharding import MergedListing, merged_page
from app.db.table import Sort, Table
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
    table: Table, *, product_id: str, limit: int, start_key: RawItem | None
) -> tuple[list[LedgerEntry], RawItem | None] | None:
    """A product's ledger, newest first, across its buckets, and the key to continue from;
    None when there is no such product.

    The first page starts with one Query of the product's own partition, newest first from
    the product item (which sorts right after its ledger entries): existence check, bucket
    count and the first entries in one round trip. A product with several buckets then
    merges the other buckets' partitions in. The cursor's key is the last entry's sort key
    and the product's bucket count (`B`).
    """
    keys = table.keys
    if start_key is None:
        items, next_key = table.query_page(
            keys.product_partition(product_id),
            sort=Sort.at_most(PRODUCT),
            limit=limit + 1,
            forward=False,
            consistent=True,
        )
        if not items or items[0]["SK"] != PRODUCT:
            return None
        buckets = int(items[0].get("buckets", 1))
        entries = items[1:]
        if buckets == 1:
            more = next_key is not None and bool(entries)
            return _entries(entries), _cursor(entries[-1]["SK"], 1) if more else None
        after = None
    else:
        buckets = int(start_key[_BUCKETS]["N"])
        after = {"SK": start_key["SK"]}
    listing = MergedListing(
        partitions=[keys.stock_partition(product_id, n) for n in range(buckets)],
        descending=True,
        below=_AFTER_EVERY_ENTRY,
    )
    page, next_key = merged_page(table, listing, limit=limit, start_key=after)
    return _entries(page), {**next_key, **_cursor_buckets(buckets)} if next_key else None


_BUCKETS = "B"


def _cursor_buckets(buckets: int) -> RawItem:
    return {_BUCKETS: {"N": str(buckets)}}


def _cursor(sort_key: str, buckets: int) -> RawItem:
    return {"SK": {"S": sort_key}, **_cursor_buckets(buckets)}
