"""GET /categories: counts kept in step with the catalog, also when edits race."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.integration.test_accounts_concurrency import race
from tests.support.accounts import Account, Accounts
from tests.support.catalog import all_pages, create_product, product_body
from tests.support.http import assert_problem, stored_item


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


def categories(client: TestClient) -> list[tuple[str, int]]:
    response = client.get("/categories")
    assert response.status_code == 200, response.text
    return [(c["category"], c["product_count"]) for c in response.json()["items"]]


def counted_from_listing(client: TestClient) -> dict[str, int]:
    """What the catalog itself holds, category by category (case-insensitively)."""
    products = [p for page in all_pages(client, "/products", limit=100) for p in page]
    return dict(Counter(p["category"].casefold() for p in products))


def test_empty_catalog(client: TestClient) -> None:
    assert client.get("/categories").json() == {"items": []}


def test_counts_follow_creates_edits_and_deletes(client: TestClient, admin: Account) -> None:
    tools = [create_product(client, admin, category="Tools") for _ in range(3)]
    create_product(client, admin, category="Garden")
    create_product(client, admin, category="bakery")
    assert categories(client) == [("bakery", 1), ("Garden", 1), ("Tools", 3)]

    # a product moves to another category
    client.patch(f"/products/{tools[0]['id']}", headers=admin.headers, json={"category": "Garden"})
    assert categories(client) == [("bakery", 1), ("Garden", 2), ("Tools", 2)]
    # another spelling of the same category keeps the count and takes the new spelling
    client.patch(f"/products/{tools[1]['id']}", headers=admin.headers, json={"category": "TOOLS"})
    assert categories(client) == [("bakery", 1), ("Garden", 2), ("TOOLS", 2)]
    # a category whose last product goes disappears
    bakery = client.get("/products", params={"category": "bakery"}).json()["items"][0]
    assert client.delete(f"/products/{bakery['id']}", headers=admin.headers).status_code == 204
    assert categories(client) == [("Garden", 2), ("TOOLS", 2)]
    assert {c.casefold(): n for c, n in categories(client)} == counted_from_listing(client)


def test_a_refused_create_counts_nothing(client: TestClient, table: Table, admin: Account) -> None:
    create_product(client, admin, category="Tools", sku="DUP-1")
    response = client.post(
        "/products", headers=admin.headers, json=product_body(category="Tools", sku="DUP-1")
    )
    assert_problem(response, 409, "sku_taken")
    assert categories(client) == [("Tools", 1)]
    counter = stored_item(table, table.keys.category_counter("tools"))
    assert counter["product_count"] == 1


def test_concurrent_creates_moves_and_deletes_keep_counts_exact(
    client: TestClient, admin: Account
) -> None:
    moving = [create_product(client, admin, category="Start") for _ in range(6)]
    doomed = [create_product(client, admin, category="Start") for _ in range(4)]

    def act(i: int) -> int:
        if i < 6:  # six products move, each to one of two categories
            target = "Left" if i % 2 else "Right"
            return client.patch(
                f"/products/{moving[i]['id']}", headers=admin.headers, json={"category": target}
            ).status_code
        if i < 10:
            return client.delete(
                f"/products/{doomed[i - 6]['id']}", headers=admin.headers
            ).status_code
        return client.post(  # and six new ones arrive
            "/products", headers=admin.headers, json=product_body(category="Left")
        ).status_code

    statuses = race(16, act)
    assert sorted(statuses) == [200] * 6 + [201] * 6 + [204] * 4
    assert categories(client) == [("Left", 9), ("Right", 3)]
    assert {c.casefold(): n for c, n in categories(client)} == counted_from_listing(client)


def test_category_edits_racing_one_product_count_it_once(
    client: TestClient, admin: Account
) -> None:
    product = create_product(client, admin, category="Start")

    def move(i: int) -> int:
        return client.patch(
            f"/products/{product['id']}",
            headers=admin.headers,
            json={"category": f"Target {i % 3}"},
        ).status_code

    assert set(race(8, move)) == {200}
    final = client.get(f"/products/{product['id']}").json()["category"]
    assert categories(client) == [(final, 1)]  # the last writer's category, counted once


def test_anyone_may_read(client: TestClient, admin: Account) -> None:
    create_product(client, admin, category="Tools")
    response = client.get("/categories")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body == {"items": [{"category": "Tools", "product_count": 1}]}
