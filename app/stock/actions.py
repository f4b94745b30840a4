"""Stock changes as DynamoDB actions: the write (or check) of each bucket a plan touches,
the product's part, the ledger entries, and a new product's first bucket.

Bucket 0 of a product holds the low-stock index's partition key while its stock is low (at
most the ceiling): buying a well-stocked product writes no index entry. An ADD cannot see
the level it leaves, so one that believes the bucket stays above the ceiling says so in its
condition (`GSI3PK` is there, or the level stays above the ceiling); when that fails, the
retry sees the low level and sets the key. No low bucket is ever missing from the index.
"""

from __future__ import annotations

from typing import Any

from app.core.config import get_settings
from app.db import transactions as tx
from app.db.expressions import Update
from app.db.keys import STOCK_KEY, STOCK_KEY_SCALE, stock_key
from app.db.table import Table
from app.db.transactions import Action
from app.stock import ledger
from app.stock.model import Bucket, LedgerEntry, new_entry
from app.stock.planning import BucketWrite, Change

CHANGED_BY = "changed_by"  # on a stock bucket: who made its last change
STOCK_CHANGED_BY = "stock_changed_by"  # on a product: who last flipped its in_stock
STOCK_CHANGED_AT = "stock_changed_at"


def _low_ceiling() -> int:
    return get_settings().low_stock_ceiling


def bucket_action(table: Table, op: BucketWrite, at: str, actor_id: str) -> Action:
    """The write (or check) of one bucket that `op` describes; a write records who made it
    (`changed_by`: the change stream tells the world, app/events/)."""
    key = table.keys.stock_bucket(op.product_id, op.seen.number)
    low_index = op.seen.number == 0
    update = Update()
    if op.mode == "add":
        update.add("stock", op.delta).add(STOCK_KEY, op.delta * STOCK_KEY_SCALE).add("seq", 1)
        update.set({"updated_at": at, CHANGED_BY: actor_id})
        update.condition("{stock} > {above}", above=op.above)
        if low_index and not op.blind and op.seen.stock + op.delta <= _low_ceiling():
            update.set(table.keys.low_stock_attributes(op.product_id))
        elif low_index and op.delta < 0:  # stays well stocked, or is already indexed
            update.condition(
                "attribute_exists(GSI3PK) OR {stock} > {floor}",
                floor=_low_ceiling() - op.delta,
            )
    elif op.mode == "exact":
        update.set(
            {
                "product_id": op.product_id,
                "bucket": op.seen.number,
                "stock": op.level,
                STOCK_KEY: stock_key(op.level, op.product_id),
                "seq": op.seen.seq + 1,
                "updated_at": at,
                CHANGED_BY: actor_id,
            }
        )
        if low_index:
            if op.level <= _low_ceiling():
                update.set(table.keys.low_stock_attributes(op.product_id))
            else:
                update.remove("GSI3PK")
        _as_seen(update, op.seen)
    else:
        if op.mode == "nonempty":
            update.condition("{stock} > {zero}", zero=0)
        else:
            _as_seen(update, op.seen)
        return tx.check(table.name, key, update)
    return tx.update(table.name, key, update, old_on_failure=True)


def _as_seen(update: Update, seen: Bucket) -> None:
    if seen.stored:
        update.condition("{seq} = {seen}", seen=seen.seq)
    else:
        update.condition("attribute_not_exists(PK)")


def ledger_entry(op: BucketWrite, change: Change, actor_id: str, at: str) -> LedgerEntry | None:
    """The ledger entry recording what `op` does to its bucket (None: it changes nothing)."""
    delta = op.delta if op.mode == "add" else op.level - op.seen.stock
    if op.mode in ("unchanged", "nonempty") or delta == 0:
        return None
    return new_entry(
        product_id=op.product_id,
        bucket=op.seen.number,
        kind=change.kind,
        delta=delta,
        stock_after=op.level if op.mode == "exact" else None,
        reason=change.reason,
        actor_id=actor_id,
        order_id=change.order_id,
        at=at,
    )


def product_action(
    table: Table,
    product_id: str,
    *,
    in_stock: bool | None = None,
    buckets: int | None = None,
    buckets_as_read: int | None = None,
    actor_id: str | None = None,
    at: str | None = None,
    definition: Update | None = None,
) -> Action:
    """The product's part of a stock change: `in_stock` and its bucket count, when they
    change, on the condition that the product exists and (with `buckets_as_read`) still has
    the buckets the change was planned over. Nothing to change: a check only. With
    `definition` (a change of the product's fields, with its own conditions and its own
    `listing_seq` step), the stock's part is added to it."""
    update = (definition or Update()).condition("attribute_exists(PK)")
    if buckets_as_read is not None:
        update.condition(
            "attribute_not_exists({buckets}) OR {buckets} = {count}"
            if buckets_as_read == 1
            else "{buckets} = {count}",
            count=buckets_as_read,
        )
    key = table.keys.product(product_id)
    if definition is None and in_stock is None and buckets is None:
        return tx.check(table.name, key, update)
    if definition is None:
        update.add("listing_seq", 1)
    if in_stock is not None:
        update.set({"in_stock": in_stock})
        if actor_id is not None:  # who sold the last unit, or brought it back, and when
            update.set({STOCK_CHANGED_BY: actor_id, STOCK_CHANGED_AT: at})
    if buckets is not None:
        update.set({"buckets": buckets})
    return tx.update(table.name, key, update)


def initial_actions(
    table: Table, *, product_id: str, stock: int, actor_id: str, reason: str, at: str
) -> tuple[list[Action], LedgerEntry | None]:
    """A new product's bucket 0 (and its first ledger entry, when it starts with stock)."""
    entry = None
    if stock > 0:
        entry = new_entry(
            product_id=product_id,
            bucket=0,
            kind="initial",
            delta=stock,
            stock_after=stock,
            reason=reason,
            actor_id=actor_id,
            at=at,
        )
    item: dict[str, Any] = {
        **table.keys.stock_bucket(product_id, 0),
        "product_id": product_id,
        "bucket": 0,
        "stock": stock,
        STOCK_KEY: stock_key(stock, product_id),
        "seq": 1 if entry else 0,
        "updated_at": at if entry else None,
        CHANGED_BY: actor_id,
    }
    if stock <= _low_ceiling():
        item.update(table.keys.low_stock_attributes(product_id))
    actions = [tx.put(table.name, item)]
    if entry:
        actions.append(ledger.put_action(table, entry))
    return actions, entry
