"""Changing stock: the one place that writes stock, always with its ledger entries.

A caller describes what it wants as a plan made from the products' current stock: the
changes (a purchase of 3, a count that sets 40...), plus any other actions that belong in
the same transaction (an order, an idempotency record...). `commit` turns the changes into
writes of the products' stock buckets and ledger entries and writes everything in one
TransactWriteItems. Stock can never go below zero, and `in_stock` on the product (what
listings show) is always exactly "stock > 0":

- A purchase takes its units from one bucket chosen at random: `ADD stock -q` conditioned
  on `stock > q`. It does not even read the bucket first (it knows only how many the
  product has): nothing is read and written back, so any number of buyers proceed at once,
  a hot product's buckets are never read per purchase, and the bucket is never emptied
  this way. When the bucket holds too little, all the product's buckets are read (one
  BatchGetItem) and the purchase is planned from their levels: from another bucket that
  holds more, or as below.
- When no single bucket holds more (the last units, or a quantity spread over buckets),
  the purchase sets exact levels, conditioned on what it read; if that empties the
  product, the same transaction sets `in_stock = false`; if stock remains elsewhere, it
  checks that another bucket still holds some.
- A cancellation adds to a bucket that holds stock (`stock > 0`), or -- when the product
  is sold out -- sets bucket 0 exactly and `in_stock = true`.
- Staff changes (a count, an adjustment, more buckets) set every bucket's exact level,
  conditioned on each bucket's change count and on the product's bucket count (a product
  spread meanwhile has buckets the plan did not see), spreading the stock evenly: the
  ledger gets the exact level after the change. So does a change that flips `in_stock`.
- A product whose purchases keep colliding is spread over more buckets automatically
  (app/stock/spreading.py); collisions on its buckets are reported to app/stock/contention.py.

When a condition fails, DynamoDB returns the item as it is (ReturnValuesOnConditionCheck-
Failure), and the plan is made again from that: a purchase whose stock is really gone
raises the caller's "not enough stock" (409) and is never retried blindly; one that can
still be served from another bucket is. Conflicts are retried with jittered backoff within
CONTENTION_BUDGET_SECONDS (and the request's deadline); then 503 with Retry-After.

Bucket 0 of a product holds the low-stock index's partition key while its stock is low (at
most the ceiling): buying a well-stocked product writes no index entry. An ADD cannot see
the level it leaves, so one that believes the bucket stays above the ceiling says so in its
condition (`GSI3PK` is there, or the level stays above the ceiling); when that fails, the
retry sees the low level and sets the key. No low bucket is ever missing from the index.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn

from app.core.config import get_settings
from app.core.errors import InvalidInputError
from app.core.faults import remaining_seconds
from app.core.timeutil import now_iso
from app.db import transactions as tx
from app.db.expressions import Update
from app.db.keys import STOCK_KEY, STOCK_KEY_SCALE, stock_key
from app.db.table import Table
from app.db.transactions import Action, ContentionError, TransactionCancelled, TransactionThrottled
from app.stock import contention, ledger
from app.stock.model import (
    Bucket,
    LedgerEntry,
    MovementKind,
    ProductStock,
    bucket_from_item,
    new_entry,
)
from app.stock.reading import read_products

CONTENTION_BUDGET_SECONDS = 5.0
# changes that set every bucket's level: they must know every bucket the product has
STAFF_KINDS = frozenset({"set", "adjustment"})

Snapshot = dict[str, ProductStock]  # by product id; a product that is gone is absent


class PlanTooLargeError(InvalidInputError):
    code, title = "order_too_large", "Too many changes for one transaction"


@dataclass(frozen=True)
class Change:
    """What should happen to one product's stock."""

    product_id: str
    kind: MovementKind
    amount: int  # purchase, cancellation: units; set: the level; adjustment: the delta
    reason: str
    order_id: str | None = None
    buckets: int | None = None  # staff changes: spread over this many buckets (never fewer)


@dataclass
class Plan:
    changes: Sequence[Change]
    # other actions of the same transaction, and what to do when one of them fails its
    # condition (called with its index in `actions`; it must raise)
    actions: Sequence[Action] = ()
    on_action_failed: Callable[[int], NoReturn] | None = None
    # whatever the caller wants back from the plan that was written (e.g. the order)
    result: Any = None


