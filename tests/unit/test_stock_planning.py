"""How a stock change is planned as bucket writes (app/stock/planning.py), checked
over many bucket layouts: the writes add up, never go below zero, and `in_stock` flips
exactly when the product sells out or comes back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.stock.model import Bucket, MovementKind, ProductStock
from app.stock.planning import BucketWrite, Change, bucket_writes

levels = st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=8)


def stock_of(buckets: list[int]) -> ProductStock:
    return ProductStock("p", tuple(Bucket(n, level, n, None) for n, level in enumerate(buckets)))


def applied(stock: ProductStock, writes: list[BucketWrite]) -> list[int]:
    """Every bucket's level once the writes are made (checks change nothing)."""
    after = [b.stock for b in stock.buckets]
    after += [0] * (max((w.seen.number for w in writes), default=0) + 1 - len(after))
    for write in writes:
        if write.mode == "add":
            assert write.seen.stock > write.above, "an ADD whose condition cannot hold"
            after[write.seen.number] += write.delta
        elif write.mode == "exact":
            after[write.seen.number] = write.level
        elif write.mode == "nonempty":
            assert write.seen.stock > 0
    return after


@settings(max_examples=300, deadline=None)
@given(levels, st.data())
def test_a_purchase_takes_exactly_its_quantity(buckets: list[int], data: st.DataObject) -> None:
    stock = stock_of(buckets)
    if stock.total == 0:
        return
    quantity = data.draw(st.integers(min_value=1, max_value=stock.total))
    writes, crossing = bucket_writes(Change("p", "purchase", quantity, "order"), stock)
    after = applied(stock, writes)
    assert min(after) >= 0
    assert sum(after) == stock.total - quantity
    assert crossing is (False if quantity == stock.total else None)
    if any(level > quantity for level in buckets):
        # the common case: one ADD to one bucket, nothing read back
        assert [w.mode for w in writes] == ["add"]
    if crossing is None and all(w.mode != "add" for w in writes):
        # exact levels leave stock somewhere, and the writes prove it
        assert any(w.mode == "exact" and w.level > 0 for w in writes) or any(
            w.mode == "nonempty" for w in writes
        )
    if crossing is False:  # sold out: every bucket it did not set must still be as read
        touched = {w.seen.number for w in writes}
        assert touched == set(range(len(buckets)))


@settings(max_examples=200, deadline=None)
@given(levels, st.integers(min_value=1, max_value=40))
def test_a_cancellation_gives_back_and_brings_a_product_back(
    buckets: list[int], quantity: int
) -> None:
    stock = stock_of(buckets)
    writes, crossing = bucket_writes(Change("p", "cancellation", quantity, "order"), stock)
    after = applied(stock, writes)
    assert sum(after) == stock.total + quantity
    assert crossing is (True if stock.total == 0 else None)


@settings(max_examples=200, deadline=None)
@given(levels, st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=12))
def test_staff_levels_spread_evenly_over_at_least_as_many_buckets(
    buckets: list[int], level: int, wanted: int
) -> None:
    stock = stock_of(buckets)
    writes, crossing = bucket_writes(Change("p", "set", level, "count", buckets=wanted), stock)
    after = applied(stock, writes)
    assert len(after) == max(len(buckets), wanted)
    assert sum(after) == level
    assert max(after) - min(after) <= 1
    assert crossing is ((level > 0) if (stock.total > 0) != (level > 0) else None)
    # every bucket is written or checked: a count is made against the levels it saw
    assert {w.seen.number for w in writes} == set(range(len(after)))


@given(st.integers(min_value=1, max_value=64), st.integers(min_value=1, max_value=50))
def test_a_purchase_without_levels_tries_one_bucket_unread(buckets: int, quantity: int) -> None:
    """What a purchase does first: one conditional ADD, to a bucket it did not read."""
    stock = ProductStock.unread("p", buckets)
    writes, crossing = bucket_writes(Change("p", "purchase", quantity, "order"), stock)
    (write,) = writes
    assert (write.mode, write.blind, write.delta, write.above) == ("add", True, -quantity, quantity)
    assert 0 <= write.seen.number < buckets
    assert crossing is None


@pytest.mark.parametrize("kind", ["cancellation", "adjustment", "set"])
def test_only_a_purchase_is_planned_without_levels(kind: MovementKind) -> None:
    """Giving back and staff changes plan over the levels they read: without them, a sold-out
    product's back-in-stock flip or a count's exact levels would be made up."""
    with pytest.raises(ValueError, match="not read"):
        bucket_writes(Change("p", kind, 3, "order"), ProductStock.unread("p", 4))


def test_a_purchase_of_more_than_the_levels_read_is_never_planned() -> None:
    """The caller answers 409 before it plans; the planner refuses anyway."""
    with pytest.raises(ValueError, match="not enough stock"):
        bucket_writes(Change("p", "purchase", 8, "order"), stock_of([3, 4]))
