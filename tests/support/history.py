"""A Jepsen-style check of the stock history, from what is stored.

For every product: one ledger entry per stock change (the product counts its changes in
`stock_seq`), the deltas add up to the stored stock, and no recorded level is below zero.
For every order: each line has exactly one purchase entry (and, once cancelled, exactly one
cancellation entry), and no purchase or cancellation entry lacks its order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from app.db.keys import LEDGER_PREFIX
from app.db.table import Table


def ledger_of(table: Table, product_id: str) -> list[dict[str, Any]]:
    pages = table.query_pages(
        key_condition="PK = :pk AND begins_with(SK, :prefix)",
        values={":pk": table.keys.product_partition(product_id), ":prefix": LEDGER_PREFIX},
    )
    return [entry for page in pages for entry in page]


def check_history(
    table: Table, product_ids: Iterable[str], order_ids: Iterable[str]
) -> dict[str, int]:
    """Assert the invariants; return each product's final stock."""
    finals: dict[str, int] = {}
    movements: Counter[tuple[str, str, str, int]] = Counter()
    for product_id in product_ids:
        product = table.get(table.keys.product(product_id))
        assert product is not None
        entries = ledger_of(table, product_id)
        assert product["stock_seq"] == len(entries), "a stock change without its ledger entry"
        assert product["stock"] == sum(e["delta"] for e in entries), "deltas do not add up"
        assert product["stock"] >= 0
        for entry in entries:
            assert entry.get("stock_after") is None or entry["stock_after"] >= 0, entry
            if entry["kind"] in ("purchase", "cancellation"):
                movements[(entry["order_id"], product_id, entry["kind"], entry["delta"])] += 1
        finals[product_id] = int(product["stock"])
    expected: Counter[tuple[str, str, str, int]] = Counter()
    for order_id in order_ids:
        order = table.get(table.keys.order(order_id))
        assert order is not None
        for line in order["lines"]:
            if line["product_id"] not in finals:
                continue
            expected[(order_id, line["product_id"], "purchase", -int(line["quantity"]))] += 1
            if order["status"] == "cancelled":
                expected[(order_id, line["product_id"], "cancellation", int(line["quantity"]))] += 1
    assert movements == expected, "ledger and orders disagree"
    return finals
