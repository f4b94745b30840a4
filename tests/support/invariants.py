"""What must hold of the stored data whatever failed, read from a full scan of the table."""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.db.keys import ORDER_PREFIX, STOCK, WORD_PREFIX, name_sort_key
from app.db.table import Table
from tests.support.history import check_history
from tests.support.http import scan


def check_invariants(table: Table, *, image_keys: set[str] | None = None) -> dict[str, int]:
    """Assert every cross-item invariant of the table's store; return counts of what was
    checked."""
    own = f"S#{table.keys.store}#"
    items = [item for item in scan(table) if item["PK"].startswith(own)]
    by_sk: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_sk.setdefault(item["SK"], []).append(item)
    profiles = {p["id"]: p for p in by_sk.get("PROFILE", [])}
    claims = by_sk.get("EMAIL", [])
    # every user has its e-mail claim, and every claim its user
    assert sorted(c["user_id"] for c in claims) == sorted(profiles), "users and e-mail claims"
    for claim in claims:
        assert claim["PK"] == table.keys.email(profiles[claim["user_id"]]["email"])["PK"]
    admins = sum(1 for p in profiles.values() if p["role"] == "admin")
    counter = table.get(table.keys.admin_counter())
    assert (int(counter["admins"]) if counter else 0) == admins, "admin counter"

    products = {p["id"]: p for p in by_sk.get("PRODUCT", [])}
    skus = by_sk.get("SKU", [])
    assert sorted(s["product_id"] for s in skus) == sorted(
        pid for pid, p in products.items() if p.get("sku")
    ), "products and SKU claims"
    for claim in skus:
        assert claim["PK"] == table.keys.sku(products[claim["product_id"]]["sku"])["PK"]
    # a category counts products; a variant's own record is in no listing
    counted = Counter(
        name_sort_key(p["category"]) for p in products.values() if not p.get("parent_id")
    )
    counters = {
        c["SK"]: int(c["product_count"])
        for c in items
        if c["PK"] == table.keys.categories_partition() and int(c.get("product_count", 0))
    }
    assert counters == dict(counted), "category counts"
    if image_keys is not None:
        for product in products.values():
            if product.get("image_key"):
                assert product["image_key"] in image_keys, "an image the store does not hold"

    # every stock bucket and search entry belongs to a product that exists
    for bucket in by_sk.get(STOCK, []):
        assert bucket["product_id"] in products, "a stock bucket without its product"
        assert bucket["bucket"] < int(products[bucket["product_id"]].get("buckets", 1))
    for item in items:
        if item["SK"].startswith(WORD_PREFIX):
            assert table.keys.product_id_of(item["PK"]) in products, "a stray search entry"

    orders = {o["id"]: o for o in items if o["SK"].startswith(ORDER_PREFIX)}
    for record in by_sk.get("IDEMPOTENCY", []):
        assert record["order_id"] in orders, "an idempotency key without its order"
    # stock = the ledger's sum, one entry per change, every order line sold exactly once
    check_history(table, list(products), list(orders), items=items)
    return {"users": len(profiles), "products": len(products), "orders": len(orders)}
