"""POST /auth/signup, /auth/login, /auth/refresh, /auth/logout and GET /auth/me."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core import caches
from app.db.table import Table
from tests.support.accounts import Accounts
from tests.support.faults import meanwhile
from tests.support.http import assert_problem, count_items, stored_item
from tests.support.tokens import claims_of, expired_copy, rewritten, sign, unsigned

PASSWORD = "s3cret-passphrase"


def signup(client: TestClient, **body: Any) -> Any:
    payload = {"email": "ada@example.com", "password": PASSWORD, "name": "Ada"} | body
    return client.post("/auth/signup", json=payload)


def login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/login", data={"username": email, "password": password})


class TestSignup:
    def test_creates_a_user_with_an_argon2id_hash(self, client: TestClient, table: Table) -> None:
        response = signup(client)
        assert response.status_code == 201
        user = response.json()
        assert set(user) == {"id", "email", "name", "role", "created_at"}
        assert user["email"] == "ada@example.com"
        assert user["role"] == "user"
        stored = stored_item(table, table.keys.user(user["id"]))
        assert stored["password_hash"].startswith("$argon2id$")
        assert PASSWORD not in str(stored)
        link = table.get(table.keys.email("ADA@example.com"))
        assert link == {**table.keys.email("ada@example.com"), "user_id": user["id"]}

    def test_email_is_unique_whatever_its_case(self, client: TestClient, table: Table) -> None:
        assert signup(client).status_code == 201
        body = assert_problem(signup(client, email="Ada@Example.COM"), 409, "email_taken")
        assert "already" in body["detail"]
        assert count_items(table, "S#default#USER#") == 1

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"role": "admin"}, "role"),
            ({"password": "short"}, "password"),
            ({"password": "x" * 129}, "password"),
            ({"password": "ADA@example.com"}, "password"),
            ({"email": "not-an-email"}, "email"),
            ({"name": "   "}, "name"),
            ({"name": None}, "name"),
        ],
    )
    def test_rejects_bad_input_and_writes_nothing(
        self, client: TestClient, table: Table, changes: dict[str, Any], field: str
    ) -> None:
        body = assert_problem(signup(client, **changes), 422, "validation_error")
        assert any(error["field"] == field for error in body["errors"]), body
        assert table.client.scan(TableName=table.name)["Items"] == []

    def test_never_echoes_the_password(self, client: TestClient) -> None:
        response = signup(client, password="tiny")
        assert "tiny" not in response.text

    def test_missing_body_is_a_problem(self, client: TestClient) -> None:
        assert_problem(client.post("/auth/signup"), 422, "validation_error")


class TestLogin:
    def test_returns_a_token_pair_and_stores_a_session(
        self, client: TestClient, table: Table, accounts: Accounts
    ) -> None:
        account = accounts.sign_up("grace@example.com")
        response = login(client, "GRACE@example.com")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        tokens = response.json()
        assert tokens["token_type"] == "bearer"
        assert tokens["expires_in"] == 900
        assert tokens["refresh_expires_in"] == 7 * 24 * 3600
        claims = claims_of(tokens["access_token"])
        assert claims["sub"] == account.id
        assert {"exp", "iat", "iss", "aud", "jti", "sid"} <= claims.keys()
        assert claims["exp"] - claims["iat"] == 900
        session = stored_item(table, table.keys.session(account.id, claims["sid"]))
        assert session["refresh_token_id"] == claims_of(tokens["refresh_token"])["jti"]
        assert session["expires_at"] == claims_of(tokens["refresh_token"])["exp"]

    def test_a_hash_made_at_a_lower_cost_is_made_again_at_log_in(
        self,
        client: TestClient,
        table: Table,
        accounts: Accounts,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Raising ARGON2_TIME_COST (or memory, parallelism) upgrades each password as its
        owner next logs in: the only moment the service sees it."""
        account = accounts.sign_up("hopper@example.com")
        key = table.keys.user(account.id)
        cheap = stored_item(table, key)["password_hash"]
        assert cheap.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
        monkeypatch.setenv("ARGON2_TIME_COST", "2")
        caches.reset()
        assert login(client, account.email).status_code == 200
        stronger = stored_item(table, key)["password_hash"]
        assert stronger.startswith("$argon2id$v=19$m=1024,t=2,p=1$")
        assert login(client, account.email).status_code == 200  # the same password, still
        assert stored_item(table, key)["password_hash"] == stronger  # upgraded once
        assert login(client, account.email, "wrong-password").status_code == 401

    def test_a_password_changed_during_the_log_in_is_not_overwritten_by_its_rehash(
        self,
        client: TestClient,
        table: Table,
        accounts: Accounts,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """A log-in with the old password checks it, then writes a stronger hash of it: a
        change (or a reset) that commits in between must not be undone by that write."""
        me = accounts.make()
        key = table.keys.user(me.id)
        monkeypatch.setenv("ARGON2_TIME_COST", "2")
        caches.reset()
        new = "a-brand-new-passphrase"
        body = {"current_password": me.password, "new_password": new}
        change = lambda: client.post("/auth/password", headers=me.headers, json=body)  # noqa: E731
        with meanwhile(table.client, key, change) as changed:
            assert login(client, me.email, me.password).status_code == 200
        assert [response.status_code for response in changed] == [204]
        assert stored_item(table, key)["password_hash"].startswith("$argon2id$v=19$m=1024,t=2,")
        assert login(client, me.email, me.password).status_code == 401
        assert login(client, me.email, new).status_code == 200

    def test_unknown_email_and_wrong_password_look_the_same(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        accounts.sign_up("known@example.com")
        wrong_password = login(client, "known@example.com", "wrong-password")
        unknown_email = login(client, "nobody@example.com")
        for response in (wrong_password, unknown_email):
            assert_problem(response, 401, "unauthorized")
            assert response.headers["www-authenticate"] == "Bearer"
        assert wrong_password.json() == unknown_email.json()

    def test_missing_form_fields_are_422(self, client: TestClient) -> None:
        assert_problem(client.post("/auth/login", data={"username": "a@b.co"}), 422)


class TestRefresh:
    def test_rotates_and_the_old_refresh_token_stops_working(
        self, client: TestClient, table: Table, accounts: Accounts
    ) -> None:
        account = accounts.make()
        first = client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
        assert first.status_code == 200
        pair = first.json()
        assert pair["refresh_token"] != account.refresh_token
        assert (
            client.get(
                "/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
            ).status_code
            == 200
        )
        sid = claims_of(pair["refresh_token"])["sid"]
        stored = stored_item(table, table.keys.session(account.id, sid))
        assert stored["refresh_token_id"] == claims_of(pair["refresh_token"])["jti"]

        replay = client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
        assert_problem(replay, 401)
        # reuse of a rotated token revokes the whole session, new tokens included
        assert table.get(table.keys.session(account.id, sid)) is None
        assert (
            client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code
            == 401
        )
        me = client.get("/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
        assert me.status_code == 401

    def test_an_access_token_is_not_a_refresh_token(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.make()
        assert_problem(
            client.post("/auth/refresh", json={"refresh_token": account.access_token}), 401
        )

    def test_a_refresh_token_is_not_an_access_token(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        account = accounts.make()
        response = client.get(
            "/auth/me", headers={"Authorization": f"Bearer {account.refresh_token}"}
        )
        assert_problem(response, 401)

    def test_unknown_fields_are_422(self, client: TestClient) -> None:
        assert_problem(client.post("/auth/refresh", json={"refresh_token": "x", "a": 1}), 422)


class TestLogout:
    def test_ends_the_session_for_both_tokens(
        self, client: TestClient, table: Table, accounts: Accounts
    ) -> None:
        account = accounts.make()
        sid = claims_of(account.access_token)["sid"]
        assert client.post("/auth/logout", headers=account.headers).status_code == 204
        assert table.get(table.keys.session(account.id, sid)) is None
        assert_problem(client.get("/auth/me", headers=account.headers), 401)
        assert_problem(
            client.post("/auth/refresh", json={"refresh_token": account.refresh_token}), 401
        )

    def test_other_sessions_live_on(self, client: TestClient, accounts: Accounts) -> None:
        account = accounts.make()
        phone = accounts.log_in(accounts.sign_up())  # a different user entirely
        laptop_headers = dict(account.headers)
        accounts.log_in(account)  # a second session of the same user
        assert client.post("/auth/logout", headers=account.headers).status_code == 204
        assert client.get("/auth/me", headers=laptop_headers).status_code == 200
        assert client.get("/auth/me", headers=phone.headers).status_code == 200

    def test_needs_a_token(self, client: TestClient) -> None:
        assert_problem(client.post("/auth/logout"), 401)


class TestMe:
    def test_returns_the_stored_user(self, client: TestClient, accounts: Accounts) -> None:
        account = accounts.make()
        response = client.get("/auth/me", headers=account.headers)
        assert response.status_code == 200
        assert response.json()["id"] == account.id
        assert "password_hash" not in response.text

    def test_without_a_token(self, client: TestClient) -> None:
        response = client.get("/auth/me")
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


class TestTokenAttacks:
    @pytest.fixture
    def account(self, accounts: Accounts) -> Any:
        return accounts.make()

    def me(self, client: TestClient, token: str) -> Any:
        return client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})

    def test_tampered_signature(self, client: TestClient, account: Any) -> None:
        header, body, signature = account.access_token.split(".")
        flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
        assert_problem(self.me(client, f"{header}.{body}.{flipped}"), 401)

    def test_rewritten_claims(self, client: TestClient, account: Any, accounts: Accounts) -> None:
        victim = accounts.make()
        forged = rewritten(account.access_token, sub=victim.id)
        assert_problem(self.me(client, forged), 401)

    def test_signed_with_another_key(self, client: TestClient, account: Any) -> None:
        forged = sign(claims_of(account.access_token), secret="another-secret-" + "y" * 40)
        assert_problem(self.me(client, forged), 401)

    def test_alg_none(self, client: TestClient, account: Any) -> None:
        assert_problem(self.me(client, unsigned(claims_of(account.access_token))), 401)

    def test_other_algorithm(self, client: TestClient, account: Any) -> None:
        from tests.conftest import TEST_JWT_SECRET

        forged = sign(claims_of(account.access_token), TEST_JWT_SECRET, algorithm="HS512")
        assert_problem(self.me(client, forged), 401)

    def test_expired(self, client: TestClient, account: Any) -> None:
        assert_problem(self.me(client, expired_copy(account.access_token)), 401)

    @pytest.mark.parametrize("claim", ["aud", "iss"])
    def test_wrong_audience_or_issuer(self, client: TestClient, account: Any, claim: str) -> None:
        forged = sign({**claims_of(account.access_token), claim: "someone-else"})
        assert_problem(self.me(client, forged), 401)

    @pytest.mark.parametrize("claim", ["exp", "aud", "iss", "jti", "sid", "sub"])
    def test_missing_claim(self, client: TestClient, account: Any, claim: str) -> None:
        claims = claims_of(account.access_token)
        del claims[claim]
        assert_problem(self.me(client, sign(claims)), 401)

    def test_properly_signed_token_for_a_session_that_does_not_exist(
        self, client: TestClient, account: Any
    ) -> None:
        forged = sign({**claims_of(account.access_token), "sid": "made-up"})
        assert_problem(self.me(client, forged), 401)

    def test_garbage(self, client: TestClient) -> None:
        assert_problem(self.me(client, "not.a.token"), 401)
        assert_problem(client.get("/auth/me", headers={"Authorization": "Basic abc"}), 401)
