"""What a batch of change-stream records says about live stock.

Records come from DynamoDB Streams, in the same shape whether Lambda hands them over (an
event source mapping) or the local poller reads them (app/live/local_stream.py): each has
`eventName` and `dynamodb` with `Keys`, `NewImage`, `OldImage` and `SequenceNumber`. A
product's stock changed when one of its stock buckets did; it is gone when its definition
was removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.db.keys import product_item_of


@dataclass(frozen=True)
class Touched:
    """A product whose stock a batch changed, and the first record that said so."""

    store: str
    product_id: str
    first_sequence: str


def touched_products(records: Iterable[Mapping[str, Any]]) -> list[Touched]:
    """The products whose stock (or existence) the records changed, in the order first seen."""
    found: dict[tuple[str, str], Touched] = {}
    for record in records:
        change = record.get("dynamodb") or {}
        keys = {name: value.get("S", "") for name, value in (change.get("Keys") or {}).items()}
        item = product_item_of(keys)
        if item is None:
            continue
        if item.bucket is None and record.get("eventName") != "REMOVE":
            continue  # a definition edited: its stock did not change
        key = (item.store, item.product_id)
        if key not in found:
            found[key] = Touched(item.store, item.product_id, str(change.get("SequenceNumber", "")))
    return list(found.values())
