"""Listings spread over N index partitions ("write sharding"), read back as one.

An index partition takes about 1,000 writes per second. A listing that every purchase
writes to (all orders of a store, say) would put the whole store's purchase rate on one
partition, so its items are spread over N partitions by a hash of their id, and a page is
read from all N in parallel and merged by sort key.

The merge needs no per-shard state in the cursor: pages are emitted in one global order of
sort keys, which are unique (they end with the item's id), so "everything after the last
item shown" is the same condition for every shard. A cursor is that one sort key.

N may grow (new items spread wider; old ones stay where they are, in shards below the old
N, which are still read) but must never shrink.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.db.schema import INDEXES
from app.db.table import Table

MAX_PARALLEL_QUERIES = 16


@lru_cache(maxsize=1)
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=MAX_PARALLEL_QUERIES, thread_name_prefix="shard-query")


@dataclass(frozen=True)
class MergedListing:
    """The partitions of one index that together make a listing, and its order."""

    index: str
    partitions: Sequence[str]
    descending: bool = False

    @property
    def sort_key(self) -> str:
        return INDEXES[self.index][1]


def _query_one(
    table: Table, listing: MergedListing, partition: str, *, limit: int, after: str | None
) -> tuple[list[dict[str, Any]], bool]:
    pk, sk = INDEXES[listing.index][:2]
    condition = f"{pk} = :pk"
    values: dict[str, Any] = {":pk": partition}
    if after is not None:
        condition += f" AND {sk} {'<' if listing.descending else '>'} :after"
        values[":after"] = after
    items, next_key = table.query_page(
        index=listing.index,
        key_condition=condition,
        values=values,
        limit=limit,
        forward=not listing.descending,
    )
    return items, next_key is not None


def merged_page(
    table: Table, listing: MergedListing, *, limit: int, after: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to `limit` items after sort key `after`, from every partition, in order; and the
    sort key to continue after when more exist."""
    # each query runs in the request's context (its deadline for AWS calls)
    futures = [
        _executor().submit(
            copy_context().run, _query_one, table, listing, partition, limit=limit, after=after
        )
        for partition in listing.partitions
    ]
    results = [future.result() for future in futures]

    def position(item: dict[str, Any]) -> str:
        return str(item[listing.sort_key])

    items = sorted(
        (item for found, _ in results for item in found), key=position, reverse=listing.descending
    )
    # A shard that stopped short of `limit` items with more to come (DynamoDB's 1 MB page
    # limit) has unread items right after its last one: nothing past that may be shown yet.
    stops = [position(found[-1]) for found, more in results if more and len(found) < limit]
    if stops:
        stop = max(stops) if listing.descending else min(stops)
        items = [
            i for i in items if (position(i) >= stop if listing.descending else position(i) <= stop)
        ]
    more = len(items) > limit or any(more for _, more in results)
    page = items[:limit]
    return page, position(page[-1]) if more and page else None