PlanMaker = Callable[[Snapshot], Plan]


@dataclass(frozen=True)
class Committed:
    plan: Plan
    entries: list[LedgerEntry]
    # products whose in_stock flipped, and to what (their listing entries follow)
    crossings: dict[str, bool] = field(default_factory=dict)


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


# --- planning ----------------------------------------------------------------------------


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
    if not stock.known:
        bucket = random.choice(stock.buckets)  # noqa: S311 - spreading load, not security
        return [BucketWrite(stock.product_id, bucket, "add", delta=quantity, blind=True)], None
    holding = [b for b in stock.buckets if b.stock > 0]
    if holding:
        bucket = random.choice(holding)  # noqa: S311 - spreading load, not security
        return [BucketWrite(stock.product_id, bucket, "add", delta=quantity, above=0)], None
    first, *rest = stock.buckets
    ops = [BucketWrite(stock.product_id, first, "exact", level=quantity)]
    ops += [BucketWrite(stock.product_id, b, "unchanged") for b in rest if b.stored]
    return ops, True


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


# --- writing -------------------------------------------------------------------------------


def _low_ceiling() -> int:
    return get_settings().low_stock_ceiling


def bucket_action(table: Table, op: BucketWrite, at: str) -> Action:
    """The write (or check) of one bucket that `op` describes."""
    key = table.keys.stock_bucket(op.product_id, op.seen.number)
    low_index = op.seen.number == 0
    update = Update()
    if op.mode == "add":
        update.add("stock", op.delta).add(STOCK_KEY, op.delta * STOCK_KEY_SCALE).add("seq", 1)
        update.set({"updated_at": at})
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
) -> Action:
    """The product's part of a stock change: `in_stock` and its bucket count, when they
    change, on the condition that the product exists and (with `buckets_as_read`) still has
    the buckets the change was planned over. Nothing to change: a check only."""
    update = Update().condition("attribute_exists(PK)")
    if buckets_as_read is not None:
        update.condition(
            "attribute_not_exists({buckets}) OR {buckets} = {count}"
            if buckets_as_read == 1
            else "{buckets} = {count}",
            count=buckets_as_read,
        )
    key = table.keys.product(product_id)
    if in_stock is None and buckets is None:
        return tx.check(table.name, key, update)
    update.add("listing_seq", 1)
    if in_stock is not None:
        update.set({"in_stock": in_stock})
    if buckets is not None:
        update.set({"buckets": buckets})
    return tx.update(table.name, key, update)


@dataclass
class _Written:
    actions: list[Action]
    ops: list[BucketWrite]  # ops[i] is actions[i]
    entries: list[LedgerEntry]
    crossings: dict[str, bool]
    products: list[str]  # the product actions, in order, after the ops'


def _writes(table: Table, plan: Plan, snapshot: Snapshot, actor_id: str) -> _Written:
    at = now_iso()
    ops: list[BucketWrite] = []
    entries: list[LedgerEntry] = []
    crossings: dict[str, bool] = {}
    bucket_counts: dict[str, int] = {}
    planned_over: dict[str, int] = {}  # products whose change counts on knowing every bucket
    for change in plan.changes:
        stock = snapshot[change.product_id]
        change_ops, crossing = bucket_writes(change, stock)
        ops += change_ops
        entries += filter(None, (ledger_entry(op, change, actor_id, at) for op in change_ops))
        if crossing is not None:
            crossings[change.product_id] = crossing
        count = max(len(stock.buckets), change.buckets or 0)
        if count != len(stock.buckets):
            bucket_counts[change.product_id] = count
        if stock.known and (change.kind in STAFF_KINDS or crossing is not None):
            planned_over[change.product_id] = len(stock.buckets)
    actions = [bucket_action(table, op, at) for op in ops]
    products = sorted(set(crossings) | set(bucket_counts) | set(planned_over))
    actions += [
        product_action(
            table,
            pid,
            in_stock=crossings.get(pid),
            buckets=bucket_counts.get(pid),
            buckets_as_read=planned_over.get(pid),
        )
        for pid in products
    ]
    actions += [ledger.put_action(table, entry) for entry in entries]
    return _Written(actions, ops, entries, crossings, products)


