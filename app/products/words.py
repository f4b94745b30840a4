"""Search entries: one item per word position of a product's name (and one for its SKU),
in the BY_GROUP index, each a copy of the product's listing fields.

A search (`q`) is one Query: `begins_with(suffix, q)` in the partition of q's first
character. The entries of "Bamboo Cutting Board" are "bamboo cutting board", "cutting
board" and "board", so "board", "cutting bo" and "bamboo" all find it; accents, case and
width do not matter ("CRÈME" finds "Crème brûlée torch"). A SKU entry matches only the
whole SKU (a filter, in the same Query).

The entries change only when the product's listing does (its definition, or in_stock):
a few writes per edit, none per purchase. An edit rewrites them in its own transaction;
the rare stock change that sells out a product (or brings it back) flips `in_stock`, and
the stock package brings the entries' `in_stock` along (app/stock/listing.py).
"""

from __future__ import annotations

from typing import Any

from app.db import transactions as tx
from app.db.keys import name_sort_key, name_suffixes, search_key
from app.db.table import Table
from app.products.schemas import ProductRecord

SKU_MARK = "sku_entry"


def suffixes(product: ProductRecord) -> list[tuple[str, bool]]:
    """(text, is the SKU) of each entry of the product."""
    found = [(suffix, False) for suffix in name_suffixes(product.name)]
    if product.sku:
        found.append((search_key(product.sku), True))
    return found


def entries(table: Table, product: ProductRecord) -> list[dict[str, Any]]:
    keys = table.keys
    listing = {**product.listed(), "category_key": name_sort_key(product.category)}
    return [
        {
            **keys.word_entry(product.id, position),
            **keys.word_index_attributes(suffix=suffix, product_id=product.id),
            **listing,
            "suffix": suffix,
            **({SKU_MARK: True} if is_sku else {}),
        }
        for position, (suffix, is_sku) in enumerate(suffixes(product))
    ]


def write_actions(table: Table, product: ProductRecord, *, had: int = 0) -> list[tx.Action]:
    """The product's entries as they should be, and deletes of positions it no longer
    fills (it had `had`)."""
    wanted = entries(table, product)
    puts = [tx.put(table.name, entry, new=False) for entry in wanted]
    gone = [
        tx.delete(table.name, table.keys.word_entry(product.id, position))
        for position in range(len(wanted), had)
    ]
    return [*puts, *gone]


def delete_actions(table: Table, product: ProductRecord) -> list[tx.Action]:
    return [
        tx.delete(table.name, table.keys.word_entry(product.id, position))
        for position in range(product.words)
    ]
