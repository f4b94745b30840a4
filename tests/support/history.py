"""A Jepsen-style check of the stock history, from what is stored.

For every stock bucket of every product: one ledger entry per change (the bucket counts
its changes in `seq`), the deltas add up to the bucket's stock, and no recorded level is
below zero; the product's `in_stock` is exactly "some bucket holds stock". For every order:
each line's purchase entries (one per bucket it took from; a variant's, for a line that
names one) add up to its quantity, and so do its cancellation entries once it is
cancelled; no purchase or cancellation entry lacks its order.

Everything is read from one strongly consistent scan of the table (`Stored`), not item by
item: the check runs after most tests that change stock, and one scan is a few calls where
the reads one by one were several per product and order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from app.db.keys import LEDGER_PREFIX, STOCK, Key
from app.db.table import Sort, Table
from app.stock.model import ProductStock, stock_from
from tests.support.http import scan


def ledger_of(table: Table, product_id: str, bucket: int = 0) -> list[dict[str, Any]]:
    pages = table.query_pages(
        table.keys.stock_partition(product_id, bucket), sort=Sort.begins_with(LEDGER_PREFIX)
    )
    return [entry for page in pages for entry in page]


class Stored:
    """The table's items, as one scan found them, looked up by key (a key names its store:
    another store's items are never found)."""

    def __init__(self, table: Table, items: Iterable[dict[str, Any]]) -> None:
        self.keys = table.keys
        self._items = {(i["PK"], i["SK"]): i for i in items}
        self._ledgers: dict[str, list[dict[str, Any]]] = {}
        for (partition, sort), item in sorted(self._items.items()):
            if sort.startswith(LEDGER_PREFIX):
                self._ledgers.setdefault(partition, []).append(item)

    def item(self, key: Key) -> dict[str, Any]:
        """The item at `key`, which must exist."""
        found = self._items.get((key["PK"], key["SK"]))
        assert found is not None, f"nothing stored at {key}"
        return found

    def stock(self, product: dict[str, Any]) -> ProductStock:
        """Every bucket of the product (it says how many)."""
        count = int(product.get("buckets", 1))
        keys = [self.keys.stock_bucket(product["id"], n) for n in range(count)]
        items = [self._items[k["PK"], STOCK] for k in keys if (k["PK"], STOCK) in self._items]
        return stock_from(product["id"], count, items)

    def ledger(self, product_id: str, bucket: int) -> list[dict[str, Any]]:
        """The bucket's ledger entries, oldest first (as `ledger_of` queries them)."""
        return self._ledgers.get(self.keys.stock_partition(product_id, bucket), [])


def check_history(
    table: Table,
    product_ids: Iterable[str],
    order_ids: Iterable[str],
    *,
    items: Iterable[dict[str, Any]] | None = None,
) -> dict[str, int]:
    """Assert the invariants; return each product's final stock. `items`: the table's items
    as the caller has just scanned them (else they are scanned here)."""
    stored = Stored(table, scan(table) if items is None else items)
    finals: dict[str, int] = {}
    moved: Counter[tuple[str, str, str]] = Counter()  # (order, product, kind) -> units
    with_options: dict[str, list[str]] = {}  # a product whose stock is its variants'
    for product_id in product_ids:
        product = stored.item(table.keys.product(product_id))
        if product.get("variants"):
            with_options[product_id] = list(product["variants"])
            continue
        stock = stored.stock(product)
        for bucket in stock.buckets:
            entries = stored.ledger(product_id, bucket.number)
            assert bucket.seq == len(entries), "a stock change without its ledger entry"
            assert bucket.stock == sum(e["delta"] for e in entries), "deltas do not add up"
            assert bucket.stock >= 0
            for entry in entries:
                assert entry["bucket"] == bucket.number, entry
                assert entry.get("stock_after") is None or entry["stock_after"] >= 0, entry
                if entry["kind"] in ("purchase", "cancellation"):
                    moved[(entry["order_id"], product_id, entry["kind"])] += abs(entry["delta"])
        assert product["in_stock"] == (stock.total > 0), "in_stock disagrees with the stock"
        finals[product_id] = stock.total
    for product_id, variant_ids in with_options.items():
        product = stored.item(table.keys.product(product_id))
        in_stock = any(finals.get(variant_id, 0) > 0 for variant_id in variant_ids)
        assert product["in_stock"] == in_stock, "in_stock disagrees with the variants' stock"
    expected: Counter[tuple[str, str, str]] = Counter()
    for order_id in order_ids:
        order = stored.item(table.keys.order(order_id))
        for line in order["lines"]:
            subject = line.get("variant_id") or line["product_id"]  # whose stock it took
            if subject not in finals:
                continue
            expected[(order_id, subject, "purchase")] += int(line["quantity"])
            if order["status"] == "cancelled":
                expected[(order_id, subject, "cancellation")] += int(line["quantity"])
    assert +moved == +expected, "ledger and orders disagree"
    return finals
