"""Writing a stock change: the plan, its transaction, and what a cancelled one teaches.

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
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from app.core.errors import InvalidInputError
from app.core.faults import remaining_seconds
from app.core.timeutil import now_iso
from app.db import transactions as tx
from app.db.expressions import Update
from app.db.table import Table
from app.db.transactions import Action, ContentionError, TransactionCancelled, TransactionThrottled
from app.stock import contention, ledger
from app.stock.actions import bucket_action, ledger_entry, product_action
from app.stock.model import Bucket, LedgerEntry, ProductStock, bucket_from_item
from app.stock.planning import STAFF_KINDS, BucketWrite, Change, bucket_writes
from app.stock.reading import read_products

CONTENTION_BUDGET_SECONDS = 5.0

Snapshot = dict[str, ProductStock]  # by product id; a product that is gone is absent


class PlanTooLargeError(InvalidInputError):
    code, title = "order_too_large", "Too many changes for one transaction"


@dataclass
class Plan:
    changes: Sequence[Change]
    # other actions of the same transaction (an order, an idempotency record...): when one
    # fails its condition, nothing is written and the caller is told which (`Refused`)
    actions: Sequence[Action] = ()
    # whatever the caller wants back from the plan that was written (e.g. the order)
    result: Any = None
    # changes to products' definitions written by the same transaction (an import row that
    # sets a product's fields and counts its stock): merged into the product's own stock
    # action, since one transaction may touch an item only once. Their conditions failing
    # is a `Refused` (the product changed since it was read).
    product_changes: Mapping[str, Update] = field(default_factory=dict)


PlanMaker = Callable[[Snapshot], Plan]


@dataclass(frozen=True)
class Committed:
    plan: Plan
    entries: list[LedgerEntry]
    # products whose in_stock flipped, and to what (their listing entries follow)
    crossings: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Refused:
    """One of the plan's own actions failed its condition (the idempotency key was claimed
    meanwhile, the order was cancelled meanwhile...): nothing was written."""

    plan: Plan
    action: int | None  # its index in `plan.actions`; None: a product of `product_changes`


Outcome = Committed | Refused


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
    actions = [bucket_action(table, op, at, actor_id) for op in ops]
    products = sorted(
        set(crossings) | set(bucket_counts) | set(planned_over) | set(plan.product_changes)
    )
    actions += [
        product_action(
            table,
            pid,
            in_stock=crossings.get(pid),
            buckets=bucket_counts.get(pid),
            buckets_as_read=planned_over.get(pid),
            actor_id=actor_id,
            at=at,
            definition=plan.product_changes.get(pid),
        )
        for pid in products
    ]
    actions += [ledger.put_action(table, entry) for entry in entries]
    return _Written(actions, ops, entries, crossings, products)


def commit(table: Table, *, snapshot: Snapshot, make_plan: PlanMaker, actor_id: str) -> Outcome:
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
            refused = _refused_action(plan, written, cancelled)
            if refused is not None:
                return refused
            retry = _learn(table, snapshot, written, cancelled)
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


def _refused_action(
    plan: Plan, written: _Written, cancelled: TransactionCancelled
) -> Refused | None:
    """The first of the plan's own actions that failed its condition, if any (a product
    whose definition it changes counts as one)."""
    for offset, product_id in enumerate(written.products):
        at = len(written.ops) + offset
        if product_id in plan.product_changes and cancelled.condition_failed(at):
            return Refused(plan=plan, action=None)
    first = len(written.actions)
    action = next(
        (n for n in range(len(plan.actions)) if cancelled.condition_failed(first + n)), None
    )
    return None if action is None else Refused(plan=plan, action=action)


def _learn(
    table: Table, snapshot: Snapshot, written: _Written, cancelled: TransactionCancelled
) -> Literal["now", "later", "no"]:
    """What a cancelled transaction teaches: buckets that failed their condition are taken
    as they are now (bucket levels tried unread are all read: retry at once); products that
    failed theirs are read again (gone, or given more buckets meanwhile). Whether (and when)
    to try again."""
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
