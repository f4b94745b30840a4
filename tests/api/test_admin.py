"""/admin/users: listing, reading, role changes and removal (admins only)."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Account, Accounts
from tests.support.http import assert_problem, stored_item


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


def admin_count(table: Table) -> int:
    counter = table.get(table.keys.admin_counter())
    return int(counter["admins"]) if counter else 0


class TestAccess:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/admin/users"),
            ("GET", "/admin/users/x"),
            ("PATCH", "/admin/users/x/role"),
            ("DELETE", "/admin/users/x"),
        ],
    )
    @pytest.mark.parametrize("role", [Role.USER, Role.STOCK_MANAGER])
    def test_only_admins(
        self, client: TestClient, accounts: Accounts, method: str, path: str, role: Role
    ) -> None:
        assert_problem(client.request(method, path, json={"role": "admin"}), 401)
        caller = accounts.make(role)
        response = client.request(method, path, headers=caller.headers, json={"role": "admin"})
        assert_problem(response, 403, "forbidden")

    def test_demotion_takes_effect_on_live_tokens(
        self, client: TestClient, accounts: Accounts, admin: Account
    ) -> None:
        other_admin = accounts.make(Role.ADMIN)
        assert client.get("/admin/users", headers=other_admin.headers).status_code == 200
        response = client.patch(
            f"/admin/users/{other_admin.id}/role", headers=admin.headers, json={"role": "user"}
        )
        assert response.status_code == 200
        assert_problem(client.get("/admin/users", headers=other_admin.headers), 403)

    def test_promotion_takes_effect_on_live_tokens(
        self, client: TestClient, accounts: Accounts, admin: Account
    ) -> None:
        user = accounts.make()
        assert_problem(client.get("/admin/users", headers=user.headers), 403)
        client.patch(f"/admin/users/{user.id}/role", headers=admin.headers, json={"role": "admin"})
        assert client.get("/admin/users", headers=user.headers).status_code == 200


class TestListing:
    def test_pages_through_every_user_once(
        self, client: TestClient, accounts: Accounts, admin: Account
    ) -> None:
        created = {accounts.sign_up().id for _ in range(6)} | {admin.id}
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            params: dict[str, str | int] = {"limit": 3}
            if cursor:
                params["cursor"] = cursor
            response = client.get("/admin/users", headers=admin.headers, params=params)
            assert response.status_code == 200
            page = response.json()
            assert len(page["items"]) <= 3
            assert all("password_hash" not in item for item in page["items"])
            seen += [item["id"] for item in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert pages == 3
        assert sorted(seen) == sorted(created)
        created_at = [
            u["created_at"]
            for u in client.get("/admin/users", headers=admin.headers).json()["items"]
        ]
        assert created_at == sorted(created_at, reverse=True)

    @pytest.mark.parametrize("limit", [0, 101, -1, "x"])
    def test_bad_limit(self, client: TestClient, admin: Account, limit: object) -> None:
        assert_problem(client.get(f"/admin/users?limit={limit}", headers=admin.headers), 422)

    def test_tampered_cursor(self, client: TestClient, accounts: Accounts, admin: Account) -> None:
        for _ in range(3):
            accounts.sign_up()
        cursor = client.get("/admin/users?limit=1", headers=admin.headers).json()["next_cursor"]
        payload, signature = cursor.split(".")
        decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        decoded["k"]["PK"]["S"] = "S#default#EMAIL#someone@example.com"
        forged_payload = (
            base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
        )
        for bad in (f"{forged_payload}.{signature}", "garbage", "a.b", cursor[:-2] + "xx", "..."):
            response = client.get("/admin/users", headers=admin.headers, params={"cursor": bad})
            assert_problem(response, 422, "invalid_cursor")


class TestGet:
    def test_found(self, client: TestClient, accounts: Accounts, admin: Account) -> None:
        user = accounts.sign_up()
        response = client.get(f"/admin/users/{user.id}", headers=admin.headers)
        assert response.status_code == 200
        assert response.json()["email"] == user.email
        assert "password" not in response.text

    def test_missing(self, client: TestClient, admin: Account) -> None:
        assert_problem(client.get("/admin/users/nope", headers=admin.headers), 404, "not_found")


class TestRoleChange:
    def test_changes_the_stored_role(
        self, client: TestClient, table: Table, accounts: Accounts, admin: Account
    ) -> None:
        user = accounts.sign_up()
        response = client.patch(
            f"/admin/users/{user.id}/role", headers=admin.headers, json={"role": "stock_manager"}
        )
        assert response.status_code == 200
        assert response.json()["role"] == "stock_manager"
        stored = stored_item(table, table.keys.user(user.id))
        assert stored["role"] == "stock_manager"

    def test_promotion_and_demotion_keep_the_admin_count(
        self, client: TestClient, table: Table, accounts: Accounts, admin: Account
    ) -> None:
        assert admin_count(table) == 1
        user = accounts.sign_up()
        client.patch(f"/admin/users/{user.id}/role", headers=admin.headers, json={"role": "admin"})
        assert admin_count(table) == 2
        client.patch(f"/admin/users/{user.id}/role", headers=admin.headers, json={"role": "admin"})
        assert admin_count(table) == 2
        client.patch(f"/admin/users/{user.id}/role", headers=admin.headers, json={"role": "user"})
        assert admin_count(table) == 1

    def test_the_last_admin_cannot_be_demoted(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        response = client.patch(
            f"/admin/users/{admin.id}/role", headers=admin.headers, json={"role": "user"}
        )
        assert_problem(response, 409, "last_admin")
        stored = stored_item(table, table.keys.user(admin.id))
        assert stored["role"] == "admin"
        assert admin_count(table) == 1

    @pytest.mark.parametrize("body", [{"role": "superuser"}, {"role": "admin", "x": 1}, {}])
    def test_bad_input(
        self, client: TestClient, accounts: Accounts, admin: Account, body: dict[str, object]
    ) -> None:
        user = accounts.sign_up()
        assert_problem(
            client.patch(f"/admin/users/{user.id}/role", headers=admin.headers, json=body), 422
        )

    def test_missing_user(self, client: TestClient, admin: Account) -> None:
        response = client.patch(
            "/admin/users/nope/role", headers=admin.headers, json={"role": "admin"}
        )
        assert_problem(response, 404)


class TestDelete:
    def test_removes_user_sessions_and_frees_the_email(
        self, client: TestClient, table: Table, accounts: Accounts, admin: Account
    ) -> None:
        user = accounts.make()
        assert client.delete(f"/admin/users/{user.id}", headers=admin.headers).status_code == 204
        assert table.get(table.keys.user(user.id)) is None
        assert table.get(table.keys.email(user.email)) is None
        remaining = table.client.query(
            TableName=table.name,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": table.keys.user_partition(user.id)}},
        )["Items"]
        # only the day-long record of who removed whom (the audit log's, from the stream)
        assert [(i["SK"]["S"], i["removed_by"]["S"]) for i in remaining] == [("REMOVED", admin.id)]
        assert_problem(client.get("/auth/me", headers=user.headers), 401)
        assert_problem(
            client.post("/auth/refresh", json={"refresh_token": user.refresh_token}), 401
        )
        again = accounts.sign_up(user.email)
        assert again.id != user.id
        assert_problem(client.get(f"/admin/users/{user.id}", headers=admin.headers), 404)

    def test_admins_cannot_delete_themselves(
        self, client: TestClient, table: Table, admin: Account
    ) -> None:
        assert_problem(
            client.delete(f"/admin/users/{admin.id}", headers=admin.headers), 409, "self_deletion"
        )
        assert table.get(table.keys.user(admin.id)) is not None

    def test_deleting_another_admin_updates_the_count(
        self, client: TestClient, table: Table, accounts: Accounts, admin: Account
    ) -> None:
        other = accounts.make(Role.ADMIN)
        assert admin_count(table) == 2
        assert client.delete(f"/admin/users/{other.id}", headers=admin.headers).status_code == 204
        assert admin_count(table) == 1

    def test_missing(self, client: TestClient, admin: Account) -> None:
        assert_problem(client.delete("/admin/users/nope", headers=admin.headers), 404)


class TestSearchByEmail:
    def test_prefix_case_insensitive_in_pages(
        self, client: TestClient, accounts: Accounts, admin: Account
    ) -> None:
        for email in ["Ann.Lee@example.com", "ann.ng@example.org", "anna@example.com", "bo@x.io"]:
            accounts.sign_up(email)
        pages, cursor = [], None
        while True:
            params = {"email": "ANN", "limit": 2} | ({"cursor": cursor} if cursor else {})
            response = client.get("/admin/users", headers=admin.headers, params=params)
            assert response.status_code == 200, response.text
            pages.append([user["email"] for user in response.json()["items"]])
            cursor = response.json()["next_cursor"]
            if cursor is None:
                break
        assert pages == [["Ann.Lee@example.com", "ann.ng@example.org"], ["anna@example.com"]]
        found = client.get("/admin/users", headers=admin.headers, params={"email": "ann.n"})
        assert [u["email"] for u in found.json()["items"]] == ["ann.ng@example.org"]
        none = client.get("/admin/users", headers=admin.headers, params={"email": "zed"})
        assert none.json() == {"items": [], "next_cursor": None}

    def test_a_deleted_user_is_not_found(
        self, client: TestClient, accounts: Accounts, admin: Account
    ) -> None:
        gone = accounts.sign_up("gone@example.com")
        assert client.delete(f"/admin/users/{gone.id}", headers=admin.headers).status_code == 204
        found = client.get("/admin/users", headers=admin.headers, params={"email": "gone"})
        assert found.json()["items"] == []

    def test_cursor_is_bound_to_the_prefix(
        self, client: TestClient, accounts: Accounts, admin: Account
    ) -> None:
        for n in range(3):
            accounts.sign_up(f"cx{n}@example.com")
        first = client.get(
            "/admin/users", headers=admin.headers, params={"email": "cx", "limit": 1}
        )
        cursor = first.json()["next_cursor"]
        other = client.get(
            "/admin/users", headers=admin.headers, params={"email": "cy", "cursor": cursor}
        )
        assert_problem(other, 422, "invalid_cursor")
        plain = client.get("/admin/users", headers=admin.headers, params={"cursor": cursor})
        assert_problem(plain, 422, "invalid_cursor")
