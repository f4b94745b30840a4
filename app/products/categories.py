"""Category counts: one counter item per category, moved in the same transaction as the
product that joins or leaves it, so `GET /categories` is one Query and always agrees with
the catalog. Counters change only when a product's definition does, never on a purchase.

Categories match case-insensitively (as the catalog's category filter does); the counter
keeps the spelling most recently given to a product of that category.
"""

from __future__ import annotations

from app.db import transactions as tx
from app.db.expressions import Update
from app.db.keys import name_sort_key
from app.db.table import Table
from app.products.schemas import CategoryCount


def same(first: str, second: str) -> bool:
    return name_sort_key(first) == name_sort_key(second)


def count_action(table: Table, category: str, delta: int) -> tx.Action:
    """The transaction action moving `category`'s product count by `delta` (and, when a
    product joins it, naming it as that product spells it)."""
    change = Update().add("product_count", delta)
    if delta > 0:
        change.set({"category": category})
    return tx.update(table.name, table.keys.category_counter(category), change)


def rename_action(table: Table, category: str) -> tx.Action:
    """The category keeps its count but takes a new spelling ("widgets" -> "Widgets")."""
    change = Update().set({"category": category})
    return tx.update(table.name, table.keys.category_counter(category), change)


def list_all(table: Table) -> list[CategoryCount]:
    """Every category with at least one product, sorted by name: one Query (a store's
    counters fit in one 1 MB page up to tens of thousands of categories; past that the
    Query continues)."""
    counts: list[CategoryCount] = []
    for page in table.query_pages(table.keys.categories_partition(), page_size=1000):
        counts.extend(
            CategoryCount(category=item["category"], product_count=int(item["product_count"]))
            for item in page
            if int(item.get("product_count", 0)) > 0
        )
    return counts
