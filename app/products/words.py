"""Search entries: one item per word position of a product's name (and one for its SKU),
in the BY_GROUP index, each a copy of the product's listing fields.

A search (`q`) is one Query: `begins_with(suffix, q)` in the partition of q's first
character. The entries of "Bamboo Cutting Board" are "bamboo cutting board", "cutting
board" and "board", so "board", "cutting bo" and "bamboo" all find it; accents, case and
width do not matter ("CRÈME" finds "Crème brûlée torch"). A SKU entry matches only the
whole SKU (a filter, in the same Query).

The entries change only when the product's listing does (its definition, or in_stock):
a few writes per edit, none per purchase. An edit rewrites them in its own transaction;
the rare purchase that sells out a product (or a cancellation that brings it back) flips
`in_stock` on the product in its transaction, and the entries follow right after
(`refresh`), each conditioned on being older, so a late refresh never undoes a newer one.
"""

from __future__ import annotations

import logging
from typing import Any

from app.db import transactions as tx
from app.db.expressions import Update
from app.db.keys import name_sort_key, name_suffixes, search_key
from app.db.table import Table
from app.products.schemas import ProductRecord

logger = logging.getLogger(__name__)

SKU_MARK = "sku_entry"


def suffixes(product: ProductRecord) -> list[tuple[str, bool]]:
    """(text, is the SKU) of each entry of the product."""
    found = [(suffix, False) for suffix in name_suffixes(product.name)]
    if product.sku:
        found.append((search_key(product.sku), True))
    return found


def entries(table: Table, product: ProductRecord) -> list[dict[str, Any]]:
    keys = table.keys
    listing = {**product.model_dump(), "category_key": name_sort_key(product.category)}
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


def _newer(table: Table, entry: dict[str, Any]) -> tx.Action:
    """Put an entry unless a newer one is there already."""
    action = tx.put(table.name, entry, new=False)
    condition = Update().condition(
        "attribute_not_exists(PK) OR {listing_seq} < {seq}", seq=entry["listing_seq"]
    )
    action["Put"].update(condition.condition_request())
    return action


def write_actions(
    table: Table, product: ProductRecord, *, had: int = 0, guarded: bool = False
) -> list[tx.Action]:
    """The product's entries as they should be, and deletes of positions it no longer
    fills (it had `had`)."""
    wanted = entries(table, product)
    puts = [_newer(table, e) if guarded else tx.put(table.name, e, new=False) for e in wanted]
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


def refresh(table: Table, product_id: str) -> None:
    """Bring the entries up to the product as stored now (after an in_stock flip). A
    failure leaves them one flip behind until the product's next change: logged, not
    raised -- the stock change it follows has happened."""
    from app.products.repository import from_item

    try:
        item = table.get(table.keys.product(product_id))
        if item is None:
            return
        tx.write(table.client, write_actions(table, from_item(item), guarded=True))
    except tx.TransactionCancelled:
        return  # a newer state is there already
    except Exception:
        logger.exception("search entries not refreshed", extra={"fields": {"id": product_id}})
