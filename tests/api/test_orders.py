"""/orders: buying, idempotency, reading, cancelling -- with stock and ledger checked after."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.faults import meanwhile
from tests.support.history import check_history, ledger_of
from tests.support.http import assert_problem, stored_item
from tests.support.stock import stock_of


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


@pytest.fixture
def buyer(accounts: Accounts) -> Account:
    return accounts.make()


@pytest.fixture
def products(client: TestClient, admin: Account) -> list[dict[str, Any]]:
    return [
        create_product(client, admin, name="Anvil", price="100.00", stock=5),
        create_product(client, admin, name="Bolt", price="0.25", stock=1000),
        create_product(client, admin, name="Crate", price="12.50", stock=2),
    ]


def order(
    client: TestClient, account: Account, lines: list[tuple[str, int]], key: str | None = None
) -> Any:
    headers = dict(account.headers) | ({"Idempotency-Key": key} if key else {})
    body = {"items": [{"product_id": pid, "quantity": q} for pid, q in lines]}
    return client.post("/orders", headers=headers, json=body)


def item_count(table: Table) -> int:
    return int(table.client.scan(TableName=table.name, Select="COUNT")["Count"])


class TestPlace:
    def test_places_an_order_and_moves_stock_with_ledger_entries(
        self, client: TestClient, table: Table, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        anvil, bolt, _ = products
        response = order(client, buyer, [(anvil["id"], 2), (bolt["id"], 10)])
        assert response.status_code == 201, response.text
        placed = response.json()
        assert response.headers["location"] == f"/orders/{placed['id']}"
        assert placed["status"] == "placed"
        assert placed["user_id"] == buyer.id
        assert placed["currency"] == "EUR"
        assert placed["total"] == "202.50"
        assert placed["lines"] == [
            {
                "product_id": anvil["id"],
                "name": "Anvil",
                "unit_price": "100.00",
                "quantity": 2,
                "line_total": "200.00",
            },
            {
                "product_id": bolt["id"],
                "name": "Bolt",
                "unit_price": "0.25",
                "quantity": 10,
                "line_total": "2.50",
            },
        ]
        assert (stock_of(table, anvil["id"]), stock_of(table, bolt["id"])) == (3, 990)
        purchase = ledger_of(table, anvil["id"])[-1]
        assert (
            purchase["kind"],
            purchase["delta"],
            purchase.get("stock_after"),
            purchase["order_id"],
            purchase["actor_id"],
        ) == (
            "purchase",
            -2,
            None,  # an additive change: the level after it is not observable atomically
            placed["id"],
            buyer.id,
        )
        stored = stored_item(table, table.keys.order(placed["id"]))
        assert stored["total"] == Decimal("202.50")
        check_history(table, [p["id"] for p in products], [placed["id"]])

    def test_price_and_name_are_copied_at_purchase_time(
        self, client: TestClient, admin: Account, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        anvil = products[0]
        placed = order(client, buyer, [(anvil["id"], 1)]).json()
        client.patch(
            f"/products/{anvil['id']}",
            headers=admin.headers,
            json={"price": "999.00", "name": "Gold Anvil"},
        )
        again = client.get(f"/orders/{placed['id']}", headers=buyer.headers).json()
        assert (again["lines"][0]["unit_price"], again["lines"][0]["name"]) == ("100.00", "Anvil")

    def test_not_enough_stock_is_409_naming_the_products_and_sells_nothing(
        self, client: TestClient, table: Table, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        anvil, bolt, crate = products
        before = item_count(table)
        response = order(client, buyer, [(bolt["id"], 1), (anvil["id"], 6), (crate["id"], 3)])
        body = assert_problem(response, 409, "insufficient_stock")
        assert body["shortages"] == [
            {"product_id": anvil["id"], "requested": 6, "available": 5},
            {"product_id": crate["id"], "requested": 3, "available": 2},
        ]
        assert "Anvil (5 available)" in body["detail"]
        assert [stock_of(table, p["id"]) for p in products] == [5, 1000, 2]
        assert item_count(table) == before

    def test_unknown_or_deleted_products_are_422_and_sell_nothing(
        self,
        client: TestClient,
        table: Table,
        admin: Account,
        buyer: Account,
        products: list[dict[str, Any]],
    ) -> None:
        anvil, bolt, _ = products
        client.delete(f"/products/{bolt['id']}", headers=admin.headers)
        before = item_count(table)
        body = assert_problem(
            order(client, buyer, [(anvil["id"], 1), (bolt["id"], 1), ("ghost", 1)]),
            422,
            "unknown_products",
        )
        assert body["product_ids"] == [bolt["id"], "ghost"]
        assert stock_of(table, anvil["id"]) == 5
        assert item_count(table) == before

    def test_a_variant_a_product_without_options_does_not_have_is_422_and_sells_nothing(
        self, client: TestClient, table: Table, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        anvil, bolt, _ = products
        before = item_count(table)
        lines = [
            {"product_id": bolt["id"], "quantity": 1},
            {"product_id": anvil["id"], "variant_id": bolt["id"], "quantity": 1},
        ]
        body = assert_problem(
            client.post("/orders", headers=buyer.headers, json={"items": lines}),
            422,
            "unknown_variant",
        )
        assert body["detail"] == f"Anvil has no variant {bolt['id']}."
        assert (stock_of(table, anvil["id"]), stock_of(table, bolt["id"])) == (5, 1000)
        assert item_count(table) == before
        own = {"product_id": anvil["id"], "variant_id": anvil["id"], "quantity": 1}
        placed = client.post("/orders", headers=buyer.headers, json={"items": [own]})
        assert placed.status_code == 201, placed.text  # its one variant is itself
        assert stock_of(table, anvil["id"]) == 4

    def test_mixed_currencies_are_422(
        self,
        client: TestClient,
        table: Table,
        admin: Account,
        buyer: Account,
        products: list[dict[str, Any]],
    ) -> None:
        dollars = create_product(client, admin, currency="USD", stock=5)
        assert_problem(
            order(client, buyer, [(products[0]["id"], 1), (dollars["id"], 1)]),
            422,
            "mixed_currencies",
        )
        assert stock_of(table, dollars["id"]) == 5

    @pytest.mark.parametrize(
        "body",
        [
            {"items": []},
            {"items": [{"product_id": f"p{i}", "quantity": 1} for i in range(26)]},
            {"items": [{"product_id": "p", "quantity": 0}]},
            {"items": [{"product_id": "p", "quantity": 1001}]},
            {"items": [{"product_id": "p", "quantity": "1"}]},
            {"items": [{"product_id": "p", "quantity": 1.5}]},
            {"items": [{"product_id": "p", "quantity": 1}, {"product_id": "p", "quantity": 2}]},
            {"items": [{"product_id": "p", "quantity": 1, "price": "0.01"}]},
            {"items": [{"product_id": "p", "quantity": 1}], "total": "0.00"},
            {},
        ],
    )
    def test_bad_input_is_422(
        self, client: TestClient, table: Table, buyer: Account, body: dict[str, Any]
    ) -> None:
        before = item_count(table)
        assert_problem(client.post("/orders", headers=buyer.headers, json=body), 422)
        assert item_count(table) == before

    def test_needs_a_login(self, client: TestClient, products: list[dict[str, Any]]) -> None:
        assert_problem(
            client.post(
                "/orders", json={"items": [{"product_id": products[0]["id"], "quantity": 1}]}
            ),
            401,
        )

    def test_stock_managers_and_admins_can_buy_too(
        self, client: TestClient, accounts: Accounts, admin: Account, products: list[dict[str, Any]]
    ) -> None:
        manager = accounts.make(Role.STOCK_MANAGER)
        assert order(client, manager, [(products[1]["id"], 1)]).status_code == 201
        assert order(client, admin, [(products[1]["id"], 1)]).status_code == 201


class TestIdempotency:
    def test_a_repeat_returns_the_same_order_and_sells_nothing_more(
        self, client: TestClient, table: Table, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        anvil = products[0]
        first = order(client, buyer, [(anvil["id"], 2)], key="checkout-42")
        second = order(client, buyer, [(anvil["id"], 2)], key="checkout-42")
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert second.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert stock_of(table, anvil["id"]) == 3
        record = stored_item(table, table.keys.idempotency(buyer.id, "checkout-42"))
        assert record["order_id"] == first.json()["id"]
        kept_for = record["expires_at"] - _epoch(record["created_at"])
        assert 24 * 3600 - 1 <= kept_for <= 24 * 3600 + 1

    def test_same_key_other_body_is_422(
        self, client: TestClient, table: Table, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        anvil = products[0]
        order(client, buyer, [(anvil["id"], 1)], key="k1")
        body = assert_problem(
            order(client, buyer, [(anvil["id"], 2)], key="k1"), 422, "idempotency_key_reused"
        )
        assert "different" in body["detail"]
        assert stock_of(table, anvil["id"]) == 4

    def test_keys_belong_to_their_user(
        self, client: TestClient, accounts: Accounts, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        other = accounts.make()
        mine = order(client, buyer, [(products[1]["id"], 1)], key="shared").json()
        theirs = order(client, other, [(products[1]["id"], 1)], key="shared").json()
        assert mine["id"] != theirs["id"]

    def test_an_expired_key_places_a_new_order(
        self, client: TestClient, table: Table, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        first = order(client, buyer, [(products[1]["id"], 1)], key="old").json()
        key = table.keys.idempotency(buyer.id, "old")
        table.client.update_item(
            TableName=table.name,
            Key={k: {"S": v} for k, v in key.items()},
            UpdateExpression="SET expires_at = :past",
            ExpressionAttributeValues={":past": {"N": "1"}},
        )
        second = order(client, buyer, [(products[1]["id"], 1)], key="old")
        assert second.status_code == 201
        assert second.json()["id"] != first["id"]
        assert stock_of(table, products[1]["id"]) == 998

    @pytest.mark.parametrize("key", ["x" * 65, "has space", "tab\there", "é".encode()])
    def test_bad_keys_are_422(
        self, client: TestClient, buyer: Account, products: list[dict[str, Any]], key: str | bytes
    ) -> None:
        headers = {**buyer.headers, "Idempotency-Key": key}
        response = client.post(
            "/orders",
            headers=headers,
            json={"items": [{"product_id": products[0]["id"], "quantity": 1}]},
        )
        assert_problem(response, 422)


def _epoch(iso: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


class TestRead:
    def test_own_orders_newest_first_in_pages(
        self, client: TestClient, accounts: Accounts, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        ids = [order(client, buyer, [(products[1]["id"], i + 1)]).json()["id"] for i in range(5)]
        order(client, accounts.make(), [(products[1]["id"], 1)])
        first = client.get("/orders?limit=3", headers=buyer.headers).json()
        second = client.get(
            "/orders", headers=buyer.headers, params={"limit": 3, "cursor": first["next_cursor"]}
        ).json()
        assert [o["id"] for o in first["items"] + second["items"]] == ids[::-1]
        assert second["next_cursor"] is None

    def test_other_users_orders(
        self,
        client: TestClient,
        accounts: Accounts,
        admin: Account,
        buyer: Account,
        products: list[dict[str, Any]],
    ) -> None:
        placed = order(client, buyer, [(products[1]["id"], 1)]).json()
        stranger = accounts.make()
        assert_problem(
            client.get(f"/orders/{placed['id']}", headers=stranger.headers), 404, "order_not_found"
        )
        assert_problem(client.get(f"/orders?user_id={buyer.id}", headers=stranger.headers), 403)
        assert client.get("/orders", headers=stranger.headers).json()["items"] == []
        assert client.get(f"/orders/{placed['id']}", headers=admin.headers).json() == placed
        listed = client.get(f"/orders?user_id={buyer.id}", headers=admin.headers).json()["items"]
        assert [o["id"] for o in listed] == [placed["id"]]
        assert client.get(f"/orders/{placed['id']}", headers=buyer.headers).json() == placed

    def test_missing(self, client: TestClient, buyer: Account) -> None:
        assert_problem(client.get("/orders/nope", headers=buyer.headers), 404)


class TestCancel:
    def test_returns_the_stock_with_ledger_entries(
        self, client: TestClient, table: Table, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        anvil, bolt, _ = products
        placed = order(client, buyer, [(anvil["id"], 2), (bolt["id"], 5)]).json()
        response = client.post(f"/orders/{placed['id']}/cancel", headers=buyer.headers)
        assert response.status_code == 200
        cancelled = response.json()
        assert cancelled["status"] == "cancelled"
        assert cancelled["cancelled_at"]
        assert (stock_of(table, anvil["id"]), stock_of(table, bolt["id"])) == (5, 1000)
        entry = ledger_of(table, anvil["id"])[-1]
        assert (entry["kind"], entry["delta"], entry.get("stock_after"), entry["order_id"]) == (
            "cancellation",
            2,
            None,
            placed["id"],
        )
        assert stored_item(table, table.keys.order(placed["id"]))["status"] == "cancelled"
        assert (
            client.get(f"/orders/{placed['id']}", headers=buyer.headers).json()["status"]
            == "cancelled"
        )
        check_history(table, [p["id"] for p in products], [placed["id"]])

    def test_a_second_cancel_is_409_and_returns_nothing_more(
        self, client: TestClient, table: Table, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        placed = order(client, buyer, [(products[0]["id"], 1)]).json()
        client.post(f"/orders/{placed['id']}/cancel", headers=buyer.headers)
        assert_problem(
            client.post(f"/orders/{placed['id']}/cancel", headers=buyer.headers),
            409,
            "already_cancelled",
        )
        assert stock_of(table, products[0]["id"]) == 5

    def test_a_cancel_that_meets_another_is_409_and_the_stock_comes_back_once(
        self, client: TestClient, table: Table, buyer: Account, products: list[dict[str, Any]]
    ) -> None:
        """Two tabs cancel the same order: the other tab's cancel lands between this one's
        read and its write. This one's transaction is refused whole: 409, one ledger entry."""
        placed = order(client, buyer, [(products[0]["id"], 2)]).json()
        url = f"/orders/{placed['id']}/cancel"

        def the_other_tab_cancels() -> int:
            return client.post(url, headers=buyer.headers).status_code

        with meanwhile(table.client, table.keys.order(placed["id"]), the_other_tab_cancels) as done:
            late = client.post(url, headers=buyer.headers)
        assert done == [200]
        assert_problem(late, 409, "already_cancelled")
        assert stock_of(table, products[0]["id"]) == 5
        entries = [e["kind"] for e in ledger_of(table, products[0]["id"])]
        assert entries.count("cancellation") == 1, entries
        assert stored_item(table, table.keys.order(placed["id"]))["status"] == "cancelled"
        check_history(table, [products[0]["id"]], [placed["id"]])

    def test_only_the_owner_or_an_admin(
        self,
        client: TestClient,
        accounts: Accounts,
        admin: Account,
        buyer: Account,
        products: list[dict[str, Any]],
    ) -> None:
        placed = order(client, buyer, [(products[0]["id"], 1)]).json()
        assert_problem(
            client.post(f"/orders/{placed['id']}/cancel", headers=accounts.make().headers), 404
        )
        assert (
            client.post(f"/orders/{placed['id']}/cancel", headers=admin.headers).status_code == 200
        )

    def test_products_deleted_since_are_skipped(
        self,
        client: TestClient,
        table: Table,
        admin: Account,
        buyer: Account,
        products: list[dict[str, Any]],
    ) -> None:
        anvil, bolt, _ = products
        placed = order(client, buyer, [(anvil["id"], 1), (bolt["id"], 1)]).json()
        client.delete(f"/products/{bolt['id']}", headers=admin.headers)
        assert (
            client.post(f"/orders/{placed['id']}/cancel", headers=buyer.headers).status_code == 200
        )
        assert stock_of(table, anvil["id"]) == 5
        check_history(table, [anvil["id"]], [placed["id"]])

    def test_missing(self, client: TestClient, buyer: Account) -> None:
        assert_problem(client.post("/orders/nope/cancel", headers=buyer.headers), 404)


