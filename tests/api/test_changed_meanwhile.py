"""A change landing between a request's read and its conditional write.

Each request here reads an item, decides, and writes on the condition that the item is still
as read. `meanwhile` (tests/support/faults.py) lands another change on the item at exactly
that moment, the interleaving two Lambda copies make now and then: the request then retries,
or answers 404, 409 or 412, and what the other change wrote survives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth import repository as users
from app.auth import service as auth
from app.auth.schemas import UserRecord
from app.core import security
from app.core.config import get_settings
from app.core.roles import Role
from app.core.timeutil import now_iso
from app.db.keys import store_key
from app.db.table import Table
from app.inventory import service as inventory
from app.products import service as products
from app.products.schemas import ProductUpdate
from app.stock import listing
from app.stores import repository as stores
from app.stores import service as store_service
from app.webhooks import repository as webhooks
from tests.api.test_variants import make_tshirt, variant
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product, notes_by
from tests.support.faults import meanwhile
from tests.support.http import assert_problem, scan, stored_item
from tests.support.invariants import check_invariants


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


def stored_user(table: Table, user_id: str) -> UserRecord:
    user = users.get(table, user_id=user_id)
    assert user is not None
    return user


class TestStores:
    @pytest.fixture
    def operator(self, accounts: Accounts) -> Account:
        return accounts.make(Role.PLATFORM_ADMIN)

    @pytest.fixture
    def north(self, client: TestClient, operator: Account) -> None:
        body = {"slug": "north", "name": "North", "settings": {"currency": "SEK"}}
        response = client.post("/platform/stores", headers=operator.headers, json=body)
        assert response.status_code == 201, response.text

    def rename(self, table: Table, name: str = "North, renamed") -> None:
        """Another operator's rename, written as the service writes it."""
        current = stores.get(table, "north")
        assert current is not None
        renamed = current.model_copy(update={"name": name, "version": current.version + 1})
        stores.update(table, current=current, updated=renamed)

    @pytest.mark.usefixtures("north")
    def test_without_if_match_the_change_is_made_again_on_what_is_there(
        self, client: TestClient, table: Table, operator: Account
    ) -> None:
        body = {"settings": {"low_stock_threshold": 3}}
        with meanwhile(table.client, store_key("north"), lambda: self.rename(table)) as done:
            response = client.patch("/platform/stores/north", headers=operator.headers, json=body)
        assert done == [None]
        assert response.status_code == 200, response.text
        store = stored_item(table, store_key("north"))
        assert store["name"] == "North, renamed"  # the rename is kept
        assert store["settings"]["low_stock_threshold"] == 3
        assert store["settings"]["currency"] == "SEK"
        assert store["version"] == 3
        assert response.json()["name"] == "North, renamed"
        assert response.headers["etag"] == '"3"'

    @pytest.mark.usefixtures("north")
    def test_a_change_that_meets_another_at_every_try_is_503_and_changes_nothing(
        self, client: TestClient, table: Table, operator: Account
    ) -> None:
        names = iter(f"North {n}" for n in range(1, store_service.MAX_ATTEMPTS + 1))

        def another_rename() -> None:
            self.rename(table, next(names))

        settings_before = stored_item(table, store_key("north"))["settings"]
        body = {"settings": {"low_stock_threshold": 3}}
        with meanwhile(
            table.client, store_key("north"), another_rename, times=store_service.MAX_ATTEMPTS
        ) as done:
            response = client.patch("/platform/stores/north", headers=operator.headers, json=body)
        assert len(done) == store_service.MAX_ATTEMPTS
        assert_problem(response, 503, "contention")
        store = stored_item(table, store_key("north"))
        assert store["name"] == f"North {store_service.MAX_ATTEMPTS}"
        assert store["settings"] == settings_before

    @pytest.mark.usefixtures("north")
    def test_with_if_match_it_is_412_and_only_the_other_change_is_made(
        self, client: TestClient, table: Table, operator: Account
    ) -> None:
        before = stored_item(table, store_key("north"))
        headers = operator.headers | {"If-Match": '"1"'}
        body = {"settings": {"low_stock_threshold": 3}}
        with meanwhile(table.client, store_key("north"), lambda: self.rename(table)):
            response = client.patch("/platform/stores/north", headers=headers, json=body)
        assert_problem(response, 412)
        store = stored_item(table, store_key("north"))
        assert (store["name"], store["version"]) == ("North, renamed", 2)
        assert store["settings"] == before["settings"]


