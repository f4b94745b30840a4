"""The stock ledger: one immutable entry per stock change, written in the same transaction.

Every product carries `stock` and `stock_seq`, the number of changes so far. A change is
conditioned on the `stock_seq` it read, so changes to one product are totally ordered:
entry n (sort key LEDGER#<n>) records the delta and the exact stock after it. A writer whose
read went stale learns the current values from the failed condition and decides again --
retrying only when the stock still allows the change.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel

from app.db.codec import serialize
from app.db.table import Table

MovementKind = Literal["initial", "set", "adjustment", "purchase", "cancellation"]


class LedgerEntry(BaseModel):
    id: str
    product_id: str
    seq: int
    kind: MovementKind
    delta: int
    stock_after: int
    reason: str
    actor_id: str
    order_id: str | None = None
    at: str


def new_entry(
    *,
    product_id: str,
    seq: int,
    kind: MovementKind,
    delta: int,
    stock_after: int,
    reason: str,
    actor_id: str,
    at: str,
    order_id: str | None = None,
) -> LedgerEntry:
    return LedgerEntry(
        id=str(uuid.uuid4()),
        product_id=product_id,
        seq=seq,
        kind=kind,
        delta=delta,
        stock_after=stock_after,
        reason=reason,
        actor_id=actor_id,
        order_id=order_id,
        at=at,
    )


def put_action(table: Table, entry: LedgerEntry) -> dict[str, Any]:
    """The transaction action storing `entry`; it fails if that sequence number is taken."""
    item = {**table.keys.ledger_entry(entry.product_id, entry.seq), **entry.model_dump()}
    return {
        "Put": {
            "TableName": table.name,
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }
