"""/inventory: levels, set, adjustments, movements, low stock (admin and stock_manager)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from app.inventory.schemas import StockSpread
from app.stock import changes
from app.stock.model import MAX_BUCKETS, ProductStock
from tests.support.accounts import Account, Accounts
from tests.support.catalog import all_pages, create_product
from tests.support.history import check_history, ledger_of
from tests.support.http import assert_problem, stored_item
from tests.support.stock import stock_of, stock_record


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


@pytest.fixture
def manager(accounts: Accounts) -> Account:
    return accounts.make(Role.STOCK_MANAGER)


@pytest.fixture
def product(client: TestClient, admin: Account) -> dict[str, Any]:
    return create_product(client, admin, stock=10)


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
            # the documented maxLength counts what is sent, whitespace around it included
            {"stock": 5, "reason": "\u000b" + "r" * 200},
            {"stock": 5, "reason": " \t "},
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

    def test_the_threshold_stops_at_the_ceiling(self, client: TestClient, manager: Account) -> None:
        ok = client.get("/inventory/low-stock?threshold=100", headers=manager.headers)
        assert ok.status_code == 200
        body = assert_problem(
            client.get("/inventory/low-stock?threshold=101", headers=manager.headers),
            422,
            "threshold_too_high",
        )
        assert body["errors"][0]["field"] == "threshold"

    def test_only_low_levels_are_indexed_over_many_shards(
        self, client: TestClient, table: Table, admin: Account, manager: Account
    ) -> None:
        """Bucket 0 enters the sparse index at twice the ceiling or less, in one of
        `low_stock_shards` partitions; the page is merged lowest first across them."""
        ids = [create_product(client, admin, name=f"L{i}", stock=i)["id"] for i in range(12)]
        well_stocked = create_product(client, admin, name="Plenty", stock=500)["id"]

        def bucket_0(product_id: str) -> dict[str, Any]:
            return stored_item(table, table.keys.stock_bucket(product_id, 0))

        shards = {bucket_0(pid).get("GSI3PK") for pid in ids}
        assert None not in shards
        assert len(shards) > 3
        assert "GSI3PK" not in bucket_0(well_stocked)
        client.headers.update(manager.headers)
        try:
            pages = all_pages(client, "/inventory/low-stock", limit=5, threshold=100)
        finally:
            del client.headers["Authorization"]
        assert [[i["stock"] for i in page] for page in pages] == [
            [0, 1, 2, 3, 4],
            [5, 6, 7, 8, 9],
            [10, 11],
        ]
        down = client.put(
            f"/inventory/{well_stocked}",
            headers=manager.headers,
            json={"stock": 100, "reason": "count"},
        )
        assert down.status_code == 200
        assert "GSI3PK" in bucket_0(well_stocked)
        up = client.put(
            f"/inventory/{well_stocked}",
            headers=manager.headers,
            json={"stock": 201, "reason": "count"},
        )
        assert up.status_code == 200
        assert "GSI3PK" not in bucket_0(well_stocked)

    def test_a_purchase_from_a_stale_read_still_indexes_a_low_bucket(
        self, client: TestClient, table: Table, admin: Account, manager: Account
    ) -> None:
        """The purchase believes the bucket stays well stocked (it read 300), but the
        bucket holds 101 and is left at 100: its condition fails, the retry sees the low
        level and puts the bucket into the index."""
        product_id = create_product(client, admin, name="Stale", stock=101)["id"]
        real = stock_record(table, product_id)
        stale = ProductStock(product_id, (replace(real.buckets[0], stock=300),))
        changes.apply(
            table,
            snapshot={product_id: stale},
            make_plan=lambda _: changes.Plan([changes.Change(product_id, "purchase", 1, "stale")]),
            actor_id=admin.id,
        )
        assert stock_of(table, product_id) == 100
        bucket = stored_item(table, table.keys.stock_bucket(product_id, 0))
        assert "GSI3PK" in bucket
        listed = client.get("/inventory/low-stock?threshold=100", headers=manager.headers).json()
        assert [i["product_id"] for i in listed["items"]] == [product_id]

    def test_a_product_with_buckets_is_listed_by_its_total(
        self, client: TestClient, admin: Account, manager: Account
    ) -> None:
        product_id = create_product(client, admin, name="Spread", stock=9)["id"]
        assert spread(client, admin, product_id, 3).status_code == 200  # 3 each
        listed = client.get("/inventory/low-stock?threshold=9", headers=manager.headers).json()
        assert [(i["product_id"], i["stock"], i["buckets"]) for i in listed["items"]] == [
            (product_id, 9, 3)
        ]
        assert (
            client.get("/inventory/low-stock?threshold=8", headers=manager.headers).json()["items"]
            == []
        )

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


def spread(client: TestClient, account: Account, product_id: str, buckets: int) -> Any:
    return client.put(
        f"/inventory/{product_id}/buckets", headers=account.headers, json={"buckets": buckets}
    )


def buy(client: TestClient, buyer: Account, product_id: str, quantity: int) -> Any:
    return client.post(
        "/orders",
        headers=buyer.headers,
        json={"items": [{"product_id": product_id, "quantity": quantity}]},
    )


class TestBuckets:
    """A hot product's stock spread over several items (app/stock/planning.py)."""

    def test_admins_spread_the_stock_evenly_and_the_ledger_records_it(
        self, client: TestClient, table: Table, admin: Account, product: dict[str, Any]
    ) -> None:
        response = spread(client, admin, product["id"], 4)
        assert response.status_code == 200, response.text
        level = response.json()
        assert (level["stock"], level["buckets"], level["stock_version"]) == (10, 4, 5)
        assert response.headers["etag"] == '"5"'
        stored = stock_record(table, product["id"])
        assert [b.stock for b in stored.buckets] == [3, 3, 2, 2]
        # each bucket's change has its entry, in that bucket's partition
        for bucket, delta in zip(range(4), (-7, 3, 2, 2), strict=True):
            (entry,) = [e for e in ledger_of(table, product["id"], bucket) if e["kind"] == "set"]
            assert (entry["delta"], entry["stock_after"], entry["bucket"]) == (
                delta,
                stored.buckets[bucket].stock,
                bucket,
            )
        assert client.get(f"/products/{product['id']}").json()["stock"] == 10
        check_history(table, [product["id"]], [])

    def test_only_admins(
        self, client: TestClient, accounts: Accounts, manager: Account, product: dict[str, Any]
    ) -> None:
        assert_problem(spread(client, manager, product["id"], 4), 403)
        assert_problem(spread(client, accounts.make(), product["id"], 4), 403)
        url = f"/inventory/{product['id']}/buckets"
        assert_problem(client.put(url, json={"buckets": 4}), 401)

    def test_buckets_only_grow_and_bad_input_changes_nothing(
        self, client: TestClient, table: Table, admin: Account, product: dict[str, Any]
    ) -> None:
        assert spread(client, admin, product["id"], 3).status_code == 200
        assert_problem(spread(client, admin, product["id"], 2), 422, "fewer_buckets")
        for bad in (0, MAX_BUCKETS + 1, "4", 2.5):
            assert_problem(spread(client, admin, product["id"], bad), 422)  # type: ignore[arg-type]
        assert_problem(spread(client, admin, "nope", 2), 404, "product_not_found")
        assert len(stock_record(table, product["id"]).buckets) == 3
        again = spread(client, admin, product["id"], 3)  # the same count: nothing to do
        assert again.status_code == 200
        assert again.json()["stock_version"] == 4

    def test_purchases_take_from_the_buckets_and_never_oversell(
        self,
        client: TestClient,
        table: Table,
        accounts: Accounts,
        admin: Account,
        product: dict[str, Any],
    ) -> None:
        spread(client, admin, product["id"], 4)  # 3, 3, 2, 2
        buyer = accounts.make()
        one = buy(client, buyer, product["id"], 1)  # from one bucket holding more than 1
        assert one.status_code == 201
        assert sorted(b.stock for b in stock_record(table, product["id"]).buckets) in (
            [2, 2, 2, 3],
            [1, 2, 3, 3],
        )
        eight = buy(client, buyer, product["id"], 8)  # no bucket has 8: taken from several
        assert eight.status_code == 201
        assert stock_of(table, product["id"]) == 1
        too_many = buy(client, buyer, product["id"], 2)
        assert_problem(too_many, 409, "insufficient_stock")
        last = buy(client, buyer, product["id"], 1)
        assert last.status_code == 201
        assert stock_of(table, product["id"]) == 0
        listed = client.get("/products", params={"q": product["name"]}).json()["items"]
        assert [p["in_stock"] for p in listed if p["id"] == product["id"]] == [False]
        back = client.post(f"/orders/{eight.json()['id']}/cancel", headers=buyer.headers)
        assert back.status_code == 200
        assert client.get(f"/products/{product['id']}").json()["stock"] == 8
        listed = client.get("/products", params={"q": product["name"]}).json()["items"]
        assert [p["in_stock"] for p in listed if p["id"] == product["id"]] == [True]
        orders = [one.json()["id"], eight.json()["id"], last.json()["id"]]
        check_history(table, [product["id"]], orders)

    def test_counts_and_adjustments_rebalance(
        self,
        client: TestClient,
        table: Table,
        accounts: Accounts,
        admin: Account,
        manager: Account,
        product: dict[str, Any],
    ) -> None:
        spread(client, admin, product["id"], 2)
        buyer = accounts.make()
        order = buy(client, buyer, product["id"], 4)
        assert order.status_code == 201
        adjusted = client.post(
            f"/inventory/{product['id']}/adjustments",
            headers=manager.headers,
            json={"delta": 7, "reason": "delivery"},
        )
        assert adjusted.json()["stock"] == 13
        assert [b.stock for b in stock_record(table, product["id"]).buckets] == [7, 6]
        counted = client.put(
            f"/inventory/{product['id']}",
            headers=manager.headers,
            json={"stock": 5, "reason": "count"},
        )
        assert counted.json()["stock"] == 5
        assert [b.stock for b in stock_record(table, product["id"]).buckets] == [3, 2]
        check_history(table, [product["id"]], [order.json()["id"]])

    def test_movements_merge_the_buckets_newest_first(
        self,
        client: TestClient,
        table: Table,
        accounts: Accounts,
        admin: Account,
        manager: Account,
        product: dict[str, Any],
    ) -> None:
        spread(client, admin, product["id"], 3)
        buyer = accounts.make()
        for _ in range(3):
            assert buy(client, buyer, product["id"], 1).status_code == 201
        client.headers.update(manager.headers)
        try:
            pages = all_pages(client, f"/inventory/{product['id']}/movements", limit=2)
        finally:
            del client.headers["Authorization"]
        entries = [entry for page in pages for entry in page]
        stored = sum(len(ledger_of(table, product["id"], b)) for b in range(3))
        assert len(entries) == stored == 1 + 3 + 3  # initial, the spread's 3, 3 purchases
        assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
        assert [e["kind"] for e in entries[:3]] == ["purchase"] * 3
        assert entries[-1]["kind"] == "initial"
        assert {e["bucket"] for e in entries} == {0, 1, 2}


class TestTheMostBuckets:
    """A staff change writes every bucket and its ledger entry in one transaction (at most
    100 actions): the bucket limit keeps it within that."""

    def test_counts_adjustments_and_purchases_work_at_the_most_buckets(
        self,
        client: TestClient,
        table: Table,
        accounts: Accounts,
        admin: Account,
        manager: Account,
    ) -> None:
        product = create_product(client, admin, stock=5000)
        pid = product["id"]
        assert StockSpread.model_json_schema()["properties"]["buckets"]["maximum"] == MAX_BUCKETS
        response = spread(client, admin, pid, MAX_BUCKETS)
        assert response.status_code == 200, response.text
        assert_problem(spread(client, admin, pid, MAX_BUCKETS + 1), 422)
        counted = client.put(
            f"/inventory/{pid}", headers=manager.headers, json={"stock": 4801, "reason": "count"}
        )
        assert counted.status_code == 200, counted.text
        adjusted = client.post(
            f"/inventory/{pid}/adjustments",
            headers=manager.headers,
            json={"delta": -1, "reason": "broken"},
        )
        assert adjusted.status_code == 200, adjusted.text
        stored = stock_record(table, pid)
        assert (stored.total, len(stored.buckets)) == (4800, MAX_BUCKETS)
        assert {b.stock for b in stored.buckets} == {100}
        buyer = accounts.make()
        order = buy(client, buyer, pid, 150)  # more than any bucket holds: from several
        assert order.status_code == 201, order.text
        check_history(table, [pid], [order.json()["id"]])