class TestUsers:
    def test_a_role_change_meeting_another_is_409_and_the_other_stands(
        self, client: TestClient, table: Table, admin: Account, accounts: Accounts
    ) -> None:
        user = accounts.make()

        def made_stock_manager() -> None:
            users.change_role(
                table, user=stored_user(table, user.id), role=Role.STOCK_MANAGER, now=now_iso()
            )

        with meanwhile(table.client, table.keys.user(user.id), made_stock_manager) as done:
            response = client.patch(
                f"/admin/users/{user.id}/role", headers=admin.headers, json={"role": "admin"}
            )
        assert done == [None]
        assert_problem(response, 409, "user_changed")
        assert stored_user(table, user.id).role == Role.STOCK_MANAGER
        check_invariants(table)  # the admin counter still counts one admin

    def test_a_role_change_of_a_user_removed_meanwhile_is_404(
        self, client: TestClient, table: Table, admin: Account, accounts: Accounts
    ) -> None:
        user = accounts.make()

        def removed() -> None:
            users.delete(table, user=stored_user(table, user.id), actor_id=admin.id, now=now_iso())

        with meanwhile(table.client, table.keys.user(user.id), removed):
            response = client.patch(
                f"/admin/users/{user.id}/role", headers=admin.headers, json={"role": "admin"}
            )
        assert_problem(response, 404)
        assert users.get(table, user_id=user.id) is None
        check_invariants(table)  # no admin counted for the user who is gone

    def test_a_password_change_meeting_another_is_409_and_the_other_password_holds(
        self, client: TestClient, table: Table, accounts: Accounts
    ) -> None:
        user = accounts.make()
        settings = get_settings()

        def other_password() -> None:
            users.set_password(
                table,
                user=stored_user(table, user.id),
                password_hash=security.hash_password("the other passphrase", settings),
                keep_session=None,
                now=now_iso(),
            )

        body = {"current_password": user.password, "new_password": "a brand new passphrase"}
        with meanwhile(table.client, table.keys.user(user.id), other_password):
            response = client.post("/auth/password", headers=user.headers, json=body)
        assert_problem(response, 409, "user_changed")
        stored = stored_user(table, user.id)
        assert security.verify_password(stored.password_hash, "the other passphrase", settings)
        assert stored.credentials == 1  # one change made, not two
        log_in = {"username": user.email, "password": "a brand new passphrase"}
        assert_problem(client.post("/auth/login", data=log_in), 401)


