"""The stock ledger: one immutable entry per stock change, written in the same transaction
as the change itself, in the product's partition, sorted by time.

Each entry records the delta exactly. `stock_after` is recorded where the change fixes it
(initial stock, a stock count): additive changes (purchases, cancellations, adjustments) are
conditional increments (`stock >= :needed`) that run concurrently without reading first, so
the level right after one of them is not observable inside its transaction -- see
docs/ARCHITECTURE.md, "Stock and its ledger".
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
    kind: MovementKind
    delta: int
    stock_after: int | None = None
    reason: str
    actor_id: str
    order_id: str | None = None
    at: str


def new_entry(
    *,
    product_id: str,
    kind: MovementKind,
    delta: int,
    reason: str,
    actor_id: str,
    at: str,
    stock_after: int | None = None,
    order_id: str | None = None,
) -> LedgerEntry:
    return LedgerEntry(
        id=str(uuid.uuid4()),
        product_id=product_id,
        kind=kind,
        delta=delta,
        stock_after=stock_after,
        reason=reason,
        actor_id=actor_id,
        order_id=order_id,
        at=at,
    )


def put_action(table: Table, entry: LedgerEntry) -> dict[str, Any]:
    """The transaction action storing `entry` (never overwriting another)."""
    key = table.keys.ledger_entry(entry.product_id, entry.at, entry.id)
    return {
        "Put": {
            "TableName": table.name,
            "Item": serialize({**key, **entry.model_dump()}),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }
