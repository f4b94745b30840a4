"""The catalog: GET/POST/PATCH/DELETE /products."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.keys import WORD_PREFIX
from app.db.table import Sort, Table
from tests.integration.test_accounts_concurrency import race
from tests.support.accounts import Account, Accounts
from tests.support.catalog import all_pages, create_product, product_body
from tests.support.history import ledger_of
from tests.support.http import assert_problem, stored_item
from tests.support.stock import stock_of, stock_version


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


def product_item(table: Table, product_id: str) -> dict[str, Any]:
    return stored_item(table, table.keys.product(product_id))


class TestCreate:
    def test_creates_with_location_etag_and_initial_ledger_entry(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        response = client.post(
            "/products", headers=admin.headers, json=product_body(sku="ABC-1", stock=7)
        )
        assert response.status_code == 201
        product = response.json()
        assert response.headers["location"] == f"/products/{product['id']}"
        # "<version>.<stock version>": the definition and the stock (app/core/etags.py)
        assert response.headers["etag"] == '"1.1"'
        assert product["price"] == "19.99"
        assert product["stock"] == 7
        assert product["version"] == 1
        assert product["image_url"] is None
        assert set(product) == {
            "id",
            "name",
            "description",
            "price",
            "price_min",
            "price_max",
            "currency",
            "category",
            "tags",
            "sku",
            "status",
            "stock",
            "in_stock",
            "image_url",
            "version",
            "created_at",
            "updated_at",
            "options",  # shared/DESIGN.md, "Variants, status, import/export"
            "variants",
        }
        assert product["status"] == "active"  # what a new product is unless told
        assert product["price_min"] == product["price_max"] == "19.99"  # its one variant
        item = product_item(table, product["id"])
        assert str(item["price"]) == "19.99"
        assert stock_of(table, product["id"]) == 7
        assert stock_version(table, product["id"]) == 1
        (entry,) = ledger_of(table, product["id"])
        assert (entry["delta"], entry["stock_after"], entry["kind"], entry["actor_id"]) == (
            7,
            7,
            "initial",
            admin.id,
        )
        assert table.get(table.keys.sku("abc-1")) == {
            **table.keys.sku("ABC-1"),
            "product_id": product["id"],
        }

    def test_no_stock_no_ledger_entry(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        product = create_product(client, admin, stock=0)
        assert stock_version(table, product["id"]) == 0
        assert ledger_of(table, product["id"]) == []

    @pytest.mark.parametrize(
        ("price", "expected"), [(19.99, "19.99"), ("5", "5.00"), (0, "0.00"), ("1e2", "100.00")]
    )
    def test_price_as_string_or_number(
        self, client: TestClient, admin: Account, price: object, expected: str
    ) -> None:
        assert create_product(client, admin, price=price)["price"] == expected

    def test_defaults(self, client: TestClient, admin: Account) -> None:
        body = {"name": "Bare", "price": "1.00", "category": "Misc"}
        response = client.post("/products", headers=admin.headers, json=body)
        assert response.status_code == 201
        product = response.json()
        assert (product["stock"], product["tags"], product["sku"], product["currency"]) == (
            0,
            [],
            None,
            "EUR",
        )

    def test_tags_are_deduplicated_and_currency_upper_cased(
        self, client: TestClient, admin: Account
    ) -> None:
        product = create_product(client, admin, tags=["Red", "red", "blue"], currency="usd")
        assert product["tags"] == ["Red", "blue"]
        assert product["currency"] == "USD"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"name": ""}, "name"),
            ({"name": "x" * 201}, "name"),
            ({"name": "bad\x00name"}, "name"),
            ({"description": "d" * 5001}, "description"),
            ({"price": -1}, "price"),
            ({"price": "1.999"}, "price"),
            ({"price": 0.1 + 0.2}, "price"),
            ({"price": "abc"}, "price"),
            ({"price": "NaN"}, "price"),
            ({"price": None}, "price"),
            ({"currency": "EURO"}, "currency"),
            ({"currency": "E1R"}, "currency"),
            ({"category": ""}, "category"),
            ({"category": "c" * 51}, "category"),
            ({"tags": ["t"] * 21}, "tags"),
            ({"tags": [""]}, "tags.0"),
            ({"tags": ["t" * 51]}, "tags.0"),
            ({"sku": "has space"}, "sku"),
            ({"stock": -1}, "stock"),
            ({"stock": 1.5}, "stock"),
            ({"stock": "5"}, "stock"),
            ({"color": "red"}, "color"),
            ({"version": 7}, "version"),
        ],
    )
    def test_rejects_bad_input_and_writes_nothing(
        self, client: TestClient, table: Table, admin: Account, changes: dict[str, Any], field: str
    ) -> None:
        before = table.client.scan(TableName=table.name)["Count"]
        response = client.post("/products", headers=admin.headers, json=product_body(**changes))
        body = assert_problem(response, 422, "validation_error")
        assert any(error["field"] == field for error in body["errors"]), body["errors"]
        assert table.client.scan(TableName=table.name)["Count"] == before

    def test_sku_is_unique_per_store(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        create_product(client, admin, sku="DUP-1")
        before = table.client.scan(TableName=table.name)["Count"]
        response = client.post("/products", headers=admin.headers, json=product_body(sku="dup-1"))
        assert_problem(response, 409, "sku_taken")
        assert table.client.scan(TableName=table.name)["Count"] == before

    @pytest.mark.parametrize("role", [Role.USER, Role.STOCK_MANAGER])
    def test_only_admins_write(self, client: TestClient, accounts: Accounts, role: Role) -> None:
        assert_problem(client.post("/products", json=product_body()), 401)
        caller = accounts.make(role)
        assert_problem(client.post("/products", headers=caller.headers, json=product_body()), 403)


class TestGet:
    def test_anyone_reads_with_etag(self, client: TestClient, admin: Account) -> None:
        product = create_product(client, admin)
        response = client.get(f"/products/{product['id']}")
        assert response.status_code == 200
        assert response.json() == product
        assert response.headers["etag"] == '"1.1"'
        # shared caches may keep it 2 s: with the page's 3 s polls, stock is <= 5 s old
        assert response.headers["cache-control"] == "public, max-age=2"

    def test_missing(self, client: TestClient) -> None:
        assert_problem(client.get("/products/does-not-exist"), 404, "product_not_found")


class TestUpdate:
    def test_partial_update_moves_the_version(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        product = create_product(client, admin, stock=5)
        response = client.patch(
            f"/products/{product['id']}", headers=admin.headers, json={"price": "24.50", "tags": []}
        )
        assert response.status_code == 200
        updated = response.json()
        assert (updated["price"], updated["tags"], updated["version"]) == ("24.50", [], 2)
        assert updated["name"] == product["name"]
        assert updated["stock"] == 5
        assert response.headers["etag"] == '"2.1"'
        item = product_item(table, product["id"])
        assert (str(item["price"]), item["version"]) == ("24.50", 2)
        assert stock_of(table, product["id"]) == 5

    def test_renaming_moves_the_product_in_listings(
        self, client: TestClient, admin: Account
    ) -> None:
        product = create_product(client, admin, name="Alpha", category="Old")
        client.patch(
            f"/products/{product['id']}",
            headers=admin.headers,
            json={"name": "Omega", "category": "New"},
        )
        assert [p["id"] for p in client.get("/products?q=omega").json()["items"]] == [product["id"]]
        assert client.get("/products?q=alpha").json()["items"] == []
        assert [p["id"] for p in client.get("/products?category=new").json()["items"]] == [
            product["id"]
        ]
        assert client.get("/products?category=Old").json()["items"] == []

    def test_if_match_current_version(self, client: TestClient, admin: Account) -> None:
        product = create_product(client, admin)
        response = client.patch(
            f"/products/{product['id']}",
            headers={**admin.headers, "If-Match": '"1"'},
            json={"name": "New"},
        )
        assert response.status_code == 200

    def test_stale_if_match_is_412_and_changes_nothing(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        product = create_product(client, admin)
        client.patch(f"/products/{product['id']}", headers=admin.headers, json={"name": "Second"})
        response = client.patch(
            f"/products/{product['id']}",
            headers={**admin.headers, "If-Match": '"1"'},
            json={"name": "Stale"},
        )
        assert_problem(response, 412, "precondition_failed")
        item = product_item(table, product["id"])
        assert (item["name"], item["version"]) == ("Second", 2)

    def test_ten_concurrent_patches_with_one_etag_one_wins(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        product = create_product(client, admin)

        def patch(i: int) -> int:
            return client.patch(
                f"/products/{product['id']}",
                headers={**admin.headers, "If-Match": '"1"'},
                json={"name": f"Writer {i}"},
            ).status_code

        statuses = race(10, patch)
        assert sorted(statuses) == [200] + [412] * 9
        item = product_item(table, product["id"])
        assert item["version"] == 2
        assert item["name"].startswith("Writer ")

    def test_stock_is_not_editable_here(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        product = create_product(client, admin, stock=3)
        response = client.patch(
            f"/products/{product['id']}", headers=admin.headers, json={"stock": 99}
        )
        body = assert_problem(response, 422)
        assert "inventory" in body["detail"]
        assert stock_of(table, product["id"]) == 3

    @pytest.mark.parametrize(
        "body",
        [{"name": None}, {"price": "1.001"}, {"unknown": 1}, {"currency": "xx"}, {"version": 9}],
    )
    def test_bad_input(
        self, client: TestClient, table: Table, admin: Account, body: dict[str, Any]
    ) -> None:
        product = create_product(client, admin)
        assert_problem(
            client.patch(f"/products/{product['id']}", headers=admin.headers, json=body), 422
        )
        assert stored_item(table, table.keys.product(product["id"]))["version"] == 1

    def test_sku_change_moves_the_claim(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        product = create_product(client, admin, sku="OLD-1")
        other = create_product(client, admin, sku="TAKEN-1")
        assert_problem(
            client.patch(
                f"/products/{product['id']}", headers=admin.headers, json={"sku": "taken-1"}
            ),
            409,
            "sku_taken",
        )
        assert stored_item(table, table.keys.product(product["id"]))["sku"] == "OLD-1"
        response = client.patch(
            f"/products/{product['id']}", headers=admin.headers, json={"sku": "NEW-1"}
        )
        assert response.status_code == 200
        assert table.get(table.keys.sku("OLD-1")) is None
        assert stored_item(table, table.keys.sku("NEW-1"))["product_id"] == product["id"]
        create_product(client, admin, sku="OLD-1")  # free again
        response = client.patch(
            f"/products/{product['id']}", headers=admin.headers, json={"sku": None}
        )
        assert response.json()["sku"] is None
        assert table.get(table.keys.sku("NEW-1")) is None
        assert other["sku"] == "TAKEN-1"

    def test_missing(self, client: TestClient, admin: Account) -> None:
        assert_problem(
            client.patch("/products/nope", headers=admin.headers, json={"name": "x"}), 404
        )

    def test_only_admins(self, client: TestClient, accounts: Accounts, admin: Account) -> None:
        product = create_product(client, admin)
        user = accounts.make()
        assert_problem(
            client.patch(f"/products/{product['id']}", headers=user.headers, json={"name": "x"}),
            403,
        )


class TestDelete:
    def test_gone_everywhere(self, client: TestClient, table: Table, admin: Account) -> None:
        product = create_product(client, admin, name="Doomed Widget", sku="DOOM-1", category="Doom")
        assert client.delete(f"/products/{product['id']}", headers=admin.headers).status_code == 204
        assert_problem(client.get(f"/products/{product['id']}"), 404)
        assert_problem(
            client.patch(f"/products/{product['id']}", headers=admin.headers, json={"name": "x"}),
            404,
        )
        assert_problem(client.delete(f"/products/{product['id']}", headers=admin.headers), 404)
        assert client.get("/products").json()["items"] == []
        assert client.get("/products?q=doomed").json()["items"] == []
        assert client.get("/products?category=Doom").json()["items"] == []
        assert table.get(table.keys.product(product["id"])) is None
        assert table.get(table.keys.sku("DOOM-1")) is None

    def test_only_admins(self, client: TestClient, accounts: Accounts, admin: Account) -> None:
        product = create_product(client, admin)
        assert_problem(client.delete(f"/products/{product['id']}"), 401)
        manager = accounts.make(Role.STOCK_MANAGER)
        assert_problem(client.delete(f"/products/{product['id']}", headers=manager.headers), 403)


class TestListing:
    def test_pages_a_category_of_23_ten_at_a_time(self, client: TestClient, admin: Account) -> None:
        ids = {
            create_product(client, admin, name=f"Gadget {i:02d}", category="Gadgets")["id"]
            for i in range(23)
        }
        for i in range(4):
            create_product(client, admin, name=f"Other {i}", category="Others")
        pages = all_pages(client, "/products", limit=10, category="gadgets")
        assert [len(page) for page in pages] == [10, 10, 3]
        seen = [p["id"] for page in pages for p in page]
        assert len(seen) == len(set(seen)) == 23
        assert set(seen) == ids
        names = [p["name"] for page in pages for p in page]
        assert names == sorted(names)

    def test_orders_by_name_then_id(self, client: TestClient, admin: Account) -> None:
        for name in ["Widget Pro", "widget", "Anvil", "Widget", "Zebra", "Émile"]:
            create_product(client, admin, name=name)
        items = client.get("/products").json()["items"]
        names = [p["name"] for p in items]
        assert names[:3] == ["Anvil", "Widget", "widget"] or names[:3] == [
            "Anvil",
            "widget",
            "Widget",
        ]
        assert names[3:5] == ["Widget Pro", "Zebra"]
        twins = [p for p in items if p["name"].casefold() == "widget"]
        assert [p["id"] for p in twins] == sorted(p["id"] for p in twins)

    def test_search_matches_the_start_of_any_word(self, client: TestClient, admin: Account) -> None:
        pro = create_product(client, admin, name="Widget Pro", category="Tools")
        mini = create_product(client, admin, name="Mini Widget", category="Tools")
        create_product(client, admin, name="Wider Shelf", category="Home")

        def names(q: str) -> set[str]:
            return {p["name"] for p in client.get("/products", params={"q": q}).json()["items"]}

        assert names("widg") == {"Widget Pro", "Mini Widget"}
        assert names("WID") == {"Widget Pro", "Mini Widget", "Wider Shelf"}
        assert names("widget pro") == {"Widget Pro"}  # the name's start: the old prefix search
        assert names("idget") == set()  # the start of a word, not any part of it
        both = client.get("/products", params={"q": "wid", "category": "tools"}).json()["items"]
        assert {p["id"] for p in both} == {pro["id"], mini["id"]}
        assert client.get("/products?q=zzz").json() == {"items": [], "next_cursor": None}

    @pytest.mark.parametrize("blank", [" ", "%20%20", "%C2%A0", "%CC%81", "%E3%80%80"])
    def test_a_search_empty_once_folded_is_the_catalog(
        self, client: TestClient, admin: Account, blank: str
    ) -> None:
        """A space, a no-break space, a lone combining accent: nothing to search for (it was
        a 500: DynamoDB refuses an empty key), so the catalog itself, for anyone."""
        create_product(client, admin, name="Anvil")
        for store in ({}, {"X-Store": "default"}):
            answer = client.get(f"/products?q={blank}", headers=store)
            assert answer.status_code == 200, answer.text
            assert answer.json() == client.get("/products").json()

    def test_search_finds_words_anywhere_in_the_name(
        self, client: TestClient, admin: Account
    ) -> None:
        board = create_product(client, admin, name="Bamboo Cutting Board", sku="KT-0042")
        torch = create_product(client, admin, name="Crème brûlée torch")
        create_product(client, admin, name="Cutlery Set")

        def ids(q: str) -> list[str]:
            return [p["id"] for p in client.get("/products", params={"q": q}).json()["items"]]

        assert ids("board") == [board["id"]]
        assert ids("cutting bo") == [board["id"]]
        assert ids("  Cutting   BOARD ") == [board["id"]]
        assert ids("bamboo") == [board["id"]]
        assert ids("CRÈME") == [torch["id"]]
        assert ids("creme brulee") == [torch["id"]]
        assert ids("brûlée") == [torch["id"]]
        assert ids("board cutting") == []  # words in the name's order
        assert ids("kt-0042") == [board["id"]]  # an exact SKU, any case
        assert ids("kt-004") == []  # but not part of one

    def test_search_entries_follow_edits_and_deletes(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        product = create_product(client, admin, name="Copper Kettle", sku="OLD-1")
        url = f"/products/{product['id']}"
        renamed = client.patch(
            url, headers=admin.headers, json={"name": "Steel Teapot", "sku": "NEW-1"}
        )
        assert renamed.status_code == 200

        def found(q: str) -> list[str]:
            return [p["name"] for p in client.get("/products", params={"q": q}).json()["items"]]

        assert (found("kettle"), found("old-1")) == ([], [])
        assert found("teapot") == found("new-1") == ["Steel Teapot"]
        stored_entries = table.query_pages(
            table.keys.product_partition(product["id"]), sort=Sort.begins_with(WORD_PREFIX)
        )
        assert sum(len(page) for page in stored_entries) == 3  # 2 words and the SKU
        assert client.delete(url, headers=admin.headers).status_code == 204
        assert found("teapot") == found("steel") == found("new-1") == []

    def test_search_shows_availability_as_it_changes(
        self, client: TestClient, admin: Account, accounts: Accounts
    ) -> None:
        product = create_product(client, admin, name="Last Lantern", stock=1)
        buyer = accounts.make()
        body = {"items": [{"product_id": product["id"], "quantity": 1}]}
        order = client.post("/orders", headers=buyer.headers, json=body)
        assert order.status_code == 201

        def in_stock() -> list[tuple[str, bool]]:
            """As the search and the full listing show it."""
            return [
                (p["id"], p["in_stock"])
                for params in ({"q": "lantern"}, {})
                for p in client.get("/products", params=params).json()["items"]
                if p["id"] == product["id"]
            ]

        assert in_stock() == [(product["id"], False)] * 2
        cancel = client.post(f"/orders/{order.json()['id']}/cancel", headers=buyer.headers)
        assert cancel.status_code == 200
        assert in_stock() == [(product["id"], True)] * 2

    def test_search_pages_too(self, client: TestClient, admin: Account) -> None:
        for i in range(5):
            create_product(client, admin, name=f"Lamp {i}")
        create_product(client, admin, name="Table")
        pages = all_pages(client, "/products", limit=2, q="lamp")
        assert [len(page) for page in pages] == [2, 2, 1]

    def test_default_limit_is_20(self, client: TestClient, admin: Account) -> None:
        for i in range(21):
            create_product(client, admin, name=f"Item {i:02d}")
        body = client.get("/products").json()
        assert len(body["items"]) == 20
        assert body["next_cursor"]

    @pytest.mark.parametrize(
        "query", ["limit=0", "limit=101", "limit=abc", "q=", "category=" + "c" * 51]
    )
    def test_bad_parameters(self, client: TestClient, query: str) -> None:
        assert_problem(client.get(f"/products?{query}"), 422)

    def test_tampered_or_foreign_cursor(self, client: TestClient, admin: Account) -> None:
        for i in range(3):
            create_product(client, admin, name=f"A {i}", category="One")
            create_product(client, admin, name=f"B {i}", category="Two")
        cursor = client.get("/products?limit=1&category=One").json()["next_cursor"]
        assert (
            client.get(
                "/products", params={"limit": 1, "category": "One", "cursor": cursor}
            ).status_code
            == 200
        )
        for params in (
            {"category": "Two", "cursor": cursor},
            {"cursor": cursor},
            {"category": "One", "q": "a", "cursor": cursor},
            {"category": "One", "cursor": cursor[:-1] + ("A" if cursor[-1] != "A" else "B")},
            {"cursor": "not-a-cursor"},
        ):
            assert_problem(client.get("/products", params=params), 422, "invalid_cursor")

    def test_listings_show_availability_not_stock(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        create_product(client, admin, name="Has some", stock=4)
        create_product(client, admin, name="Has none", stock=0)
        items = client.get("/products").json()["items"]
        assert [(p["name"], p["in_stock"]) for p in items] == [
            ("Has none", False),
            ("Has some", True),
        ]
        assert all("stock" not in p for p in items)


class TestCaching:
    """Anonymous catalog reads may be kept by CloudFront for a few seconds; a re-read
    with If-None-Match costs a 304 without a body."""

    @pytest.mark.parametrize(("path", "max_age"), [("/products", 10), ("/categories", 30)])
    def test_listings_are_public_for_seconds_with_an_etag(
        self, client: TestClient, admin: Account, path: str, max_age: int
    ) -> None:
        create_product(client, admin, name="Cached Chair", category="Seating")
        first = client.get(path)
        assert first.headers["cache-control"] == f"public, max-age={max_age}"
        etag = first.headers["etag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert (again.status_code, again.content) == (304, b"")
        assert again.headers["cache-control"] == f"public, max-age={max_age}"
        create_product(client, admin, name="Another Chair", category="Seating")
        changed = client.get(path, headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != etag

    @pytest.mark.parametrize("path", ["/products", "/categories", "/products/{id}"])
    def test_shared_copies_vary_by_store(
        self, client: TestClient, admin: Account, path: str
    ) -> None:
        """A store is chosen by X-Store as well as by host: a cache that keys on the URL
        alone (a browser) must tell the stores' copies apart, 304s included."""
        product = create_product(client, admin)
        url = path.replace("{id}", product["id"])
        for answer in (
            client.get(url),
            client.get(url, headers={"If-None-Match": client.get(url).headers["etag"]}),
        ):
            vary = {v.strip().lower() for v in answer.headers["vary"].split(",")}
            assert {"x-store", "accept-encoding"} <= vary, answer.status_code

    @pytest.mark.parametrize("path", ["/products", "/categories", "/products/{id}"])
    def test_a_caller_with_a_token_gets_the_latest_and_no_cache_keeps_it(
        self, client: TestClient, admin: Account, path: str
    ) -> None:
        """How an admin reloads a product to edit it: never a copy a cache kept."""
        product = create_product(client, admin, name="Fresh Fig")
        url = path.format(id=product["id"])
        first = client.get(url, headers=admin.headers)
        assert first.status_code == 200
        assert first.headers["cache-control"] == "private, no-cache"
        again = client.get(url, headers={**admin.headers, "If-None-Match": first.headers["etag"]})
        assert (again.status_code, again.headers["cache-control"]) == (304, "private, no-cache")

    def test_answers_to_staff_writes_are_not_cacheable(
        self, client: TestClient, admin: Account
    ) -> None:
        created = client.post("/products", headers=admin.headers, json=product_body())
        assert "public" not in created.headers.get("cache-control", "")


