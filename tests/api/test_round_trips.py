"""DynamoDB round trips per request, counted at botocore (deterministic, not timed).

A change that adds a round trip to one of these requests fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product


@contextmanager
def counting(table: Table) -> Iterator[list[str]]:
    calls: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        calls.append(event_name.rsplit(".", 1)[-1])

    table.client.meta.events.register("before-call.dynamodb", record)
    try:
        yield calls
    finally:
        table.client.meta.events.unregister("before-call.dynamodb", record)


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


@pytest.fixture
def products(client: TestClient, admin: Account) -> list[dict[str, Any]]:
    return [create_product(client, admin, name=f"RT {i}", stock=50) for i in range(25)]


AUTH = ["BatchGetItem"]  # profile and session, one round trip


def test_public_catalog_reads(
    client: TestClient, table: Table, products: list[dict[str, Any]]
) -> None:
    with counting(table) as calls:  # the product and its stock bucket(s), in one request
        assert client.get(f"/products/{products[0]['id']}").status_code == 200
    assert calls == ["BatchGetItem"]
    with counting(table) as calls:
        first = client.get("/products?limit=10").json()
        client.get("/products", params={"limit": 10, "cursor": first["next_cursor"]})
        client.get("/products?q=rt&category=widgets")
    assert calls == ["Query", "Query", "Query"]


def test_authenticated_reads_are_auth_plus_one(
    client: TestClient,
    table: Table,
    accounts: Accounts,
    admin: Account,
    products: list[dict[str, Any]],
) -> None:
    manager = accounts.make(Role.STOCK_MANAGER)
    buyer = accounts.make()
    order = client.post(
        "/orders",
        headers=buyer.headers,
        json={"items": [{"product_id": products[0]["id"], "quantity": 1}]},
    ).json()
    product_id = products[0]["id"]
    reads = [
        (buyer, "/auth/me", []),
        (buyer, "/orders", ["Query"]),
        (buyer, f"/orders/{order['id']}", ["GetItem"]),
        (manager, f"/inventory/{product_id}", ["BatchGetItem"]),
        # the entries, then who made them (each person once, one batch)
        (manager, f"/inventory/{product_id}/movements", ["Query", "BatchGetItem"]),
        # one Query per shard of the low-stock index, in parallel, then the products
        (
            manager,
            "/inventory/low-stock?threshold=100",
            ["Query"] * table.keys.low_stock_shards + ["BatchGetItem"],
        ),
        (admin, "/admin/users", ["Query"]),
        (admin, f"/admin/users/{buyer.id}", ["GetItem"]),
        # one Query per order shard, in parallel, then the page's buyers in one batch
        (admin, "/admin/orders", ["Query"] * table.keys.order_shards + ["BatchGetItem"]),
    ]
    for account, path, expected in reads:
        with counting(table) as calls:
            assert client.get(path, headers=account.headers).status_code == 200, path
        assert calls == AUTH + expected, path


@pytest.mark.parametrize("lines", [1, 5, 25])
def test_a_purchase_of_any_size_is_three_round_trips(
    client: TestClient, table: Table, accounts: Accounts, products: list[dict[str, Any]], lines: int
) -> None:
    buyer = accounts.make()
    items = [{"product_id": p["id"], "quantity": 1} for p in products[:lines]]
    with counting(table) as calls:
        response = client.post(
            "/orders",
            headers={**buyer.headers, "Idempotency-Key": f"k{lines}"},
            json={"items": items},
        )
    assert response.status_code == 201
    assert calls == [*AUTH, "BatchGetItem", "TransactWriteItems"]
    with counting(table) as calls:  # a repeat reads the key's record and the order it names
        client.post(
            "/orders",
            headers={**buyer.headers, "Idempotency-Key": f"k{lines}"},
            json={"items": items},
        )
    assert calls == [*AUTH, "BatchGetItem", "GetItem"]


def test_a_hot_product_with_many_buckets_is_still_one_read(
    client: TestClient, table: Table, admin: Account, products: list[dict[str, Any]]
) -> None:
    """The process remembers how many buckets a product has, so its definition and all
    its buckets come in one BatchGetItem; a purchase from it is still three round trips."""
    product_id = products[1]["id"]
    spread = client.put(
        f"/inventory/{product_id}/buckets", headers=admin.headers, json={"buckets": 8}
    )
    assert spread.status_code == 200
    with counting(table) as calls:
        product = client.get(f"/products/{product_id}").json()
    assert calls == ["BatchGetItem"]
    assert product["stock"] == 50
    with counting(table) as calls:
        response = client.post(
            "/orders",
            headers=admin.headers,
            json={"items": [{"product_id": product_id, "quantity": 2}]},
        )
    assert response.status_code == 201
    assert calls == [*AUTH, "BatchGetItem", "TransactWriteItems"]


def test_a_store_of_its_own_costs_the_same_round_trips(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    """Store resolution is answered from memory once warm: no extra call per request."""
    operator = accounts.make(Role.PLATFORM_ADMIN)
    created = client.post(
        "/platform/stores", headers=operator.headers, json={"slug": "north", "name": "North"}
    )
    assert created.status_code == 201
    north = Accounts(client, table, store="north")
    admin, buyer = north.make(Role.ADMIN), north.make()
    product = client.post(
        "/products",
        headers=admin.headers,
        json={"name": "Lamp", "price": "5.00", "category": "Home", "stock": 50},
    ).json()
    in_north = {"X-Store": "north"}
    with counting(table) as calls:
        assert client.get(f"/products/{product['id']}", headers=in_north).status_code == 200
    assert calls == ["BatchGetItem"]
    with counting(table) as calls:
        assert client.get("/orders", headers=buyer.headers).status_code == 200
    assert calls == [*AUTH, "Query"]
    with counting(table) as calls:
        response = client.post(
            "/orders",
            headers=buyer.headers,
            json={"items": [{"product_id": product["id"], "quantity": 1}]},
        )
    assert response.status_code == 201
    assert calls == [*AUTH, "BatchGetItem", "TransactWriteItems"]
