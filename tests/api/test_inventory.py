"""/inventory: levels, set, adjustments, movements, low stock (admin and stock_manager)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Account, Accounts
from tests.support.catalog import all_pages, create_product
from tests.support.history import check_history, ledger_of
from tests.support.http import assert_problem


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


@pytest.fixture
def manager(accounts: Accounts) -> Account:
    return accounts.make(Role.STOCK_MANAGER)


@pytest.fixture
def product(client: TestClient, admin: Account) -> dict[str, Any]:
    return create_product(client, admin, stock=10)


def stock_of(table: Table, product_id: str) -> int:
    return int(table.get(table.keys.product(product_id))["stock"])  # type: ignore[index]


class TestAccess:
    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("GET", "/inventory/{id}", None),
            ("PUT", "/inventory/{id}", {"stock": 1, "reason": "count"}),
            ("POST", "/inventory/{id}/adjustments", {"delta": 1, "reason": "x"}),
            ("GET", "/inventory/{id}/movements", None),
            ("GET", "/inventory/low-stock", None),
        ],
    )
    def test_admins_and_stock_managers_only(
        self,
        client: TestClient,
        accounts: Accounts,
        manager: Account,
        product: dict[str, Any],
        method: str,
        path: str,
        body: Any,
    ) -> None:
        url = path.format(id=product["id"])
        assert_problem(client.request(method, url, json=body), 401)
        user = accounts.make()
        assert_problem(client.request(method, url, json=body, headers=user.headers), 403)
        assert client.request(method, url, json=body, headers=manager.headers).status_code == 200

    def test_stock_managers_cannot_administer_products_or_users(
        self, client: TestClient, manager: Account, product: dict[str, Any]
    ) -> None:
        assert_problem(client.post("/products", headers=manager.headers, json={}), 403)
        assert_problem(
            client.patch(f"/products/{product['id']}", headers=manager.headers, json={}), 403
        )
        assert_problem(client.delete(f"/products/{product['id']}", headers=manager.headers), 403)
        assert_problem(client.get("/admin/users", headers=manager.headers), 403)


class TestLevel:
    def test_reads_the_level_with_an_etag(
        self, client: TestClient, manager: Account, product: dict[str, Any]
    ) -> None:
        response = client.get(f"/inventory/{product['id']}", headers=manager.headers)
        assert response.status_code == 200
        level = response.json()
        assert (level["product_id"], level["stock"], level["stock_version"]) == (
            product["id"],
            10,
            1,
        )
        assert level["name"] == product["name"]
        assert response.headers["etag"] == '"1"'

    def test_missing(self, client: TestClient, manager: Account) -> None:
        assert_problem(
            client.get("/inventory/nope", headers=manager.headers), 404, "product_not_found"
        )


class TestSet:
    def test_sets_the_level_and_records_the_difference(
        self, client: TestClient, table: Table, manager: Account, product: dict[str, Any]
    ) -> None:
        response = client.put(
            f"/inventory/{product['id']}",
            headers=manager.headers,
            json={"stock": 4, "reason": "stock count"},
        )
        assert response.status_code == 200
        assert (response.json()["stock"], response.json()["stock_version"]) == (4, 2)
        assert response.headers["etag"] == '"2"'
        assert stock_of(table, product["id"]) == 4
        entry = ledger_of(table, product["id"])[-1]
        assert (
            entry["kind"],
            entry["delta"],
            entry["stock_after"],
            entry["reason"],
            entry["actor_id"],
        ) == (
            "set",
            -6,
            4,
            "stock count",
            manager.id,
        )
        assert client.get(f"/products/{product['id']}").json()["stock"] == 4

    def test_same_level_writes_no_entry(
        self, client: TestClient, table: Table, manager: Account, product: dict[str, Any]
    ) -> None:
        response = client.put(
            f"/inventory/{product['id']}",
            headers=manager.headers,
            json={"stock": 10, "reason": "count"},
        )
        assert response.status_code == 200
        assert len(ledger_of(table, product["id"])) == 1

    def test_if_match(
        self, client: TestClient, table: Table, manager: Account, product: dict[str, Any]
    ) -> None:
        url = f"/inventory/{product['id']}"
        ok = client.put(
            url,
            headers={**manager.headers, "If-Match": '"1"'},
            json={"stock": 8, "reason": "count"},
        )
        assert ok.status_code == 200
        stale = client.put(
            url,
            headers={**manager.headers, "If-Match": '"1"'},
            json={"stock": 3, "reason": "count"},
        )
        assert_problem(stale, 412)
        assert stock_of(table, product["id"]) == 8
        assert len(ledger_of(table, product["id"])) == 2

    @pytest.mark.parametrize(
        "body",
        [
            {"stock": -1, "reason": "x"},
            {"stock": 1.5, "reason": "x"},
            {"stock": 5},
            {"stock": 5, "reason": ""},
            {"stock": 5, "reason": "r" * 201},
            {"stock": 5, "reason": "x", "delta": 1},
        ],
    )
    def test_bad_input_changes_nothing(
        self,
        client: TestClient,
        table: Table,
        manager: Account,
        product: dict[str, Any],
        body: dict[str, Any],
    ) -> None:
        assert_problem(
            client.put(f"/inventory/{product['id']}", headers=manager.headers, json=body), 422
        )
        assert stock_of(table, product["id"]) == 10
        assert len(ledger_of(table, product["id"])) == 1

    def test_missing(self, client: TestClient, manager: Account) -> None:
        assert_problem(
            client.put(
                "/inventory/nope", headers=manager.headers, json={"stock": 1, "reason": "x"}
            ),
            404,
        )


class TestAdjust:
    def test_adds_and_takes(
        self, client: TestClient, table: Table, manager: Account, product: dict[str, Any]
    ) -> None:
        url = f"/inventory/{product['id']}/adjustments"
        assert (
            client.post(
                url, headers=manager.headers, json={"delta": 5, "reason": "delivery"}
            ).json()["stock"]
            == 15
        )
        assert (
            client.post(
                url, headers=manager.headers, json={"delta": -15, "reason": "breakage"}
            ).json()["stock"]
            == 0
        )
        entries = ledger_of(table, product["id"])
        assert [(e["kind"], e["delta"], e["stock_after"]) for e in entries] == [
            ("initial", 10, 10),
            ("adjustment", 5, 15),
            ("adjustment", -15, 0),
        ]
        check_history(table, [product["id"]], [])

    def test_below_zero_is_409_and_changes_nothing(
        self, client: TestClient, table: Table, manager: Account, product: dict[str, Any]
    ) -> None:
        response = client.post(
            f"/inventory/{product['id']}/adjustments",
            headers=manager.headers,
            json={"delta": -11, "reason": "oops"},
        )
        body = assert_problem(response, 409, "negative_stock")
        assert body["available"] == 10
        assert stock_of(table, product["id"]) == 10
        assert len(ledger_of(table, product["id"])) == 1

    @pytest.mark.parametrize(
        "body",
        [
            {"delta": 0, "reason": "x"},
            {"delta": 1},
            {"delta": "1", "reason": "x"},
            {"delta": 1, "reason": " "},
        ],
    )
    def test_bad_input(
        self, client: TestClient, manager: Account, product: dict[str, Any], body: dict[str, Any]
    ) -> None:
        assert_problem(
            client.post(
                f"/inventory/{product['id']}/adjustments", headers=manager.headers, json=body
            ),
            422,
        )

    def test_missing(self, client: TestClient, manager: Account) -> None:
        assert_problem(
            client.post(
                "/inventory/nope/adjustments",
                headers=manager.headers,
                json={"delta": 1, "reason": "x"},
            ),
            404,
        )


class TestMovements:
    def test_newest_first_in_pages(
        self, client: TestClient, manager: Account, product: dict[str, Any]
    ) -> None:
        for delta in range(1, 6):
            client.post(
                f"/inventory/{product['id']}/adjustments",
                headers=manager.headers,
                json={"delta": delta, "reason": f"r{delta}"},
            )
        pages, cursor = [], None
        while True:
            params: dict[str, Any] = {"limit": 4} | ({"cursor": cursor} if cursor else {})
            body = client.get(
                f"/inventory/{product['id']}/movements", headers=manager.headers, params=params
            ).json()
            pages.append(body["items"])
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert [len(page) for page in pages] == [4, 2]
        reasons = [m["reason"] for page in pages for m in page]
        assert reasons == ["r5", "r4", "r3", "r2", "r1", "initial stock"]
        newest = pages[0][0]
        assert (newest["delta"], newest["stock_after"], newest["reason"], newest["actor_id"]) == (
            5,
            25,
            "r5",
            manager.id,
        )

    def test_missing_product(self, client: TestClient, manager: Account) -> None:
        assert_problem(client.get("/inventory/nope/movements", headers=manager.headers), 404)

    def test_cursor_of_another_product(
        self, client: TestClient, admin: Account, manager: Account, product: dict[str, Any]
    ) -> None:
        other = create_product(client, admin, stock=1)
        client.post(
            f"/inventory/{product['id']}/adjustments",
            headers=manager.headers,
            json={"delta": 1, "reason": "x"},
        )
        cursor = client.get(
            f"/inventory/{product['id']}/movements?limit=1", headers=manager.headers
        ).json()["next_cursor"]
        response = client.get(
            f"/inventory/{other['id']}/movements",
            headers=manager.headers,
            params={"cursor": cursor},
        )
        assert_problem(response, 422, "invalid_cursor")


class TestLowStock:
    def test_lowest_first_at_or_below_the_threshold(
        self, client: TestClient, admin: Account, manager: Account
    ) -> None:
        levels = {
            create_product(client, admin, name=f"P{stock}", stock=stock)["id"]: stock
            for stock in (7, 0, 3, 12, 5, 1)
        }
        response = client.get("/inventory/low-stock?threshold=5", headers=manager.headers)
        assert response.status_code == 200
        stocks = [item["stock"] for item in response.json()["items"]]
        assert stocks == [0, 1, 3, 5]
        default = client.get("/inventory/low-stock", headers=manager.headers).json()["items"]
        assert [i["stock"] for i in default] == [0, 1, 3, 5]
        assert len(levels) == 6

    def test_pages_and_follows_live_stock(
        self, client: TestClient, admin: Account, manager: Account
    ) -> None:
        ids = [create_product(client, admin, name=f"Q{i}", stock=i)["id"] for i in range(7)]
        client.post(
            f"/inventory/{ids[6]}/adjustments",
            headers=manager.headers,
            json={"delta": -6, "reason": "x"},
        )
        client.headers.update(manager.headers)
        try:
            pages = all_pages(client, "/inventory/low-stock", limit=3, threshold=2)
        finally:
            del client.headers["Authorization"]
        assert [[i["stock"] for i in page] for page in pages] == [[0, 0, 1], [2]]
        client.delete(f"/products/{ids[0]}", headers=admin.headers)
        after = client.get("/inventory/low-stock?threshold=0", headers=manager.headers).json()[
            "items"
        ]
        assert [i["product_id"] for i in after] == [ids[6]]

    @pytest.mark.parametrize("query", ["threshold=-1", "threshold=x", "limit=0", "limit=101"])
    def test_bad_parameters(self, client: TestClient, manager: Account, query: str) -> None:
        assert_problem(client.get(f"/inventory/low-stock?{query}", headers=manager.headers), 422)

    def test_cursor_is_bound_to_the_threshold(
        self, client: TestClient, admin: Account, manager: Account
    ) -> None:
        for i in range(3):
            create_product(client, admin, name=f"R{i}", stock=i)
        cursor = client.get(
            "/inventory/low-stock?threshold=5&limit=1", headers=manager.headers
        ).json()["next_cursor"]
        response = client.get(
            "/inventory/low-stock",
            headers=manager.headers,
            params={"threshold": 1, "cursor": cursor},
        )
        assert_problem(response, 422, "invalid_cursor")