def test_the_levels_of_a_page_of_products_in_one_call(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    """What the admins' product list shows in its Stock column: several products' levels,
    in the order asked, unknown ids left out; staff only."""
    admin = accounts.make(Role.ADMIN)
    one = create_product(client, admin, stock=3)
    two = create_product(client, admin, stock=0)
    url = f"/inventory?product_id={two['id']}&product_id=nonexistent&product_id={one['id']}"
    answer = client.get(url, headers=admin.headers)
    assert answer.status_code == 200, answer.text
    assert [(i["product_id"], i["stock"]) for i in answer.json()["items"]] == [
        (two["id"], 0),
        (one["id"], 3),
    ]
    manager = accounts.make(Role.STOCK_MANAGER)
    assert client.get(url, headers=manager.headers).status_code == 200
    assert_problem(client.get(url, headers=accounts.make().headers), 403)
    assert_problem(client.get("/inventory", headers=admin.headers), 422)
    many = "&".join(f"product_id=p{n}" for n in range(101))
    assert_problem(client.get(f"/inventory?{many}", headers=admin.headers), 422)


def test_the_ledger_says_who_made_each_change(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    manager = accounts.make(Role.STOCK_MANAGER)
    product = create_product(client, admin, stock=5)
    url = f"/inventory/{product['id']}"
    client.post(f"{url}/adjustments", headers=manager.headers, json={"delta": 2, "reason": "found"})
    buyer = accounts.make()
    order = client.post(
        "/orders",
        headers=buyer.headers,
        json={"items": [{"product_id": product["id"], "quantity": 1}]},
    ).json()
    items = client.get(f"{url}/movements", headers=admin.headers).json()["items"]
    by_kind = {item["kind"]: item for item in items}
    assert by_kind["adjustment"]["actor"] == {
        "id": manager.id,
        "email": manager.email,
        "name": "Test User",
    }
    assert by_kind["purchase"]["actor"]["email"] == buyer.email
    assert by_kind["purchase"]["order_id"] == order["id"]
    assert by_kind["initial"]["actor"]["id"] == admin.id
