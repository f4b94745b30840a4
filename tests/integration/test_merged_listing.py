"""A listing spread over partitions and read back as one (app/db/sharding.py), against
DynamoDB Local: paged through with a filter that one partition rarely matches, it shows
every matching item once, in order.

The case that needs care: a partition whose filtered reads run out of budget before its
page is full stops short, with items of its own still unread right after where it stopped.
The other partitions' pages reach further; showing their items past that stop and then
continuing after the last one shown would skip the unread ones for good.
"""

from __future__ import annotations

import pytest

from app.db.sharding import MergedListing, merged_page
from app.db.table import MAX_FILTERED_READS, Filter, Table

pytestmark = pytest.mark.dynamodb

WANTED = Filter("#status = :status", names={"#status": "status"}, values={":status": "wanted"})
LIMIT = 2


def partitions(table: Table) -> list[str]:
    return [f"S#{table.keys.store}#MERGE-TEST#{n}" for n in range(3)]


def listing_of(table: Table, *, descending: bool) -> MergedListing:
    return MergedListing(
        partitions=partitions(table),
        descending=descending,
        below="O#\x7f" if descending else None,
        item_filter=WANTED,
    )


def every_page(table: Table, listing: MergedListing) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    while True:
        items, cursor = merged_page(table, listing, limit=LIMIT, start_key=cursor)
        pages.append([str(item["SK"]) for item in items])
        if cursor is None:
            return pages
        assert len(pages) < 200, "the listing does not end"


@pytest.fixture
def spread(table: Table) -> list[str]:
    """Partition 0 holds positions 100..298 (even): its newest are unwanted, more of them
    than one filtered query may read, and below those every fourth position is wanted.
    Partitions 1 and 2 hold positions 0..59, every third wanted. The wanted SKs, ascending."""
    first, *others = partitions(table)
    budget = MAX_FILTERED_READS * (LIMIT + 1)  # the items one filtered query may read
    items = []
    for position in range(100, 300, 2):
        top = position >= 300 - 2 * (budget + 5)
        wanted = not top and position % 4 == 0
        items.append({"PK": first, "SK": f"O#{position:04d}", "status": _status(wanted)})
    for position in range(60):
        partition = others[position % 2]
        items.append(
            {"PK": partition, "SK": f"O#{position:04d}", "status": _status(position % 3 == 0)}
        )
    table.batch_put(items)
    return sorted(str(item["SK"]) for item in items if item["status"] == "wanted")


def _status(wanted: bool) -> str:
    return "wanted" if wanted else "other"


@pytest.mark.parametrize("descending", [True, False])
def test_every_matching_item_once_in_order(
    table: Table, spread: list[str], descending: bool
) -> None:
    pages = every_page(table, listing_of(table, descending=descending))
    shown = [sk for page in pages for sk in page]
    assert shown == (sorted(spread, reverse=True) if descending else spread)
    assert all(len(page) <= LIMIT for page in pages)


def test_a_partition_that_stops_short_holds_the_others_back(
    table: Table, spread: list[str]
) -> None:
    """Newest first, partition 0 reads only unwanted items within its budget: the first
    page shows none of the other partitions' wanted items (all older than partition 0's
    unread ones) and continues from where partition 0 stopped."""
    listing = listing_of(table, descending=True)
    items, cursor = merged_page(table, listing, limit=LIMIT, start_key=None)
    assert items == []
    assert cursor is not None
    assert str(cursor["SK"]["S"]) > max(spread)  # the newest wanted item is still ahead
    items, _ = merged_page(table, listing, limit=LIMIT, start_key=cursor)
    assert [item["SK"] for item in items] == sorted(spread, reverse=True)[:LIMIT]
