"""When a product is due more buckets, and how its stock is moved into them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.config import Settings
from app.stock import contention
from app.stock.contention import COOLDOWN_SECONDS, WINDOW_SECONDS, ContentionTracker
from app.stock.model import MAX_BUCKETS, Bucket, ProductStock
from app.stock.spreading import MAX_NEW_BUCKETS, plan_moves
from tests.support.clock import Clock


def test_due_after_enough_recent_collisions_once_per_cooldown() -> None:
    clock = Clock()
    tracker = ContentionTracker(clock)
    tracker.collided(["a", "b"])
    tracker.collided(["a"])
    assert tracker.take_due(["a", "b"], threshold=3) == []
    tracker.collided(["a"])
    assert tracker.take_due(["a", "b", "c"], threshold=3) == ["a"]
    tracker.collided(["a"])
    tracker.collided(["a"])
    tracker.collided(["a"])
    assert tracker.take_due(["a"], threshold=3) == []  # tried lately
    clock.now += COOLDOWN_SECONDS
    tracker.collided(["a"])
    tracker.collided(["a"])
    tracker.collided(["a"])
    assert tracker.take_due(["a"], threshold=3) == ["a"]


def test_old_collisions_are_forgotten() -> None:
    clock = Clock()
    tracker = ContentionTracker(clock)
    tracker.collided(["a"])
    tracker.collided(["a"])
    clock.now += WINDOW_SECONDS + 0.1
    tracker.collided(["a"])
    assert tracker.take_due(["a"], threshold=2) == []
    tracker.collided(["a"])
    assert tracker.take_due(["a"], threshold=2) == ["a"]


def test_a_process_remembers_at_most_max_tracked_products(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Lambda container lives for hours: the products that collided least recently go
    first, and with them their cooldown (their memory of a spread tried)."""
    monkeypatch.setattr(contention, "MAX_TRACKED", 3)
    tracker = ContentionTracker(Clock())
    tracker.collided(["a", "a"])
    assert tracker.take_due(["a"], threshold=2) == ["a"]  # a spread of "a" tried
    tracker.collided(["a"])
    tracker.collided(["b", "c"])
    tracker.collided(["a"])  # "a" collided last: "b" is now the least recent
    tracker.collided(["d"])
    assert tracker.take_due(["b"], threshold=1) == []  # forgotten
    assert tracker.take_due(["c", "d"], threshold=1) == ["c", "d"]
    tracker.collided(["e"])
    tracker.collided(["f"])  # now "a" goes, and its cooldown with it
    tracker.collided(["a", "a"])
    assert tracker.take_due(["a"], threshold=2) == ["a"]


def stock_of(levels: list[int]) -> ProductStock:
    return ProductStock("p", tuple(Bucket(n, level, 1, None) for n, level in enumerate(levels)))


def test_each_bucket_gives_half_to_a_new_one() -> None:
    moves = plan_moves(stock_of([9, 4, 1]), limit=16)
    assert [(m.giver.number, m.receiver, m.units) for m in moves] == [(0, 3, 4), (1, 4, 2)]


def test_stops_at_the_limit() -> None:
    assert len(plan_moves(stock_of([10, 10, 10]), limit=4)) == 1
    assert plan_moves(stock_of([10, 10]), limit=2) == []
    assert plan_moves(stock_of([1]), limit=16) == []  # nothing to give


@given(
    levels=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=64),
    limit=st.integers(min_value=1, max_value=64),
)
def test_moves_keep_every_unit_and_leave_givers_some(levels: list[int], limit: int) -> None:
    stock = stock_of(levels)
    moves = plan_moves(stock, limit)
    count = len(levels)
    assert len(moves) <= min(count, MAX_NEW_BUCKETS, max(limit - count, 0))
    assert [m.receiver for m in moves] == list(range(count, count + len(moves)))
    assert len({m.giver.number for m in moves}) == len(moves)
    for move in moves:
        assert 1 <= move.units < move.giver.stock  # the giver keeps at least one


def test_the_automatic_maximum_stays_within_what_staff_changes_can_write() -> None:
    assert Settings.model_json_schema()["properties"]["auto_buckets_max"]["maximum"] == MAX_BUCKETS
    assert 4 * MAX_NEW_BUCKETS + 1 <= 100  # a spread's moves and the product, in one transaction
