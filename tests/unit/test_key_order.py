"""The order of the sort keys in a product's partition, which reads depend on: the ledger
is read as "everything up to PRODUCT, newest first" (app/stock/ledger.py), so every other
item kept there must sort after PRODUCT."""

from __future__ import annotations

from app.db.keys import LEDGER_PREFIX, PRODUCT, Keys


def test_only_ledger_entries_sort_before_the_product_in_its_partition() -> None:
    keys = Keys("s")
    partition = keys.product_partition("p")
    items = [
        keys.product("p"),
        keys.stock_bucket("p", 0),
        keys.word_entry("p", 3),
        keys.back_in_stock_request("p", "u"),
        keys.product_removal("p"),
        keys.stock_low("p"),
        keys.ledger_entry("p", 0, "2026-12-06T10:00:00Z", "e"),
    ]
    assert all(item["PK"] == partition for item in items)
    for item in items:
        if item["SK"].startswith(LEDGER_PREFIX):
            assert item["SK"] < PRODUCT
        else:
            assert item["SK"] >= PRODUCT, item["SK"]