class TestPartitions:
    """What a purchase writes: nothing in a partition the whole store shares."""

    def test_a_purchase_writes_only_its_product_its_order_shard_and_its_buyer(
        self,
        client: TestClient,
        table: Table,
        buyer: Account,
        products: list[dict[str, Any]],
    ) -> None:
        requests: list[dict[str, Any]] = []

        def capture(params: dict[str, Any], **_: Any) -> None:
            requests.append(params)

        table.client.meta.events.register(
            "before-parameter-build.dynamodb.TransactWriteItems", capture
        )
        try:
            response = order(client, buyer, [(products[1]["id"], 1)])  # 1,000 in stock
        finally:
            table.client.meta.events.unregister(
                "before-parameter-build.dynamodb.TransactWriteItems", capture
            )
        assert response.status_code == 201
        (request,) = requests
        product_partition = table.keys.product_partition(products[1]["id"])
        order_key = table.keys.order(response.json()["id"])
        written: list[str] = []
        for action in request["TransactItems"]:
            ((kind, body),) = action.items()
            item = body.get("Item") or body["Key"]
            written.append(item["PK"]["S"])
            indexed = {k: v["S"] for k, v in item.items() if k.startswith("GSI")}
            if kind == "Put" and item["SK"]["S"] == order_key["SK"]:
                # the order's one index entry: the buyer's own list of orders
                assert indexed == {
                    "GSI1PK": table.keys.user_orders_listing(buyer.id),
                    "GSI1SK": response.json()["id"],
                }
            else:
                assert indexed == {}, action
            names = body.get("ExpressionAttributeNames", {}).values()
            assert not any(name.startswith("GSI") for name in names), action
        assert sorted(written) == sorted(
            [product_partition, product_partition, order_key["PK"]]  # bucket, ledger, order
        )
