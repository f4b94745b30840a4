"""A product's listing copies follow its availability.

Listings show whether a product is in stock (`in_stock`, exactly "stock > 0"), and so do
the copies of its listing that search reads: one entry per word of its name
(app/products/words.py). A stock change that empties a product, or brings it back, flips
`in_stock` on the product in its own transaction (app/stock/actions.py); the copies follow
right after, here: one read of the product and one transaction over its entries, each
updated only if it is older than the product (`listing_seq`), so a late follow-up never
undoes a newer one. Purchases that do not flip it touch no copy.

A variant is a product record of its own (app/products/variants.py): when its `in_stock`
flips, its product's follows -- in stock when any variant is -- read after the product
itself and written on the condition that the product is still as read (`listing_seq`), so
of two variants flipping at once the later word always stands.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from app.db import transactions as tx
from app.db.expressions import Update
from app.db.table import Table

logger = logging.getLogger(__name__)


def follow(table: Table, product_ids: Iterable[str]) -> None:
    """Bring the products' listing copies up to the products as stored now. A failure
    leaves them one flip behind until the product's next change: logged, never raised --
    the stock change it follows has happened."""
    for product_id in product_ids:
        try:
            _follow(table, product_id)
        except tx.TransactionCancelled:
            continue  # a newer state is there already
        except Exception:
            logger.exception("listing copies not updated", extra={"fields": {"id": product_id}})


def _follow(table: Table, product_id: str) -> None:
    product = table.get(table.keys.product(product_id))
    if product is not None and product.get("parent_id"):
        _follow_variants(table, str(product["parent_id"]))
        return
    if product is None or not product.get("words"):
        return
    seq = int(product.get("listing_seq", 0))
    actions = []
    for position in range(int(product["words"])):
        update = Update().set({"in_stock": bool(product["in_stock"]), "listing_seq": seq})
        update.condition("attribute_exists(PK) AND {listing_seq} < {seq}", seq=seq)
        actions.append(tx.update(table.name, table.keys.word_entry(product_id, position), update))
    tx.write(table.client, actions)


def _follow_variants(table: Table, product_id: str) -> None:
    """Set the product's `in_stock` to "any variant in stock", then its copies follow."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        product = table.get(table.keys.product(product_id))  # before the variants: see above
        if product is None or not product.get("variants"):
            return
        found = table.batch_get([table.keys.product(v) for v in product["variants"]])
        in_stock = any(bool(variant.get("in_stock")) for variant in found)
        seen = int(product.get("listing_seq", 0))
        update = Update().set({"in_stock": in_stock}).add("listing_seq", 1)
        update.condition("{listing_seq} = {seen}", seen=seen)
        try:
            tx.write(table.client, [tx.update(table.name, table.keys.product(product_id), update)])
        except tx.TransactionCancelled:
            tx.backoff(attempt)  # another variant, or an edit, moved it: read again
            continue
        _follow(table, product_id)
        return
    logger.warning("product in_stock not followed", extra={"fields": {"id": product_id}})


MAX_ATTEMPTS = 8
