"""What a batch of change-stream records says about live stock.

A product's stock changed when one of its stock buckets did; it is gone when its
definition was removed. (Records are read by app/db/stream_records.py, as for the
catalog's events and the audit log.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.db.keys import product_item_of
from app.db.stream_records import stream_changes


@dataclass(frozen=True)
class Touched:
    """A product whose stock a batch changed, and the first record that said so."""

    store: str
    product_id: str
    first_sequence: str


def touched_products(records: Iterable[Mapping[str, Any]]) -> list[Touched]:
    """The products whose stock (or existence) the records changed, in the order first seen."""
    found: dict[tuple[str, str], Touched] = {}
    for change in stream_changes(records):
        item = product_item_of(change.keys)
        if item is None:
            continue
        if item.bucket is None and not change.removed:
            continue  # a definition edited: its stock did not change
        key = (item.store, item.product_id)
        if key not in found:
            found[key] = Touched(item.store, item.product_id, change.sequence)
    return list(found.values())
