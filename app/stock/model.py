"""What stock is made of: a product's buckets, and the ledger entries that record them.

A product's stock lives in one or more *buckets* (items of their own, apart from the
product's definition). Most products have one; a hot product gets several, so that its
purchases spread over several items and partitions. The product's stock is their sum; its
stock version (the ETag's second part) is the sum of their change counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

MovementKind = Literal["initial", "set", "adjustment", "purchase", "cancellation"]

# A staff change sets every bucket and records each in the ledger, with the product, in one
# transaction (at most 100 actions): 2 x 64 + 1 would not fit, 2 x 48 + 1 does.
MAX_BUCKETS = 48
# A product's stock never passes this (a count, a delivery or a cancellation that would is
# refused: app/stock/limits.py); taking stock away is always possible.
MAX_STOCK = 1_000_000_000


@dataclass(frozen=True)
class Bucket:
    number: int
    stock: int
    seq: int  # changes so far (one ledger entry each)
    updated_at: str | None
    stored: bool = True  # False: a bucket the product has but no item yet holds (stock 0)


@dataclass(frozen=True)
class ProductStock:
    product_id: str
    buckets: tuple[Bucket, ...]
    # False: only the number of buckets is known, not their levels (a purchase's read: it
    # takes units from a bucket without reading it first; see app/stock/planning.py)
    known: bool = True

    @classmethod
    def unread(cls, product_id: str, count: int) -> ProductStock:
        return cls(product_id, tuple(Bucket(n, 0, 0, None) for n in range(count)), known=False)

    @property
    def total(self) -> int:
        if not self.known:
            raise ValueError("the levels of these buckets were not read")
        return sum(bucket.stock for bucket in self.buckets)

    @property
    def version(self) -> int:
        return sum(bucket.seq for bucket in self.buckets)

    @property
    def updated_at(self) -> str | None:
        stamps = [bucket.updated_at for bucket in self.buckets if bucket.updated_at]
        return max(stamps) if stamps else None

    def bucket(self, number: int) -> Bucket:
        return self.buckets[number]


def bucket_from_item(item: Mapping[str, Any]) -> Bucket:
    return Bucket(
        number=int(item.get("bucket", 0)),
        stock=int(item["stock"]),
        seq=int(item.get("seq", 0)),
        updated_at=item.get("updated_at"),
    )


def stock_from(product_id: str, count: int, items: Sequence[Mapping[str, Any]]) -> ProductStock:
    """A product's `count` buckets from the bucket items read (missing ones hold 0)."""
    found = {int(item.get("bucket", 0)): bucket_from_item(item) for item in items}
    return ProductStock(
        product_id,
        tuple(found.get(n) or Bucket(n, 0, 0, None, stored=False) for n in range(count)),
    )


class LedgerEntry(BaseModel):
    id: str
    product_id: str
    bucket: int = 0
    kind: MovementKind
    delta: int
    stock_after: int | None = None  # the bucket's level, where the change fixed it
    reason: str
    actor_id: str
    order_id: str | None = None
    at: str


def new_entry(
    *,
    product_id: str,
    bucket: int,
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
        bucket=bucket,
        kind=kind,
        delta=delta,
        stock_after=stock_after,
        reason=reason,
        actor_id=actor_id,
        order_id=order_id,
        at=at,
    )
