"""Listings spread over several partitions ("write sharding"), read back as one.

A partition takes about 1,000 writes per second. A listing that every purchase writes to
(all orders of a store, say) would put the whole store's purchase rate on one partition,
so its items are spread over N partitions by a hash of their id, and a page is read from
all N in parallel and merged by sort key. The same merge reads a hot product's ledger,
which is spread over its stock buckets' partitions.

The merge needs no per-partition state in the cursor: pages are emitted in one global
order of sort keys, which are unique, so "everything after the last item shown" is the
same condition for every partition. A cursor is that one sort key.

N may grow (new items spread wider; old ones stay where they are, in partitions below the
old N, which are still read) but must never shrink.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from app.db.codec import RawItem
from app.db.schema import INDEX_KEY_ATTRIBUTES
from app.db.table import Filter, Sort, Table

MAX_PARALLEL_QUERIES = 16

Position = str | int


@lru_cache(maxsize=1)
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=MAX_PARALLEL_QUERIES, thread_name_prefix="shard-query")


@dataclass(frozen=True)
class MergedListing:
    """The partitions (of the table, or of an index) that together make a listing."""

    partitions: Sequence[str]
    index: str | None = None
    descending: bool = False
    # descending: the first page starts below this sort key; ascending: nothing above
    # `upto` (a number: the low-stock threshold's bound) is listed
    below: str | None = None
    upto: int | None = None
    item_filter: Filter | None = None

    @property
    def sort_key(self) -> str:
        return INDEX_KEY_ATTRIBUTES[self.index][-1]


def _position(value: Any) -> Position:
    return int(value) if isinstance(value, Decimal | int) else str(value)


def _raw_position(raw: RawItem, attribute: str) -> Position:
    ((kind, value),) = raw[attribute].items()
    return int(value) if kind == "N" else str(value)


def _raw_key(attribute: str, position: Position) -> RawItem:
    """A cursor's key: the sort key of the last item shown (app/db/pagination.py signs it)."""
    kind = "N" if isinstance(position, int) else "S"
    return {attribute: {kind: str(position)}}


def _sort(listing: MergedListing, after: Position | None) -> Sort | None:
    if listing.descending:
        bound = after if after is not None else listing.below
        return Sort.below(bound) if bound is not None else None
    if listing.upto is not None:
        return Sort.between(int(after) + 1 if after is not None else 0, listing.upto)
    return Sort.after(after) if after is not None else None


def _query_one(
    table: Table, listing: MergedListing, partition: str, *, limit: int, after: Position | None
) -> tuple[list[dict[str, Any]], Position | None]:
    """Up to `limit` items of one partition after `after`, and where it stopped when more
    may follow (None when it read to the end)."""
    items, next_key = table.query_page(
        partition,
        index=listing.index,
        sort=_sort(listing, after),
        limit=limit,
        forward=not listing.descending,
        item_filter=listing.item_filter,
        consistent=listing.index is None,
    )
    return items, _raw_position(next_key, listing.sort_key) if next_key else None


def merged_page(
    table: Table, listing: MergedListing, *, limit: int, start_key: RawItem | None
) -> tuple[list[dict[str, Any]], RawItem | None]:
    """Up to `limit` items after the cursor's key, from every partition, in order; and the
    key to continue from when more exist."""
    sk = listing.sort_key
    after = _raw_position(start_key, sk) if start_key else None
    # each query runs in the request's context (its deadline for AWS calls)
    futures = [
        _executor().submit(
            copy_context().run, _query_one, table, listing, partition, limit=limit, after=after
        )
        for partition in listing.partitions
    ]
    results = [future.result() for future in futures]

    def position(item: dict[str, Any]) -> Position:
        return _position(item[sk])

    items = sorted(
        (item for found, _ in results for item in found), key=position, reverse=listing.descending
    )
    # A partition that stopped short of `limit` items with more to come (DynamoDB's 1 MB
    # page, or a filter's read budget) may hold unread items right after where it stopped:
    # nothing past that may be shown yet.
    stops = [stop for found, stop in results if stop is not None and len(found) < limit]
    if stops:
        limit_at: Any = max(stops) if listing.descending else min(stops)
        items = [
            i
            for i in items
            if (position(i) >= limit_at if listing.descending else position(i) <= limit_at)
        ]
        if not items:  # nothing can be shown yet: continue from the stop
            return [], _raw_key(sk, limit_at)
    more = len(items) > limit or any(stop is not None for _, stop in results)
    page = items[:limit]
    return page, _raw_key(sk, position(page[-1])) if more and page else None
