"""A product whose purchases keep colliding is spread over more buckets by itself
(app/stock/contention.py, app/stock/spreading.py), without losing or inventing a unit.

DynamoDB Local runs one transaction at a time, so it never reports the collisions AWS does:
tests/support/faults.Collisions makes DynamoDB's answer for them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core import caches
from app.core.roles import Role
from app.db.table import Table
from app.stock import changes, commit, contention, spreading
from app.stock.reading import read_products
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.clock import Clock
from tests.support.faults import Collisions
from tests.support.history import check_history, ledger_of
from tests.support.http import assert_problem, scan, stored_item
from tests.support.invariants import check_invariants
from tests.support.stock import stock_record


@pytest.fixture
def clock() -> Iterator[Clock]:
    """A fresh tracker on a clock the test moves (the real clock again afterwards)."""
    clock = Clock()
    contention.tracker.reset(clock)
    yield clock
    contention.tracker.reset(time.monotonic)


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


@pytest.fixture
def buyer(accounts: Accounts) -> Account:
    return accounts.make()


@pytest.fixture
def product(client: TestClient, admin: Account) -> dict[str, Any]:
    return create_product(client, admin, stock=40)


def settings(monkeypatch: pytest.MonkeyPatch, **values: int) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name.upper(), str(value))
    caches.reset()


def buy(client: TestClient, buyer: Account, product_id: str, quantity: int = 1) -> Any:
    return client.post(
        "/orders",
        headers=buyer.headers,
        json={"items": [{"product_id": product_id, "quantity": quantity}]},
    )


@pytest.fixture
def collide(table: Table) -> Iterator[Any]:
    """`collide(product_id, times, bucket=0, code=...)`: the next `times` transactions that
    write that bucket are cancelled as colliding."""
    made: list[Collisions] = []

    def make(
        product_id: str, times: int, bucket: int = 0, code: str = "TransactionConflict"
    ) -> Collisions:
        key = table.keys.stock_bucket(product_id, bucket)
        collisions = Collisions(table.client, key, times, code)
        made.append(collisions)
        return collisions

    yield make
    for collisions in made:
        collisions.close()


def spread_entries(table: Table, product_id: str, buckets: int) -> list[dict[str, Any]]:
    return [
        entry
        for number in range(buckets)
        for entry in ledger_of(table, product_id, number)
        if entry["actor_id"] == spreading.ACTOR_ID
    ]


class TestSpreadingByItself:
    def test_colliding_purchases_spread_the_product_and_every_unit_is_accounted_for(
        self,
        client: TestClient,
        table: Table,
        clock: Clock,
        buyer: Account,
        product: dict[str, Any],
        collide: Any,
    ) -> None:
        pid = product["id"]
        collisions = collide(pid, 3)
        order = buy(client, buyer, pid)  # collides 3 times, then goes through
        assert order.status_code == 201, order.text
        assert collisions.made == 3
        stock = stock_record(table, pid)
        assert [b.stock for b in stock.buckets] == [20, 19]  # 39 left: half of it moved
        assert stored_item(table, table.keys.product(pid))["buckets"] == 2
        level = client.get(f"/products/{pid}").json()
        assert level["stock"] == 39
        moved = spread_entries(table, pid, 2)
        assert sorted((e["bucket"], e["delta"], e["kind"]) for e in moved) == [
            (0, -19, "adjustment"),
            (1, 19, "adjustment"),
        ]
        assert all("automatically" in e["reason"] for e in moved)
        check_history(table, [pid], [order.json()["id"]])
        check_invariants(table)
        # later purchases take from either bucket; nothing is oversold
        orders = [buy(client, buyer, pid, 3) for _ in range(13)]
        assert [o.status_code for o in orders] == [201] * 13
        assert_problem(buy(client, buyer, pid, 1), 409, "insufficient_stock")
        check_history(table, [pid], [order.json()["id"], *(o.json()["id"] for o in orders)])

    def test_a_few_collisions_are_not_enough(
        self,
        client: TestClient,
        table: Table,
        clock: Clock,
        buyer: Account,
        product: dict[str, Any],
        collide: Any,
    ) -> None:
        pid = product["id"]
        collide(pid, 2)
        assert buy(client, buyer, pid).status_code == 201
        clock.now += contention.WINDOW_SECONDS + 1  # those two are forgotten
        collide(pid, 2)
        assert buy(client, buyer, pid).status_code == 201
        assert len(stock_record(table, pid).buckets) == 1

    def test_doubles_at_most_once_per_cooldown_and_up_to_the_maximum(
        self,
        client: TestClient,
        table: Table,
        clock: Clock,
        buyer: Account,
        product: dict[str, Any],
        collide: Any,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        settings(monkeypatch, auto_buckets_max=3)
        pid = product["id"]
        collide(pid, 3)
        assert buy(client, buyer, pid).status_code == 201
        assert len(stock_record(table, pid).buckets) == 2
        collide(pid, 3, bucket=1)
        collide(pid, 3, bucket=0)
        for _ in range(4):
            assert buy(client, buyer, pid).status_code == 201
        assert len(stock_record(table, pid).buckets) == 2  # tried lately: not again yet
        clock.now += contention.COOLDOWN_SECONDS
        collide(pid, 3, bucket=0)
        collide(pid, 3, bucket=1)
        for _ in range(4):
            assert buy(client, buyer, pid).status_code == 201
        stored = stock_record(table, pid)
        assert len(stored.buckets) == 3  # doubling would make 4: the maximum is 3
        assert stored.total == 40 - 9
        check_invariants(table)

    def test_throttled_buckets_count_too_and_the_503_buyer_sees_it_relieved(
        self,
        client: TestClient,
        table: Table,
        clock: Clock,
        buyer: Account,
        product: dict[str, Any],
        collide: Any,
    ) -> None:
        pid = product["id"]
        collide(pid, 3, code="ThrottlingError")
        answers = [buy(client, buyer, pid) for _ in range(3)]
        for answer in answers:
            assert_problem(answer, 503, "service_unavailable")
        assert len(stock_record(table, pid).buckets) == 2
        assert stock_record(table, pid).total == 40
        assert buy(client, buyer, pid).status_code == 201
        check_invariants(table)

    def test_turned_off_with_a_maximum_of_one(
        self,
        client: TestClient,
        table: Table,
        clock: Clock,
        buyer: Account,
        product: dict[str, Any],
        collide: Any,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        settings(monkeypatch, auto_buckets_max=1)
        collide(product["id"], 5)
        assert buy(client, buyer, product["id"]).status_code == 201
        assert len(stock_record(table, product["id"]).buckets) == 1

    def test_a_failed_spread_never_fails_the_purchase(
        self,
        client: TestClient,
        table: Table,
        clock: Clock,
        buyer: Account,
        product: dict[str, Any],
        collide: Any,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        def broken(*_: Any, **__: Any) -> None:
            raise RuntimeError("the database went away")

        monkeypatch.setattr(spreading, "read_products", broken)
        collide(product["id"], 3)
        order = buy(client, buyer, product["id"])
        assert order.status_code == 201
        assert stock_record(table, product["id"]).total == 39
        check_history(table, [product["id"]], [order.json()["id"]])

    def test_a_purchase_that_keeps_colliding_gives_up_with_a_503_and_changes_nothing(
        self,
        client: TestClient,
        table: Table,
        clock: Clock,
        buyer: Account,
        product: dict[str, Any],
        collide: Any,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Past its contention budget (5 s, or what is left of the request's deadline) a
        purchase stops retrying: 503 `contention` with Retry-After, nothing sold."""
        monkeypatch.setattr(commit, "CONTENTION_BUDGET_SECONDS", 0.3)
        settings(monkeypatch, auto_buckets_max=1)  # no spread to relieve it
        collisions = collide(product["id"], 1_000_000)
        answer = buy(client, buyer, product["id"], 2)
        assert_problem(answer, 503, "contention")
        assert answer.headers["retry-after"] == "1"
        assert collisions.made >= 2  # it did retry
        assert stock_record(table, product["id"]).total == 40
        assert client.get("/orders", headers=buyer.headers).json()["items"] == []
        check_invariants(table)


