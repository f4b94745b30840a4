"""Planning a stock change: which buckets to write, and how, for each change of a product
(pure: no I/O). app/stock/actions.py turns the writes into DynamoDB actions;
app/stock/commit.py runs them. The rules (app/stock/commit.py has the whole story):

- A purchase takes its units from one bucket chosen at random, by an `ADD stock -q` on the
  condition `stock > q`, without reading the bucket first (it knows only how many the
  product has). When that bucket holds too little, all are read and the purchase is
  planned from their levels: from another bucket that holds more, or, when no single
  bucket does (the last units, or a quantity spread over buckets), by setting exact levels
  on the condition of what was read; emptying the product flips `in_stock`.
- A cancellation adds to a bucket that holds stock, or, when the product is sold out, sets
  bucket 0 exactly and flips `in_stock`.
- Staff changes (a count, an adjustment, more buckets) set every bucket's exact level,
  spread evenly, on the condition of each bucket's change count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from app.stock.model import Bucket, MovementKind, ProductStock

# changes that set every bucket's level: they must know every bucket the product has
STAFF_KINDS = frozenset({"set", "adjustment"})


@dataclass(frozen=True)
class Change:
    """What should happen to one product's stock."""

    product_id: str
    kind: MovementKind
    amount: int  # purchase, cancellation: units; set: the level; adjustment: the delta
    reason: str
    order_id: str | None = None
    buckets: int | None = None  # staff changes: spread over this many buckets (never fewer)


@dataclass(frozen=True)
class BucketWrite:
    """One write of one bucket (or a check that it is as read)."""

    product_id: str
    seen: Bucket
    mode: Literal["add", "exact", "unchanged", "nonempty"]
    delta: int = 0
    above: int = 0  # add: the condition `stock > above`
    level: int = 0  # exact: the level to set
    blind: bool = False  # add: the bucket's level was not read (`seen` has its number only)


def _spread(total: int, count: int) -> list[int]:
    share, extra = divmod(total, count)
    return [share + (1 if n < extra else 0) for n in range(count)]


def _take(stock: ProductStock, quantity: int) -> tuple[list[BucketWrite], bool | None]:
    if not stock.known:  # try a bucket unread; if it holds too little, all are read
        bucket = random.choice(stock.buckets)  # noqa: S311 - spreading load, not security
        return [
            BucketWrite(
                stock.product_id, bucket, "add", delta=-quantity, above=quantity, blind=True
            )
        ], None
    candidates = [b for b in stock.buckets if b.stock > quantity]
    if candidates:
        bucket = random.choice(candidates)  # noqa: S311 - spreading load, not security
        return [BucketWrite(stock.product_id, bucket, "add", delta=-quantity, above=quantity)], None
    if stock.total < quantity:  # the caller's plan checks this first; never oversell anyway
        raise ValueError("not enough stock for the plan")
    ops, left = [], quantity
    for bucket in sorted(stock.buckets, key=lambda b: -b.stock):
        if left == 0:
            break
        taken = min(left, bucket.stock)
        if taken:
            ops.append(BucketWrite(stock.product_id, bucket, "exact", level=bucket.stock - taken))
            left -= taken
    touched = {op.seen.number for op in ops}
    rest = [b for b in stock.buckets if b.number not in touched]
    if stock.total == quantity:  # sold out: nothing may have come in elsewhere meanwhile
        ops += [BucketWrite(stock.product_id, b, "unchanged") for b in rest if b.stored]
        return ops, False
    if any(op.level > 0 for op in ops):  # a bucket it sets keeps some: still in stock
        return ops, None
    keeper = next(b for b in rest if b.stock > 0)  # stock remains elsewhere: check it does
    return [*ops, BucketWrite(stock.product_id, keeper, "nonempty")], None


def _give(stock: ProductStock, quantity: int) -> tuple[list[BucketWrite], bool | None]:
    """Units given back (a cancellation, which reads the levels for its limit check: a
    give is never planned blind, and `total` refuses unread levels)."""
    if stock.total == 0:  # sold out: back in stock, and nothing came in elsewhere meanwhile
        first, *rest = stock.buckets
        ops = [BucketWrite(stock.product_id, first, "exact", level=quantity)]
        ops += [BucketWrite(stock.product_id, b, "unchanged") for b in rest if b.stored]
        return ops, True
    holding = [b for b in stock.buckets if b.stock > 0]
    bucket = random.choice(holding)  # noqa: S311 - spreading load, not security
    return [BucketWrite(stock.product_id, bucket, "add", delta=quantity, above=0)], None


def _mode_for(bucket: Bucket, level: int) -> Literal["exact", "unchanged"]:
    """A level is set exactly; a bucket left as it is must still be as read."""
    return "unchanged" if bucket.stored and bucket.stock == level else "exact"


def _set(stock: ProductStock, level: int, count: int) -> tuple[list[BucketWrite], bool | None]:
    buckets = list(stock.buckets) + [
        Bucket(n, 0, 0, None, stored=False) for n in range(len(stock.buckets), count)
    ]
    ops = [
        BucketWrite(stock.product_id, bucket, _mode_for(bucket, new), level=new)
        for bucket, new in zip(buckets, _spread(level, count), strict=True)
    ]
    crossing = (level > 0) if (stock.total > 0) != (level > 0) else None
    return ops, crossing


def bucket_writes(change: Change, stock: ProductStock) -> tuple[list[BucketWrite], bool | None]:
    """The writes (and checks) of the product's buckets that make the change, and whether
    `in_stock` flips (to what), or None."""
    count = max(len(stock.buckets), change.buckets or 0)
    if change.kind == "purchase":
        return _take(stock, change.amount)
    if change.kind == "cancellation":
        return _give(stock, change.amount)
    if change.kind == "adjustment":
        return _set(stock, stock.total + change.amount, count)
    return _set(stock, change.amount, count)  # "set" (a count, or more buckets)