def commit(table: Table, *, snapshot: Snapshot, make_plan: PlanMaker, actor_id: str) -> Committed:
    """Write `make_plan(snapshot)` atomically (see the module docstring)."""
    snapshot = dict(snapshot)
    left = remaining_seconds()
    budget = CONTENTION_BUDGET_SECONDS if left is None else min(CONTENTION_BUDGET_SECONDS, left)
    deadline = time.monotonic() + budget
    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        plan = make_plan(snapshot)
        written = _writes(table, plan, snapshot, actor_id)
        actions = [*written.actions, *plan.actions]
        if not (written.entries or written.products or plan.actions):
            return Committed(plan=plan, entries=[])  # nothing to change
        if len(actions) > tx.MAX_ACTIONS:
            raise PlanTooLargeError("This changes too much at once: order fewer lines.")
        try:
            tx.transact_write(table.client, actions, attempts=1)
        except TransactionThrottled as throttled:
            _report_collisions(table, written.ops, throttled.cancelled)
            raise
        except TransactionCancelled as cancelled:
            _report_collisions(table, written.ops, cancelled)
            retry = _learn(table, snapshot, plan, written, cancelled)
            if retry == "now":
                continue
            if retry == "later" or cancelled.only_conflicts:
                tx.backoff(attempt)
                continue
            raise
        return Committed(plan=plan, entries=written.entries, crossings=written.crossings)
    raise ContentionError


def _report_collisions(
    table: Table, ops: Sequence[BucketWrite], cancelled: TransactionCancelled
) -> None:
    collided = {
        table.keys.product_partition(op.product_id)
        for index, op in enumerate(ops)
        if cancelled.reason(index) in contention.COLLISION_CODES
    }
    if collided:
        contention.tracker.collided(collided)


def _learn(
    table: Table,
    snapshot: Snapshot,
    plan: Plan,
    written: _Written,
    cancelled: TransactionCancelled,
) -> Literal["now", "later", "no"]:
    """What a cancelled transaction teaches: the plan's own actions may end the purchase
    (`on_action_failed` raises); buckets that failed their condition are taken as they are
    now (bucket levels tried unread are all read: retry at once); products that failed
    theirs are read again (gone, or given more buckets meanwhile). Whether (and when) to try
    again."""
    first_other = len(written.actions)
    for index in range(len(plan.actions)):
        if plan.on_action_failed and cancelled.condition_failed(first_other + index):
            plan.on_action_failed(index)
    failed = False
    unread: set[str] = set()
    for index, op in enumerate(written.ops):
        if cancelled.condition_failed(index):
            failed = True
            _refresh(snapshot, op, cancelled.old_item(index))
            if op.blind and op.product_id in snapshot:
                unread.add(op.product_id)
    for offset, product_id in enumerate(written.products):
        if cancelled.condition_failed(len(written.ops) + offset):
            # gone, or spread over more buckets than the plan knew: read it again
            unread.add(product_id)
    if unread:
        _read_levels(table, snapshot, sorted(unread))
        return "now"
    return "later" if failed else "no"


def _read_levels(table: Table, snapshot: Snapshot, product_ids: list[str]) -> None:
    read = read_products(table, product_ids)
    for product_id in product_ids:
        if product_id in read.stock:
            snapshot[product_id] = read.stock[product_id]
        else:
            snapshot.pop(product_id, None)  # deleted meanwhile


def _refresh(snapshot: Snapshot, op: BucketWrite, item: dict[str, Any] | None) -> None:
    """Take a bucket's current state from a failed condition."""
    stock = snapshot.get(op.product_id)
    if stock is None:
        return
    if item is None and op.seen.stored:  # deleted with its product
        snapshot.pop(op.product_id)
        return
    if not stock.known:
        return  # all its buckets are read next
    fresh = bucket_from_item(item) if item else Bucket(op.seen.number, 0, 0, None, stored=False)
    buckets = list(stock.buckets)
    if fresh.number < len(buckets):
        buckets[fresh.number] = fresh
    snapshot[op.product_id] = ProductStock(op.product_id, tuple(buckets))


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
    }
    if stock <= _low_ceiling():
        item.update(table.keys.low_stock_attributes(product_id))
    actions = [tx.put(table.name, item)]
    if entry:
        actions.append(ledger.put_action(table, entry))
    return actions, entry