class TestRaces:
    def test_of_two_processes_spreading_at_once_one_wins_and_the_other_changes_nothing(
        self, table: Table, product: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pid = product["id"]
        stale = read_products(table, [pid])  # what the slower process read
        assert spreading.spread(table, pid, limit=16) == 2
        before = scan(table)
        monkeypatch.setattr(spreading, "read_products", lambda *_, **__: stale)
        assert spreading.spread(table, pid, limit=16) is None
        assert scan(table) == before

    def test_a_count_planned_before_a_spread_is_planned_again_over_every_bucket(
        self, table: Table, product: dict[str, Any]
    ) -> None:
        pid = product["id"]
        stale = read_products(table, [pid]).stock  # one bucket, 40
        assert spreading.spread(table, pid, limit=16) == 2  # 20 and 20 now

        def count_to_five(_: changes.Snapshot) -> changes.Plan:
            return changes.Plan(changes=[changes.Change(pid, "set", 5, "count")])

        changes.apply(table, snapshot=dict(stale), make_plan=count_to_five, actor_id="someone")
        stored = stock_record(table, pid)
        assert (stored.total, len(stored.buckets)) == (5, 2)
        check_history(table, [pid], [])

    def test_purchases_racing_spreads_never_oversell(
        self,
        client: TestClient,
        table: Table,
        accounts: Accounts,
        product: dict[str, Any],
    ) -> None:
        pid = product["id"]
        buyers = [accounts.make() for _ in range(4)]
        placed: list[str] = []
        refused: list[int] = []

        def shop(buyer: Account) -> None:
            for _ in range(12):
                answer = buy(client, buyer, pid)
                if answer.status_code == 201:
                    placed.append(answer.json()["id"])
                else:
                    refused.append(answer.status_code)

        threads = [threading.Thread(target=shop, args=(b,)) for b in buyers]
        for thread in threads:
            thread.start()
        counts = [spreading.spread(table, pid, limit=8) for _ in range(3)]
        for thread in threads:
            thread.join()
        assert len(placed) == 40  # 48 tried, 40 in stock
        assert set(refused) == {409}
        assert stock_record(table, pid).total == 0
        assert max(filter(None, counts)) >= 2
        check_history(table, [pid], placed)
        check_invariants(table)
