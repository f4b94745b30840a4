"""Stores: resolution (host, X-Store, default), the platform's management of stores, and
what is per store (accounts, tokens, settings)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.keys import store_key
from app.db.table import Table
from app.stores import repository, resolution
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.http import assert_problem, stored_item


@pytest.fixture
def operator(accounts: Accounts) -> Account:
    return accounts.make(Role.PLATFORM_ADMIN)


def new_store(client: TestClient, operator: Account, slug: str, **fields: Any) -> Any:
    body = {"slug": slug, "name": slug.title()} | fields
    response = client.post("/platform/stores", headers=operator.headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()


class TestResolution:
    def test_without_a_host_or_header_it_is_the_default_store(self, client: TestClient) -> None:
        response = client.get("/store")
        assert response.status_code == 200
        assert response.json() == {"slug": "default", "name": "Catalog", "currency": "EUR"}

    def test_the_header_picks_a_store(self, client: TestClient, operator: Account) -> None:
        new_store(client, operator, "north", name="North Shop", settings={"currency": "SEK"})
        store = client.get("/store", headers={"X-Store": "north"}).json()
        assert store == {"slug": "north", "name": "North Shop", "currency": "SEK"}

    def test_a_domain_beats_the_header(self, client: TestClient, operator: Account) -> None:
        new_store(client, operator, "north", domains=["Shop.North.example"])
        new_store(client, operator, "south")
        for headers in (
            {"Host": "shop.north.example"},
            {"Host": "shop.north.example:443", "X-Store": "south"},
            {"X-Forwarded-Host": "shop.north.example", "Host": "abc.execute-api.example"},
        ):
            assert client.get("/store", headers=headers).json()["slug"] == "north", headers
        # a host that is no store's falls through to the header, then the default
        assert (
            client.get("/store", headers={"Host": "x.example", "X-Store": "south"}).json()["slug"]
            == "south"
        )

    @pytest.mark.parametrize("slug", ["nowhere", "NOT-A-SLUG", "a", "x" * 41, "../default"])
    def test_an_unknown_store_is_404(self, client: TestClient, slug: str) -> None:
        for path in ("/store", "/products", "/categories", "/health"):
            assert_problem(client.get(path, headers={"X-Store": slug}), 404, "store_not_found")
        assert_problem(
            client.post("/auth/signup", headers={"X-Store": slug}, json={}), 404, "store_not_found"
        )

    def test_a_suspended_store_is_403_but_its_operators_go_on(
        self, client: TestClient, table: Table, operator: Account
    ) -> None:
        new_store(client, operator, "north")
        shopper = Accounts(client, table, store="north").make()
        suspend = client.patch(
            "/platform/stores/north", headers=operator.headers, json={"status": "suspended"}
        )
        assert (suspend.status_code, suspend.json()["status"]) == (200, "suspended")
        for response in (
            client.get("/products", headers={"X-Store": "north"}),
            client.get("/auth/me", headers=shopper.headers),
            client.post("/auth/login", headers={"X-Store": "north"}, data={}),
        ):
            assert_problem(response, 403, "store_suspended")
        # the platform's routes run in the default store whatever the request names
        listed = client.get("/platform/stores", headers=operator.headers | {"X-Store": "north"})
        assert listed.status_code == 200
        resumed = client.patch(
            "/platform/stores/north", headers=operator.headers, json={"status": "active"}
        )
        assert resumed.status_code == 200
        assert client.get("/auth/me", headers=shopper.headers).status_code == 200

    def test_elsewhere_a_suspension_takes_effect_within_the_cache_time(
        self, client: TestClient, table: Table, operator: Account, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Another server learns of it when its cached copy expires (CACHE_SECONDS)."""
        new_store(client, operator, "north")
        assert client.get("/store", headers={"X-Store": "north"}).status_code == 200
        current = repository.get(table, "north")
        assert current is not None
        suspended = current.model_copy(update={"status": "suspended", "version": 2})
        repository.update(table, current=current, updated=suspended)  # as another server did
        assert client.get("/store", headers={"X-Store": "north"}).status_code == 200  # cached
        clock = time.monotonic() + resolution.CACHE_SECONDS + 1
        monkeypatch.setattr(time, "monotonic", lambda: clock)
        assert_problem(client.get("/store", headers={"X-Store": "north"}), 403, "store_suspended")

    def test_the_default_store_cannot_be_suspended(
        self, client: TestClient, operator: Account
    ) -> None:
        response = client.patch(
            "/platform/stores/default", headers=operator.headers, json={"status": "suspended"}
        )
        assert_problem(response, 422, "default_store")


