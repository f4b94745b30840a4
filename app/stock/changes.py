"""Every stock change goes through here: the one way stock is written, always with its
ledger entries, and with everything that must follow it.

A caller describes what it wants as a plan made from the products' current stock (a
purchase of 3, a count that sets 40..., plus any other actions of the same transaction:
an order, an idempotency record), and `apply` writes it (app/stock/commit.py) and then
runs the follow-ups a caller could otherwise forget:

- the listing copies of products whose availability flipped (app/stock/listing.py);
- spreading products whose purchases keep colliding over more buckets
  (app/stock/spreading.py), even when the change itself failed on those collisions.

A new product's first bucket and ledger entry are stock too: `first_bucket`.
"""

from __future__ import annotations

from app.db.table import Table
from app.db.transactions import Action
from app.stock import actions, commit, listing, spreading
from app.stock.commit import Committed, Outcome, Plan, PlanMaker, Refused, Snapshot
from app.stock.model import LedgerEntry
from app.stock.planning import Change

__all__ = [
    "Change",
    "Committed",
    "Outcome",
    "Plan",
    "PlanMaker",
    "Refused",
    "Snapshot",
    "apply",
    "first_bucket",
]


def apply(table: Table, *, snapshot: Snapshot, make_plan: PlanMaker, actor_id: str) -> Outcome:
    """Write `make_plan(snapshot)` in one transaction (retried while the stock moves under
    it), then its follow-ups. Errors the plan raises (not enough stock...) pass through."""
    try:
        outcome = commit.commit(table, snapshot=snapshot, make_plan=make_plan, actor_id=actor_id)
    finally:
        spreading.relieve(table, snapshot)
    if isinstance(outcome, Committed) and outcome.crossings:
        listing.follow(table, outcome.crossings)
    return outcome


def first_bucket(
    table: Table, *, product_id: str, stock: int, actor_id: str, reason: str, at: str
) -> tuple[list[Action], LedgerEntry | None]:
    """A new product's bucket 0 and, when it starts with stock, its first ledger entry: the
    actions to write with the product, in its transaction."""
    return actions.initial_actions(
        table, product_id=product_id, stock=stock, actor_id=actor_id, reason=reason, at=at
    )