class TestProducts:
    @staticmethod
    def edit(table: Table, product_id: str, admin: Account, **changes: Any) -> Callable[[], None]:
        """Another admin's edit of the product, made as the service makes it."""

        def edited() -> None:
            update = ProductUpdate(**changes)
            products.update(table, product_id, update, if_match=None, actor_id=admin.id)

        return edited

    @staticmethod
    def adjust(client: TestClient, admin: Account, product_id: str, delta: int, reason: str) -> Any:
        body = {"delta": delta, "reason": reason}
        return client.post(f"/inventory/{product_id}/adjustments", headers=admin.headers, json=body)

    def test_a_removal_meeting_a_move_to_another_category_removes_it_from_that_one(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        """The removal read the product in Tools; an edit moved it to Garden just before the
        removal was written: it is read again, and Garden's count is the one lowered."""
        lamp = create_product(client, admin, name="Lamp", category="Tools", stock=3)
        create_product(client, admin, name="Rake", category="Tools")

        moved_to_garden = self.edit(table, lamp["id"], admin, category="Garden")
        with meanwhile(table.client, table.keys.product(lamp["id"]), moved_to_garden) as done:
            response = client.delete(f"/products/{lamp['id']}", headers=admin.headers)
        assert done == [None]
        assert response.status_code == 204, response.text
        assert table.get(table.keys.product(lamp["id"])) is None
        counts = {
            c["category"]: c["product_count"] for c in client.get("/categories").json()["items"]
        }
        assert counts.get("Tools") == 1
        assert counts.get("Garden", 0) == 0
        check_invariants(table)  # category counts, SKU claims, buckets: none left behind

    def test_a_stock_change_meeting_the_product_s_removal_is_404_and_records_nothing(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        lamp = create_product(client, admin, name="Lamp", stock=3)

        def removed() -> None:
            products.delete(table, lamp["id"], actor_id=admin.id)

        bucket = table.keys.stock_bucket(lamp["id"], 0)
        with meanwhile(table.client, bucket, removed) as done:
            response = self.adjust(client, admin, lamp["id"], 2, "a delivery")
        assert done == [None]
        assert_problem(response, 404)
        assert table.get(bucket) is None
        assert [i for i in scan(table) if i.get("reason") == "a delivery"] == []
        check_invariants(table)

    def busy(
        self,
        table: Table,
        admin: Account,
        product: dict[str, Any],
        others: int,
        request: Callable[[], Any],
    ) -> Any:
        """The answer to `request` (made without If-Match) when another admin's edit of
        `product` lands just before each of its first `others` tries."""
        another_edit = notes_by(table, admin, product["id"])
        key = table.keys.product(product["id"])
        with meanwhile(table.client, key, another_edit, times=others) as done:
            response = request()
        assert len(done) == others
        return response

    def busy_rename(
        self, client: TestClient, table: Table, admin: Account, others: int
    ) -> tuple[Any, dict[str, Any]]:
        """Lamp renamed Desk lamp while `others` edits land: the answer, the lamp after."""
        lamp = create_product(client, admin, name="Lamp", stock=3)
        path, rename = f"/products/{lamp['id']}", {"name": "Desk lamp"}
        response = self.busy(
            table,
            admin,
            lamp,
            others,
            lambda: client.patch(path, headers=admin.headers, json=rename),
        )
        return response, client.get(path).json()

    def test_an_edit_that_meets_another_at_each_try_but_the_last_is_made(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        others = products.MAX_UNCONDITIONAL_ATTEMPTS - 1
        response, after = self.busy_rename(client, table, admin, others)
        assert response.status_code == 200, response.text
        assert (after["name"], after["description"]) == ("Desk lamp", f"Note {others}")
        assert after["version"] == 1 + others + 1

    def test_an_edit_that_meets_another_at_every_try_is_503_and_changes_nothing(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        """The product is too busy to edit right now: 503 with Retry-After (try again in a
        moment), not 412 (the caller's copy is not what failed: reloading would not help)."""
        others = products.MAX_UNCONDITIONAL_ATTEMPTS
        response, after = self.busy_rename(client, table, admin, others)
        assert_problem(response, 503, "contention")
        assert response.headers["retry-after"] == "1"
        assert (after["name"], after["description"]) == ("Lamp", f"Note {others}")
        assert after["version"] == 1 + others
        check_invariants(table)

    def test_a_removal_that_meets_an_edit_at_every_try_is_503_and_removes_nothing(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        lamp = create_product(client, admin, name="Lamp", stock=3)
        path = f"/products/{lamp['id']}"
        others = products.MAX_UNCONDITIONAL_ATTEMPTS
        response = self.busy(
            table, admin, lamp, others, lambda: client.delete(path, headers=admin.headers)
        )
        assert_problem(response, 503, "contention")
        after = client.get(path).json()
        assert (after["description"], after["stock"]) == (f"Note {others}", 3)
        check_invariants(table)

    def test_a_variant_edit_that_meets_an_edit_at_every_try_is_503_and_changes_nothing(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        shirt = make_tshirt(client, admin)
        blue_m = variant(shirt, Size="M", Colour="Blue")
        path = f"/products/{shirt['id']}/variants/{blue_m['id']}"
        others = products.MAX_UNCONDITIONAL_ATTEMPTS
        response = self.busy(
            table,
            admin,
            shirt,
            others,
            lambda: client.patch(path, headers=admin.headers, json={"price": "30.00"}),
        )
        assert_problem(response, 503, "contention")
        after = client.get(f"/products/{shirt['id']}").json()
        assert variant(after, Size="M", Colour="Blue")["price"] == blue_m["price"]
        assert after["description"] == f"Note {others}"
        check_invariants(table)

    def test_a_restock_meeting_an_edit_of_its_product_keeps_both(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        """Stock from 0 to 5 puts the product back in stock (its item changes with the
        bucket); an edit of its fields lands on it first. The stock change asks only that the
        product exists with the buckets it was planned over, so both stand: the edit, the
        stock with one ledger entry, and the listing in stock."""
        lamp = create_product(client, admin, name="Lamp", stock=0)

        edited = self.edit(table, lamp["id"], admin, description="Brass")
        with meanwhile(table.client, table.keys.product(lamp["id"]), edited) as done:
            response = self.adjust(client, admin, lamp["id"], 5, "a delivery")
        assert done == [None]
        assert response.status_code == 200, response.text
        after = client.get(f"/products/{lamp['id']}").json()
        assert (after["description"], after["stock"], after["in_stock"]) == ("Brass", 5, True)
        [listed] = client.get("/products", params={"q": "lamp"}).json()["items"]
        assert listed["in_stock"] is True
        entries = [i for i in scan(table) if i.get("reason") == "a delivery"]
        assert [int(e["delta"]) for e in entries] == [5]
        check_invariants(table)

    def test_a_stock_change_meeting_a_spread_is_planned_again_over_the_new_buckets(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        """The change was planned over one bucket; an admin spread the stock over three just
        before it was written: it is refused, planned again over the three, and made once."""
        lamp = create_product(client, admin, name="Lamp", stock=9)

        def spread() -> None:
            inventory.spread_stock(
                table, lamp["id"], buckets=3, reason="a hot product", actor_id=admin.id
            )

        with meanwhile(table.client, table.keys.product(lamp["id"]), spread) as done:
            response = self.adjust(client, admin, lamp["id"], -2, "breakage")
        assert done == [None]
        assert response.status_code == 200, response.text
        assert response.json()["stock"] == 7
        assert client.get(f"/products/{lamp['id']}").json()["stock"] == 7
        entries = [i for i in scan(table) if i.get("reason") == "breakage"]
        assert sum(int(e["delta"]) for e in entries) == -2  # an entry per bucket it took from
        assert len({e["bucket"] for e in entries}) == len(entries)
        check_invariants(table)  # the ledger still sums to the stock, bucket by bucket

    @staticmethod
    def one_left_tee(client: TestClient, admin: Account) -> tuple[dict[str, Any], dict[str, Any]]:
        """A tee in two sizes, one S left and no M: the tee and its S."""
        body = {
            "name": "Tee",
            "category": "Clothes",
            "options": [{"name": "Size", "values": ["S", "M"]}],
            "variants": [
                {"sku": "T-S", "options": {"Size": "S"}, "price": "9.00", "stock": 1},
                {"sku": "T-M", "options": {"Size": "M"}, "price": "9.00", "stock": 0},
            ],
        }
        tee = client.post("/products", headers=admin.headers, json=body).json()
        return tee, next(v for v in tee["variants"] if v["sku"] == "T-S")

    def test_a_variant_selling_out_while_its_product_is_renamed_still_lists_it_sold_out(
        self, client: TestClient, table: Table, admin: Account, accounts: Accounts
    ) -> None:
        """The last unit of the only variant in stock sells; as its product's availability
        is about to follow, a rename moves the product on: the follow-up reads it again, and
        the listing says sold out under the new name."""
        tee, small = self.one_left_tee(client, admin)
        buyer = accounts.make()

        renamed = self.edit(table, tee["id"], admin, name="Organic tee")
        line = {"product_id": tee["id"], "variant_id": small["id"], "quantity": 1}
        with meanwhile(table.client, table.keys.product(tee["id"]), renamed) as done:
            bought = client.post("/orders", headers=buyer.headers, json={"items": [line]})
        assert done == [None]
        assert bought.status_code == 201, bought.text
        [listed] = client.get("/products", params={"q": "organic"}).json()["items"]
        assert (listed["name"], listed["in_stock"]) == ("Organic tee", False)
        assert client.get(f"/products/{tee['id']}").json()["in_stock"] is False
        check_invariants(table)

    def test_a_variant_selling_out_while_its_product_keeps_changing_is_sold_all_the_same(
        self,
        client: TestClient,
        table: Table,
        admin: Account,
        accounts: Accounts,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Another edit moves the product on before every try of its availability's
        follow-up: the purchase stands (it is made before the follow-up runs), the follow-up
        gives up with a warning naming the product, and the product is one flip behind (it
        still says in stock, where buying answers 409) until a variant's next flip."""
        tee, small = self.one_left_tee(client, admin)
        line = {"product_id": tee["id"], "variant_id": small["id"], "quantity": 1}
        bought = self.busy(
            table,
            admin,
            tee,
            listing.MAX_ATTEMPTS,
            lambda: client.post("/orders", headers=accounts.make().headers, json={"items": [line]}),
        )
        assert bought.status_code == 201, bought.text
        [warning] = [r for r in caplog.records if r.name == "app.stock.listing"]
        assert warning.getMessage() == "product in_stock not followed"
        assert warning.__dict__["fields"] == {"id": tee["id"]}
        after = client.get(f"/products/{tee['id']}").json()
        assert (after["in_stock"], variant(after, Size="S")["stock"]) == (True, 0)
        again = client.post("/orders", headers=accounts.make().headers, json={"items": [line]})
        assert_problem(again, 409)
        # the next flip of a variant brings the product in line
        medium = f"{tee['id']}/variants/{variant(after, Size='M')['id']}"
        assert self.adjust(client, admin, medium, 2, "restock").status_code == 200
        assert client.get(f"/products/{tee['id']}").json()["in_stock"] is True
        check_invariants(table)


class TestSessions:
    def test_two_refreshes_of_one_token_that_both_read_first_end_the_session(
        self, client: TestClient, table: Table, accounts: Accounts
    ) -> None:
        """Both read the session with the token current; the one that writes second finds it
        rotated, which is what a replayed token looks like: the session ends, and the pair the
        first refresh got dies with it."""
        user = accounts.make()
        claims = security.decode_token(
            user.refresh_token, expected_type="refresh", store="default", settings=get_settings()
        )
        session = table.keys.session(user.id, claims.session_id)

        def other_refresh() -> Any:
            return auth.refresh(table, refresh_token=user.refresh_token)

        with meanwhile(table.client, session, other_refresh) as done:
            response = client.post("/auth/refresh", json={"refresh_token": user.refresh_token})
        assert_problem(response, 401)
        [first] = done  # the other refresh won its write
        assert table.get(session) is None
        again = client.post("/auth/refresh", json={"refresh_token": first.refresh_token})
        assert_problem(again, 401)
        me = client.get("/auth/me", headers={"Authorization": f"Bearer {first.access_token}"})
        assert_problem(me, 401)


class TestWebhooks:
    def test_a_webhook_removed_twice_at_once_is_removed_once(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        body = {"url": "http://127.0.0.1:9/hook", "events": ["OrderPlaced"]}
        created = client.post("/admin/webhooks", headers=admin.headers, json=body)
        assert created.status_code == 201, created.text
        hook_id = created.json()["id"]
        key = table.keys.webhook(hook_id)
        hook = webhooks.get(table, hook_id)
        assert hook is not None

        def removed_by_another_admin() -> None:
            webhooks.delete(table, hook, actor_id="someone-else")

        with meanwhile(table.client, key, removed_by_another_admin) as done:
            response = client.delete(f"/admin/webhooks/{hook_id}", headers=admin.headers)
        assert done == [None]
        assert_problem(response, 404)
        assert table.get(key) is None
        counter = stored_item(table, table.keys.webhook_counter())
        assert int(counter["webhooks"]) == 0  # lowered once
        removal = stored_item(table, table.keys.webhook_removal(hook_id))
        assert removal["removed_by"] == "someone-else"