class TestPlatform:
    def test_only_platform_admins(self, client: TestClient, accounts: Accounts) -> None:
        body = {"slug": "north", "name": "North"}
        assert_problem(client.post("/platform/stores", json=body), 401)
        for role in (Role.USER, Role.STOCK_MANAGER, Role.ADMIN):
            account = accounts.make(role)
            assert_problem(client.post("/platform/stores", headers=account.headers, json=body), 403)
            assert_problem(client.get("/platform/stores", headers=account.headers), 403)

    def test_create_read_list_and_change(
        self, client: TestClient, table: Table, operator: Account
    ) -> None:
        created = client.post(
            "/platform/stores",
            headers=operator.headers,
            json={
                "slug": "north",
                "name": "North Shop",
                "domains": ["shop.north.example"],
                "settings": {"currency": "sek", "low_stock_threshold": 3},
            },
        )
        assert created.status_code == 201
        assert created.headers["location"] == "/platform/stores/north"
        assert created.json()["settings"] == {
            "currency": "SEK",
            "low_stock_threshold": 3,
            "audit_retention_days": 365,  # the default
        }
        stored = stored_item(table, store_key("north"))
        assert (stored["status"], stored["domains"]) == ("active", ["shop.north.example"])
        got = client.get("/platform/stores/north", headers=operator.headers)
        assert got.json()["name"] == "North Shop"
        assert got.headers["etag"] == '"1"'
        renamed = client.patch(
            "/platform/stores/north",
            headers=operator.headers | {"If-Match": '"1"'},
            json={"name": "North Store", "domains": ["north.example"]},
        )
        assert renamed.status_code == 200
        assert renamed.json()["domains"] == ["north.example"]
        stale = client.patch(
            "/platform/stores/north",
            headers=operator.headers | {"If-Match": '"1"'},
            json={"name": "Stale"},
        )
        assert_problem(stale, 412)
        # the old domain is free again, the new one selects the store
        assert client.get("/store", headers={"Host": "north.example"}).json()["slug"] == "north"
        assert (
            client.get("/store", headers={"Host": "shop.north.example"}).json()["slug"] == "default"
        )
        for slug in ("east", "west", "south"):
            new_store(client, operator, slug)
        pages, cursor = [], None
        while True:
            params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            body = client.get("/platform/stores", headers=operator.headers, params=params).json()
            pages.append([s["slug"] for s in body["items"]])
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert pages == [["east", "north"], ["south", "west"]]

    def test_slugs_and_domains_are_unique(self, client: TestClient, operator: Account) -> None:
        new_store(client, operator, "north", domains=["north.example"])
        again = client.post(
            "/platform/stores", headers=operator.headers, json={"slug": "north", "name": "Again"}
        )
        assert_problem(again, 409, "store_exists")
        taken = client.post(
            "/platform/stores",
            headers=operator.headers,
            json={"slug": "south", "name": "South", "domains": ["NORTH.example"]},
        )
        assert_problem(taken, 409, "domain_taken")
        assert_problem(client.get("/platform/stores/south", headers=operator.headers), 404)

    def test_a_change_to_a_domain_another_store_holds_changes_nothing(
        self, client: TestClient, table: Table, operator: Account
    ) -> None:
        new_store(client, operator, "north", domains=["north.example"])
        new_store(client, operator, "south", domains=["south.example"])
        taken = client.patch(
            "/platform/stores/south",
            headers=operator.headers,
            json={"name": "South, renamed", "domains": ["south.example", "North.example"]},
        )
        assert_problem(taken, 409, "domain_taken")
        south = client.get("/platform/stores/south", headers=operator.headers)
        assert (south.json()["name"], south.json()["domains"]) == ("South", ["south.example"])
        assert south.headers["etag"] == '"1"'
        assert stored_item(table, store_key("south"))["domains"] == ["south.example"]
        for host, slug in (("north.example", "north"), ("south.example", "south")):
            assert client.get("/store", headers={"Host": host}).json()["slug"] == slug

    def test_changing_a_store_that_does_not_exist_is_404_and_makes_none(
        self, client: TestClient, table: Table, operator: Account
    ) -> None:
        patched = client.patch(
            "/platform/stores/nowhere", headers=operator.headers, json={"name": "Nowhere"}
        )
        assert_problem(patched, 404)
        assert table.get(store_key("nowhere")) is None

    @pytest.mark.parametrize(
        "body",
        [
            {"slug": "No", "name": "x"},
            {"slug": "-north", "name": "x"},
            {"slug": "north", "name": ""},
            {"slug": "north", "name": "x", "domains": ["not a host"]},
            {"slug": "north", "name": "x", "settings": {"currency": "XYZ"}},
            {"slug": "north", "name": "x", "settings": {"low_stock_threshold": 101}},
            {"slug": "north", "name": "x", "settings": {"low_stock_threshold": False}},
            {"slug": "north", "name": "x", "settings": {"audit_retention_days": "30"}},
            {"slug": "north", "name": "x", "owner": "me"},
        ],
    )
    def test_bad_input_creates_nothing(
        self, client: TestClient, table: Table, operator: Account, body: dict[str, Any]
    ) -> None:
        assert_problem(client.post("/platform/stores", headers=operator.headers, json=body), 422)
        assert table.get(store_key("north")) is None

    @pytest.mark.parametrize(
        ("body", "named"),
        [
            ({"name": None}, "name cannot be null"),
            ({"domains": None, "status": None}, "domains, status cannot be null"),
            ({"settings": None}, "settings cannot be null"),
            ({"settings": {"low_stock_threshold": True}}, "valid integer"),
            ({"settings": {"audit_retention_days": "30"}}, "valid integer"),
        ],
    )
    def test_a_bad_change_changes_nothing(
        self,
        client: TestClient,
        table: Table,
        operator: Account,
        body: dict[str, Any],
        named: str,
    ) -> None:
        """Schemathesis found `null`s answered 500 (the service took them for values) and
        `false` taken for 0."""
        new_store(client, operator, "north")
        before = stored_item(table, store_key("north"))
        patched = client.patch("/platform/stores/north", headers=operator.headers, json=body)
        assert named in assert_problem(patched, 422)["detail"]
        assert stored_item(table, store_key("north")) == before


