"""A product's status: draft and archived products are staff's only -- not listed, not
found, not sold (409 not_for_sale, nothing written) -- while an archived product's orders
and ledger stay readable."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product

pytestmark = pytest.mark.dynamodb


def listed(client: TestClient, headers: dict[str, str] | None = None, **params: Any) -> list[str]:
    answer = client.get("/products", params={"limit": 100, **params}, headers=headers or {})
    assert answer.status_code == 200, answer.text
    return [p["id"] for p in answer.json()["items"]]


def buy(client: TestClient, buyer: Account, product_id: str) -> Any:
    return client.post(
        "/orders",
        headers=buyer.headers,
        json={"items": [{"product_id": product_id, "quantity": 1}]},
    )


def test_a_draft_is_invisible_to_shoppers_and_not_sold(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    keeper = accounts.make(Role.STOCK_MANAGER)
    shopper = accounts.make()
    live = create_product(client, admin, name="Garden Chair")
    draft = create_product(client, admin, name="Garden Table", status="draft", category="Garden")
    assert draft["status"] == "draft"
    assert live["status"] == "active"
    (item,) = client.get("/products").json()["items"]
    assert (item["price_min"], item["price_max"]) == (live["price"], live["price"])  # one variant

    # a token that is not valid (expired, forged, garbled) reads as a visitor's request: a
    # public read never fails on a token, and a draft stays hidden
    not_a_token = {"Authorization": "Bearer not-a-token"}
    for headers in (None, shopper.headers, not_a_token):
        assert listed(client, headers) == [live["id"]]
        assert listed(client, headers, q="garden") == [live["id"]]
        assert listed(client, headers, category="Garden") == []
        assert client.get(f"/products/{draft['id']}", headers=headers or {}).status_code == 404
    for who in (admin, keeper):
        seen = client.get(f"/products/{draft['id']}", headers=who.headers)
        assert (seen.status_code, seen.json()["status"]) == (200, "draft")
        assert listed(client, who.headers, status="draft") == [draft["id"]]
        assert listed(client, who.headers, status="draft", q="table") == [draft["id"]]
    assert client.get("/products", params={"status": "draft"}).status_code == 403
    refused = client.get("/products", params={"status": "draft"}, headers=shopper.headers)
    assert refused.status_code == 403

    stock_before = client.get(f"/inventory/{draft['id']}", headers=admin.headers).json()["stock"]
    answer = buy(client, shopper, draft["id"])
    assert (answer.status_code, answer.json()["code"]) == (409, "not_for_sale")
    assert answer.json()["product_ids"] == [draft["id"]]
    assert client.get("/orders", headers=shopper.headers).json()["items"] == []
    assert (
        client.get(f"/inventory/{draft['id']}", headers=admin.headers).json()["stock"]
        == stock_before
    )
    asked = client.post(f"/products/{draft['id']}/back-in-stock", headers=shopper.headers)
    assert asked.status_code == 404

    # published: listed, found, sold
    etag = client.get(f"/products/{draft['id']}", headers=admin.headers).headers["etag"]
    published = client.patch(
        f"/products/{draft['id']}",
        headers={**admin.headers, "If-Match": etag},
        json={"status": "active"},
    )
    assert published.status_code == 200, published.text
    assert sorted(listed(client)) == sorted([live["id"], draft["id"]])
    assert listed(client, q="table") == [draft["id"]]
    assert buy(client, shopper, draft["id"]).status_code == 201


def test_an_archived_product_keeps_its_orders_and_ledger(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    shopper = accounts.make()
    lamp = create_product(client, admin, name="Old Lamp", stock=5)
    order = buy(client, shopper, lamp["id"]).json()
    archived = client.patch(
        f"/products/{lamp['id']}", headers=admin.headers, json={"status": "archived"}
    )
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"
    assert listed(client) == []
    assert listed(client, admin.headers, status="archived") == [lamp["id"]]
    assert buy(client, shopper, lamp["id"]).status_code == 409
    mine = client.get(f"/orders/{order['id']}", headers=shopper.headers)
    assert mine.status_code == 200
    assert [line["product_id"] for line in mine.json()["lines"]] == [lamp["id"]]
    ledger = client.get(f"/inventory/{lamp['id']}/movements", headers=admin.headers)
    assert ledger.status_code == 200
    assert [e["kind"] for e in ledger.json()["items"]] == ["purchase", "initial"]
    # a cancellation of its order still puts the stock back
    assert client.post(f"/orders/{order['id']}/cancel", headers=shopper.headers).status_code == 200
    assert client.get(f"/inventory/{lamp['id']}", headers=admin.headers).json()["stock"] == 5


def test_a_status_must_be_one_of_three(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.make(Role.ADMIN)
    bad = client.post(
        "/products",
        headers=admin.headers,
        json={"name": "X", "price": "1.00", "category": "C", "status": "hidden"},
    )
    assert bad.status_code == 422
    assert client.get("/products", params={"status": "hidden"}).status_code == 422