class TestValidators:
    """The product page polls with If-None-Match; admins edit with If-Match (etags.py)."""

    def test_if_none_match_answers_304_until_something_changes(
        self, client: TestClient, admin: Account, accounts: Accounts
    ) -> None:
        product = create_product(client, admin, stock=5)
        url = f"/products/{product['id']}"
        etag = client.get(url).headers["etag"]
        unchanged = client.get(url, headers={"If-None-Match": etag})
        assert unchanged.status_code == 304
        assert unchanged.content == b""
        assert "content-type" not in unchanged.headers
        assert unchanged.headers["etag"] == etag
        assert client.get(url, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
        assert client.get(url, headers={"If-None-Match": f'"x", {etag}'}).status_code == 304

        # a purchase changes the stock: the representation is new
        buyer = accounts.make()
        body = {"items": [{"product_id": product["id"], "quantity": 2}]}
        assert client.post("/orders", headers=buyer.headers, json=body).status_code == 201
        changed = client.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.json()["stock"] == 3
        assert changed.headers["etag"] != etag
        assert (
            client.get(url, headers={"If-None-Match": changed.headers["etag"]}).status_code == 304
        )

    def test_a_purchase_does_not_make_an_edit_stale(
        self, client: TestClient, table: Table, admin: Account, accounts: Accounts
    ) -> None:
        product = create_product(client, admin, stock=5)
        url = f"/products/{product['id']}"
        etag = client.get(url).headers["etag"]
        buyer = accounts.make()
        body = {"items": [{"product_id": product["id"], "quantity": 1}]}
        assert client.post("/orders", headers=buyer.headers, json=body).status_code == 201
        edit = client.patch(
            url, headers={**admin.headers, "If-Match": etag}, json={"name": "Renamed"}
        )
        assert edit.status_code == 200, edit.text
        assert edit.json()["stock"] == 4
        # but an edit in between does
        stale = client.patch(
            url, headers={**admin.headers, "If-Match": etag}, json={"name": "Stale"}
        )
        assert_problem(stale, 412, "precondition_failed")
        item = product_item(table, product["id"])
        assert (item["name"], item["version"]) == ("Renamed", 2)
        assert stock_of(table, product["id"]) == 4

    def test_if_match_reads_the_version_part(self, client: TestClient, admin: Account) -> None:
        product = create_product(client, admin)
        url = f"/products/{product['id']}"
        cases = [
            ('"1"', 200),
            ('"2.99"', 200),
            ("*", 200),
            ('"3"', 412),
            ("4", 412),
            ('"4.1"', 200),
        ]
        for if_match, expected in cases:
            response = client.patch(
                url, headers={**admin.headers, "If-Match": if_match}, json={"tags": [if_match]}
            )
            assert response.status_code == expected, (if_match, response.text)


def test_a_sku_whose_case_alone_changes_keeps_its_claim(
    client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    made = create_product(client, admin, sku="case-1")
    renamed = client.patch(f"/products/{made['id']}", headers=admin.headers, json={"sku": "CASE-1"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["sku"] == "CASE-1"
    taken = client.post("/products", headers=admin.headers, json=product_body(sku="Case-1"))
    assert (taken.status_code, taken.json()["code"]) == (409, "sku_taken")