class TestPerStore:
    def test_one_email_two_stores_two_accounts(
        self, client: TestClient, table: Table, operator: Account
    ) -> None:
        new_store(client, operator, "north")
        here = Accounts(client, table).make(email="same@example.com")
        there = Accounts(client, table, store="north").make(email="same@example.com")
        assert here.id != there.id
        me_here = client.get("/auth/me", headers=here.headers).json()
        me_there = client.get("/auth/me", headers=there.headers).json()
        assert (me_here["id"], me_there["id"]) == (here.id, there.id)
        # a token works in its own store only
        stolen = {"Authorization": here.headers["Authorization"], "X-Store": "north"}
        assert_problem(client.get("/auth/me", headers=stolen), 401)
        refresh = client.post(
            "/auth/refresh",
            headers={"X-Store": "north"},
            json={"refresh_token": here.refresh_token},
        )
        assert_problem(refresh, 401)

    def test_store_settings_apply(
        self, client: TestClient, table: Table, operator: Account
    ) -> None:
        new_store(client, operator, "north", settings={"currency": "SEK", "low_stock_threshold": 2})
        admin = Accounts(client, table, store="north").make(Role.ADMIN)
        body = {"name": "Lamp", "price": "10.00", "category": "Home", "stock": 2}
        product = client.post("/products", headers=admin.headers, json=body).json()
        assert product["currency"] == "SEK"
        three = client.post("/products", headers=admin.headers, json=body | {"stock": 3}).json()
        low = client.get("/inventory/low-stock", headers=admin.headers).json()["items"]
        assert [i["product_id"] for i in low] == [product["id"]]  # 2 or fewer, not 3
        assert three["id"] not in [i["product_id"] for i in low]
        here = Accounts(client, table).make(Role.ADMIN)
        assert create_product(client, here, currency=None)["currency"] == "EUR"

    def test_a_settings_patch_keeps_the_settings_it_does_not_name(
        self, client: TestClient, operator: Account
    ) -> None:
        new_store(client, operator, "north", settings={"currency": "SEK", "low_stock_threshold": 2})
        patched = client.patch(
            "/platform/stores/north",
            headers=operator.headers,
            json={"settings": {"audit_retention_days": 30}},
        )
        assert patched.status_code == 200, patched.text
        settings = client.get("/platform/stores/north", headers=operator.headers).json()["settings"]
        assert settings == {"currency": "SEK", "low_stock_threshold": 2, "audit_retention_days": 30}

    def test_admins_cannot_grant_or_touch_the_operator_role(
        self, client: TestClient, accounts: Accounts, operator: Account
    ) -> None:
        admin = accounts.make(Role.ADMIN)
        user = accounts.make()
        grant = client.patch(
            f"/admin/users/{user.id}/role", headers=admin.headers, json={"role": "platform_admin"}
        )
        assert_problem(grant, 422)
        demote = client.patch(
            f"/admin/users/{operator.id}/role", headers=admin.headers, json={"role": "user"}
        )
        assert_problem(demote, 403, "operator_account")
        remove = client.delete(f"/admin/users/{operator.id}", headers=admin.headers)
        assert_problem(remove, 403, "operator_account")

    def test_admins_cannot_lift_an_operators_log_in_throttle(
        self, client: TestClient, table: Table, accounts: Accounts, operator: Account
    ) -> None:
        """It was 204, and repeatable: 30 guesses at an operator's password from one address
        in one window. The operator's throttle is the operators' to lift."""
        admin = accounts.make(Role.ADMIN)
        for _ in range(6):
            client.post("/auth/login", data={"username": operator.email, "password": "guess"})
        counted = stored_item(table, table.keys.login_account(operator.email))
        url = f"/admin/users/{operator.id}/login-throttle"
        assert_problem(client.delete(url, headers=admin.headers), 403, "operator_account")
        assert table.get(table.keys.login_account(operator.email)) == counted
        still = client.post(
            "/auth/login", data={"username": operator.email, "password": operator.password}
        )
        assert_problem(still, 429)
