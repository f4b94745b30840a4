"""Spreading a hot product's stock over more buckets by itself, when its purchases collide.

A product whose purchases keep colliding (app/stock/contention.py) gets up to twice as many
buckets, at most AUTO_BUCKETS_MAX. The move is additive, so it does not fight the purchases
it relieves: each bucket with units to spare gives half of them to a new bucket by
`ADD stock -m` on the condition `stock > m`, the way a purchase takes its units, instead of
setting exact levels on the condition of change counts that busy buckets keep changing
(which is what a staff spread, PUT /inventory/{id}/buckets, does). In one transaction:

- each giving bucket's ADD, and each new bucket, which must not exist yet;
- the product's bucket count, on the condition that it is still the count read, so of the
  processes that notice the same product at once, one spreads it;
- a ledger entry for each side of every move (an adjustment, saying where the units went).

The spread runs in the request whose purchase noticed the collisions, after its order is
written: one BatchGetItem and one TransactWriteItems, at most once per product per process
every 30 seconds. It never fails that request: a spread that cannot be made now (a race
lost, the database busy) is logged and tried again at the next collisions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from app.core import metrics
from app.core.config import get_settings
from app.core.roles import SYSTEM_ACTOR
from app.core.timeutil import now_iso
from app.db import transactions as tx
from app.db.table import Table
from app.stock import actions, contention, ledger
from app.stock.model import Bucket, LedgerEntry, ProductStock
from app.stock.planning import BucketWrite, Change
from app.stock.reading import read_products, remember

logger = logging.getLogger(__name__)

ACTOR_ID = SYSTEM_ACTOR
# a move is 4 actions (give, receive, an entry each); with the product's, within 100
MAX_NEW_BUCKETS = 24


@dataclass(frozen=True)
class Move:
    giver: Bucket
    receiver: int  # the new bucket's number
    units: int


def plan_moves(stock: ProductStock, limit: int) -> list[Move]:
    """Each bucket with at least 2 units, fullest first, gives half to a new bucket, up to
    `limit` buckets in all (and at most twice as many as now)."""
    count = len(stock.buckets)
    room = min(count, limit - count, MAX_NEW_BUCKETS)
    givers = [b for b in sorted(stock.buckets, key=lambda b: -b.stock) if b.stock >= 2]
    return [
        Move(giver, count + offset, giver.stock // 2)
        for offset, giver in enumerate(givers[: max(room, 0)])
    ]


def relieve(table: Table, product_ids: Iterable[str]) -> None:
    """Spread those of the products that are due (see the module docstring); never raises."""
    settings = get_settings()
    if settings.auto_buckets_max <= 1:
        return
    by_key = {table.keys.product_partition(pid): pid for pid in product_ids}
    for key in contention.tracker.take_due(by_key, settings.auto_buckets_collisions):
        try:
            spread(table, by_key[key], limit=settings.auto_buckets_max)
        except Exception as error:  # the order is written: never fail its request now
            logger.warning(
                "automatic spread not made",
                extra={"fields": {"product_id": by_key[key], "error": type(error).__name__}},
            )


def spread(table: Table, product_id: str, *, limit: int) -> int | None:
    """Give the product more buckets (see the module docstring). Returns its new bucket
    count, or None when there is nothing to do or the spread lost a race."""
    stock = read_products(table, [product_id]).stock.get(product_id)
    if stock is None:
        return None
    moves = plan_moves(stock, limit)
    if not moves:
        return None
    count = len(stock.buckets) + len(moves)
    at = now_iso()
    reason = f"spread over {count} buckets automatically: purchases were colliding"
    writes: list[tx.Action] = []
    entries: list[LedgerEntry | None] = []
    for move in moves:
        give = BucketWrite(product_id, move.giver, "add", delta=-move.units, above=move.units)
        new_bucket = Bucket(move.receiver, 0, 0, None, stored=False)
        receive = BucketWrite(product_id, new_bucket, "exact", level=move.units)
        for op, units, side in (
            (give, -move.units, "half of this bucket moved to a new one"),
            (receive, move.units, "a new bucket, given half of another"),
        ):
            change = Change(product_id, "adjustment", units, f"{reason} ({side})")
            writes.append(actions.bucket_action(table, op, at, ACTOR_ID))
            entries.append(actions.ledger_entry(op, change, ACTOR_ID, at))
    writes.append(
        actions.product_action(table, product_id, buckets=count, buckets_as_read=len(stock.buckets))
    )
    writes += [ledger.put_action(table, entry) for entry in filter(None, entries)]
    try:
        tx.transact_write(table.client, writes)
    except (tx.TransactionCancelled, tx.ContentionError):
        # another process spread it first, a giver ran low, or the buckets stayed too busy
        logger.info("automatic spread lost a race", extra={"fields": {"product_id": product_id}})
        return None
    remember(table, product_id, count)
    metrics.count(metrics.STOCK_SPREADS)
    logger.info(
        "stock spread automatically",
        extra={"fields": {"product_id": product_id, "buckets": count}},
    )
    return count
