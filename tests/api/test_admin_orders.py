"""GET /admin/orders: every order of the store, newest first, from a sharded index."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.http import assert_problem


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


@pytest.fixture
def product(client: TestClient, admin: Account) -> dict[str, Any]:
    return create_product(client, admin, stock=1000)


def buy(client: TestClient, account: Account, product_id: str, quantity: int = 1) -> str:
    body = {"items": [{"product_id": product_id, "quantity": quantity}]}
    response = client.post("/orders", headers=account.headers, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def all_orders(client: TestClient, admin: Account, limit: int, **params: Any) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        response = client.get("/admin/orders", headers=admin.headers, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([order["id"] for order in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_every_order_newest_first_in_pages(
    client: TestClient, table: Table, accounts: Accounts, admin: Account, product: dict[str, Any]
) -> None:
    buyers = [accounts.make() for _ in range(3)]
    placed = [buy(client, buyers[i % 3], product["id"]) for i in range(11)]
    # the orders really are spread over the shards
    partitions = {table.keys.order(order_id)["PK"] for order_id in placed}
    assert len(partitions) > 3
    assert all(table.get(table.keys.order(order_id)) for order_id in placed)
    pages = all_orders(client, admin, limit=4)
    assert [len(page) for page in pages] == [4, 4, 3]
    assert [order_id for page in pages for order_id in page] == placed[::-1]
    full = client.get("/admin/orders", headers=admin.headers, params={"limit": 11}).json()
    assert full["next_cursor"] is None
    created = [order["created_at"] for order in full["items"]]
    assert created == sorted(created, reverse=True)


def test_by_status_and_by_user(
    client: TestClient, accounts: Accounts, admin: Account, product: dict[str, Any]
) -> None:
    ann, bob = accounts.make(), accounts.make()
    ann_orders = [buy(client, ann, product["id"]) for _ in range(4)]
    bob_orders = [buy(client, bob, product["id"]) for _ in range(3)]
    for order_id in (ann_orders[1], bob_orders[0]):
        response = client.post(f"/orders/{order_id}/cancel", headers=admin.headers)
        assert response.status_code == 200

    def flat(pages: list[list[str]]) -> list[str]:
        return [order for page in pages for order in page]

    assert flat(all_orders(client, admin, 2, status="cancelled")) == [bob_orders[0], ann_orders[1]]
    placed = flat(all_orders(client, admin, 2, status="placed"))
    assert placed == [bob_orders[2], bob_orders[1], ann_orders[3], ann_orders[2], ann_orders[0]]
    assert flat(all_orders(client, admin, 2, user_id=ann.id)) == ann_orders[::-1]
    assert flat(all_orders(client, admin, 1, user_id=ann.id, status="placed")) == [
        ann_orders[3],
        ann_orders[2],
        ann_orders[0],
    ]
    assert flat(all_orders(client, admin, 5, user_id="nobody")) == []


def test_cursors_are_bound_to_their_filter(
    client: TestClient, accounts: Accounts, admin: Account, product: dict[str, Any]
) -> None:
    buyer = accounts.make()
    for _ in range(3):
        buy(client, buyer, product["id"])
    cursor = client.get("/admin/orders", headers=admin.headers, params={"limit": 1}).json()[
        "next_cursor"
    ]
    assert cursor
    for params in ({"status": "placed"}, {"user_id": buyer.id}):
        response = client.get(
            "/admin/orders", headers=admin.headers, params={"cursor": cursor, **params}
        )
        assert_problem(response, 422, "invalid_cursor")
    assert_problem(
        client.get("/admin/orders", headers=admin.headers, params={"cursor": cursor[:-2]}), 422
    )
    assert_problem(
        client.get("/admin/orders", headers=admin.headers, params={"status": "shipped"}), 422
    )


@pytest.mark.parametrize("role", [Role.USER, Role.STOCK_MANAGER])
def test_only_admins(client: TestClient, accounts: Accounts, role: Role) -> None:
    assert_problem(client.get("/admin/orders"), 401)
    assert_problem(client.get("/admin/orders", headers=accounts.make(role).headers), 403)


def test_each_order_names_its_buyer(
    client: TestClient, accounts: Accounts, admin: Account, product: dict[str, Any]
) -> None:
    """The admin sees who bought (e-mail and name, to link to the user), not a bare id; an
    account deleted since leaves the order without a buyer."""
    alice, bob = accounts.make(email="alice@example.com"), accounts.make(email="bob@example.com")
    buy(client, alice, product["id"])
    buy(client, bob, product["id"])
    listed = client.get("/admin/orders", headers=admin.headers).json()["items"]
    assert [o["buyer"] for o in listed] == [
        {"id": bob.id, "email": "bob@example.com", "name": "Test User"},
        {"id": alice.id, "email": "alice@example.com", "name": "Test User"},
    ]
    assert client.delete(f"/admin/users/{bob.id}", headers=admin.headers).status_code == 204
    listed = client.get("/admin/orders", headers=admin.headers).json()["items"]
    assert [o["buyer"] and o["buyer"]["email"] for o in listed] == [None, "alice@example.com"]
    # a shopper's own list does not repeat them to themselves
    own = client.get("/orders", headers=alice.headers).json()["items"]
    assert own[0]["buyer"] is None
