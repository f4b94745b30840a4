"""Changing stock: the one place that writes `stock`, always with its ledger entries.

A caller describes what it wants as a `plan` made from the products' current state: the
stock moves, plus any other actions that must happen in the same transaction (an order, an
idempotency record...). `commit` writes the plan in one TransactWriteItems. Two kinds of
move:

- additive (purchases, cancellations): `ADD stock :delta` conditioned on `stock >= :needed`.
  Nothing is read-then-written, so any number of buyers proceed concurrently, and stock can
  never go below zero. A failed condition is the answer -- not enough stock (or no such
  product) -- and is never retried: the plan, made again from the item DynamoDB returns with
  the failure (ReturnValuesOnConditionCheckFailure=ALL_OLD), raises the 409 naming what is
  available.
- level-setting (stock counts, adjustments by staff): `SET stock = :after` conditioned on
  the `stock_seq` read, so the ledger records the exact level after the change. When the
  level moved in between, the plan is made again from the returned item.

Transaction conflicts are retried with jittered backoff. Retries are bounded in time
(CONTENTION_BUDGET_SECONDS); past that the caller gets 503 with Retry-After.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

from app.core.faults import remaining_seconds
from app.core.timeutil import now_iso
from app.db.codec import serialize
from app.db.expressions import Update
from app.db.keys import PRODUCT
from app.db.table import Table
from app.db.transactions import ContentionError, TransactionCancelled, backoff, transact_write
from app.inventory import ledger
from app.products.repository import from_item
from app.products.schemas import ProductRecord

CONTENTION_BUDGET_SECONDS = 5.0

Snapshot = dict[str, ProductRecord]


@dataclass(frozen=True)
class StockMove:
    product_id: str
    delta: int
    kind: ledger.MovementKind
    reason: str
    order_id: str | None = None
    mode: Literal["add", "set"] = "add"


@dataclass
class Plan:
    moves: Sequence[StockMove]
    # other actions of the same transaction, and what to do when one of them fails its
    # condition (called with its index in `actions`; it must raise)
    actions: Sequence[dict[str, Any]] = ()
    on_action_failed: Callable[[int], NoReturn] | None = None
    # whatever the caller wants back from the plan that was written (e.g. the order)
    result: Any = None


PlanMaker = Callable[[Snapshot], Plan]


@dataclass(frozen=True)
class Committed:
    plan: Plan
    entries: list[ledger.LedgerEntry]


def read_products(table: Table, product_ids: Sequence[str]) -> Snapshot:
    """The products' current state in one strongly consistent BatchGetItem."""
    items = table.batch_get([table.keys.product(pid) for pid in product_ids]) if product_ids else []
    return snapshot_of(items)


def snapshot_of(items: Sequence[dict[str, Any]]) -> Snapshot:
    """The products among items read together with others."""
    return {item["id"]: from_item(item) for item in items if item["SK"] == PRODUCT}


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
        entries = _entries(plan, snapshot, actor_id)
        product_actions = [
            _product_update(table, snapshot[move.product_id], move, entry)
            for move, entry in zip(plan.moves, entries, strict=True)
        ]
        ledger_actions = [ledger.put_action(table, entry) for entry in entries]
        if not (product_actions or plan.actions):
            return Committed(plan=plan, entries=[])  # nothing to change
        try:
            transact_write(
                table.client, [*product_actions, *ledger_actions, *plan.actions], attempts=1
            )
        except TransactionCancelled as cancelled:
            first_other = len(product_actions) + len(ledger_actions)
            for index in range(len(plan.actions)):
                if plan.on_action_failed and cancelled.condition_failed(first_other + index):
                    plan.on_action_failed(index)
            failed = [i for i in range(len(plan.moves)) if cancelled.condition_failed(i)]
            for index in failed:
                _refresh(snapshot, plan.moves[index].product_id, cancelled.old_item(index))
            if any(plan.moves[index].mode == "add" for index in failed):
                make_plan(snapshot)  # final: made from the state that failed it, it raises
                raise ContentionError from cancelled  # pragma: no cover - plans raise above
            if failed or cancelled.only_conflicts:
                backoff(attempt)
                continue
            raise
        return Committed(plan=plan, entries=entries)
    raise ContentionError


def _entries(plan: Plan, snapshot: Snapshot, actor_id: str) -> list[ledger.LedgerEntry]:
    now = now_iso()
    return [
        ledger.new_entry(
            product_id=move.product_id,
            kind=move.kind,
            delta=move.delta,
            stock_after=snapshot[move.product_id].stock + move.delta
            if move.mode == "set"
            else None,
            reason=move.reason,
            actor_id=actor_id,
            order_id=move.order_id,
            at=now,
        )
        for move in plan.moves
    ]


def _refresh(snapshot: Snapshot, product_id: str, item: dict[str, Any] | None) -> None:
    """Take the product's current state from a failed condition (no item: it is gone)."""
    if item is None:
        snapshot.pop(product_id, None)
    else:
        snapshot[product_id] = from_item(item)


def _product_update(
    table: Table, product: ProductRecord, move: StockMove, entry: ledger.LedgerEntry
) -> dict[str, Any]:
    update = Update().add("stock_seq", 1).set({"stock_updated_at": entry.at})
    update.condition("attribute_exists(PK)")
    if move.mode == "set":
        update.set({"stock": entry.stock_after})
        update.condition("{stock_seq} = {seen}", seen=product.stock_seq)
    else:
        update.add("stock", move.delta)
        update.condition("{stock} >= {needed}", needed=max(0, -move.delta))
    return {
        "Update": {
            "TableName": table.name,
            "Key": serialize(table.keys.product(product.id)),
            **update.request(),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }
