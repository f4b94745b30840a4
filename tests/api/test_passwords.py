"""Changing a password, and resetting a forgotten one through an e-mailed link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core import security
from app.core.config import get_settings
from app.db.table import Table
from tests.conftest import reset_caches
from tests.integration.test_accounts_concurrency import race
from tests.support.accounts import Account, Accounts
from tests.support.http import assert_problem, scan, stored_item
from tests.support.mail import mails, reset_link

NEW = "a-brand-new-passphrase"


def token_of(message: Any) -> str:
    page, token = reset_link(message)
    assert page == "https://shop.example.com/app/reset-password"
    return token


def login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/auth/login", data={"username": email, "password": password})


class TestChange:
    def test_changes_and_ends_every_other_session(
        self, client: TestClient, accounts: Accounts
    ) -> None:
        me = accounts.make()
        other_device = accounts.log_in(Account(me.id, me.email, me.password, me.role))
        response = client.post(
            "/auth/password",
            headers=me.headers,
            json={"current_password": me.password, "new_password": NEW},
        )
        assert response.status_code == 204
        assert response.content == b""
        assert client.get("/auth/me", headers=me.headers).status_code == 200  # this session stays
        assert_problem(client.get("/auth/me", headers=other_device.headers), 401)
        refresh = client.post("/auth/refresh", json={"refresh_token": other_device.refresh_token})
        assert_problem(refresh, 401)
        assert login(client, me.email, me.password).status_code == 401
        assert login(client, me.email, NEW).status_code == 200

    def test_a_wrong_current_password(
        self, client: TestClient, table: Table, accounts: Accounts
    ) -> None:
        me = accounts.make()
        before = table.get(table.keys.user(me.id))
        body = {"current_password": "not-it", "new_password": NEW}
        for _ in range(5):
            assert_problem(
                client.post("/auth/password", headers=me.headers, json=body), 401, "wrong_password"
            )
        # guesses through a stolen access token are throttled like log-ins
        assert_problem(client.post("/auth/password", headers=me.headers, json=body), 429)
        assert table.get(table.keys.user(me.id)) == before
        assert client.get("/auth/me", headers=me.headers).status_code == 200  # still logged in

    @pytest.mark.parametrize(
        "new_password",
        ["short", "x" * 129, "{email}", "{current}"],
        ids=["short", "long", "email", "same"],
    )
    def test_weak_new_passwords(
        self, client: TestClient, table: Table, accounts: Accounts, new_password: str
    ) -> None:
        me = accounts.make()
        before = table.get(table.keys.user(me.id))
        body = {
            "current_password": me.password,
            "new_password": new_password.format(email=me.email.upper(), current=me.password),
        }
        assert_problem(client.post("/auth/password", headers=me.headers, json=body), 422)
        assert table.get(table.keys.user(me.id)) == before

    def test_needs_a_session(self, client: TestClient) -> None:
        assert_problem(
            client.post("/auth/password", json={"current_password": "a", "new_password": NEW}), 401
        )


class TestReset:
    def test_the_whole_flow(
        self, client: TestClient, table: Table, accounts: Accounts, outbox: Path
    ) -> None:
        me = accounts.make()
        response = client.post("/auth/password-reset", json={"email": me.email.upper()})
        assert response.status_code == 202
        (message,) = mails(outbox)
        assert message["To"] == me.email
        token = token_of(message)
        assert not any(token in repr(item) for item in scan(table)), "the token is stored in clear"

        confirm = client.post(
            "/auth/password-reset/confirm", json={"token": token, "password": NEW}
        )
        assert confirm.status_code == 204
        assert_problem(client.get("/auth/me", headers=me.headers), 401)  # every session ends
        assert login(client, me.email, NEW).status_code == 200
        again = client.post(
            "/auth/password-reset/confirm", json={"token": token, "password": "another-one-1"}
        )
        assert_problem(again, 400, "invalid_token")
        assert login(client, me.email, NEW).status_code == 200

    def test_unknown_emails_get_the_same_answer_and_no_mail(
        self, client: TestClient, accounts: Accounts, outbox: Path
    ) -> None:
        me = accounts.sign_up()
        known = client.post("/auth/password-reset", json={"email": me.email})
        unknown = client.post("/auth/password-reset", json={"email": "nobody@example.com"})
        assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
        assert [m["To"] for m in mails(outbox)] == [me.email]

    def test_at_most_three_mails_an_hour(
        self, client: TestClient, accounts: Accounts, outbox: Path
    ) -> None:
        me = accounts.sign_up()
        for _ in range(5):
            assert client.post("/auth/password-reset", json={"email": me.email}).status_code == 202
        assert len(mails(outbox)) == 3

    def test_expired_unknown_and_malformed_tokens(
        self, client: TestClient, table: Table, accounts: Accounts, outbox: Path
    ) -> None:
        me = accounts.sign_up()
        client.post("/auth/password-reset", json={"email": me.email})
        token = token_of(mails(outbox)[0])
        for item in scan(table):
            if item["SK"] == "RESET":
                table.client.update_item(
                    TableName=table.name,
                    Key={"PK": {"S": item["PK"]}, "SK": {"S": "RESET"}},
                    UpdateExpression="SET expires_at = :past",
                    ExpressionAttributeValues={":past": {"N": "1"}},
                )
        expired = client.post(
            "/auth/password-reset/confirm", json={"token": token, "password": NEW}
        )
        assert_problem(expired, 400, "invalid_token")
        unknown = client.post(
            "/auth/password-reset/confirm", json={"token": "A" * 43, "password": NEW}
        )
        assert_problem(unknown, 400, "invalid_token")
        malformed = client.post(
            "/auth/password-reset/confirm", json={"token": "<script>", "password": NEW}
        )
        assert_problem(malformed, 422)
        assert login(client, me.email, me.password).status_code == 200

    def test_a_weak_password_keeps_the_token(
        self, client: TestClient, accounts: Accounts, outbox: Path
    ) -> None:
        me = accounts.sign_up()
        client.post("/auth/password-reset", json={"email": me.email})
        token = token_of(mails(outbox)[0])
        weak = client.post(
            "/auth/password-reset/confirm", json={"token": token, "password": me.email}
        )
        assert_problem(weak, 422)
        assert (
            client.post(
                "/auth/password-reset/confirm", json={"token": token, "password": NEW}
            ).status_code
            == 204
        )

    def test_two_confirmations_race_one_wins(
        self, client: TestClient, table: Table, accounts: Accounts, outbox: Path
    ) -> None:
        me = accounts.sign_up()
        client.post("/auth/password-reset", json={"email": me.email})
        token = token_of(mails(outbox)[0])
        statuses = race(
            6,
            lambda i: (
                client.post(
                    "/auth/password-reset/confirm",
                    json={"token": token, "password": f"racer-number-{i}"},
                ).status_code
            ),
        )
        assert sorted(statuses) == [204] + [400] * 5
        stored = stored_item(table, table.keys.user(me.id))
        # exactly one racer's password is the account's (checked on the hash: six log-ins
        # from one address would meet the log-in throttle)
        winners = [
            i
            for i in range(6)
            if security.verify_password(
                stored["password_hash"], f"racer-number-{i}", get_settings()
            )
        ]
        assert len(winners) == 1

    def test_a_reset_lets_a_throttled_owner_in(
        self, client: TestClient, accounts: Accounts, outbox: Path
    ) -> None:
        me = accounts.sign_up()
        for _ in range(5):
            login(client, me.email, "guess")
        assert login(client, me.email, me.password).status_code == 429
        client.post("/auth/password-reset", json={"email": me.email})
        token = token_of(mails(outbox)[0])
        assert (
            client.post(
                "/auth/password-reset/confirm", json={"token": token, "password": NEW}
            ).status_code
            == 204
        )
        assert login(client, me.email, NEW).status_code == 200


class TestLinksLeadToTheAccountsStore:
    """A reset mail's link opens the web app in the store the account belongs to: its own
    domain, or the public URL with `?store=` (the web app keeps it for the tab)."""

    @staticmethod
    def ask_and_confirm(client: TestClient, outbox: Path, account: Account) -> str:
        asked = client.post(
            "/auth/password-reset", json={"email": account.email}, headers=account.store_header
        )
        assert asked.status_code == 202
        page, token = reset_link(mails(outbox)[-1])
        # the web app sends what it read from the page's store: the header
        confirmed = client.post(
            "/auth/password-reset/confirm",
            json={"token": token, "password": NEW},
            headers=account.store_header,
        )
        assert confirmed.status_code == 204, confirmed.text
        return page

    def test_a_store_without_a_domain(self, client: TestClient, table: Table, outbox: Path) -> None:
        from app.stores import service
        from app.stores.schemas import StoreCreate

        service.create(table, StoreCreate(slug="north", name="North"))
        north = Accounts(client, table, store="north").sign_up("n@example.com")
        page = self.ask_and_confirm(client, outbox, north)
        assert page == "https://shop.example.com/app/reset-password?store=north"
        assert login(client, north.email, NEW).status_code == 401  # not in the default store
        relogin = client.post(
            "/auth/login",
            data={"username": north.email, "password": NEW},
            headers=north.store_header,
        )
        assert relogin.status_code == 200

    def test_a_store_with_its_own_domain(
        self, client: TestClient, table: Table, outbox: Path
    ) -> None:
        from app.stores import service
        from app.stores.schemas import StoreCreate

        service.create(
            table, StoreCreate(slug="south", name="South", domains=["shop.south.example"])
        )
        south = Accounts(client, table, store="south").sign_up("s@example.com")
        page = self.ask_and_confirm(client, outbox, south)
        assert page == "https://shop.south.example/app/reset-password"

    def test_the_default_store(self, client: TestClient, accounts: Accounts, outbox: Path) -> None:
        me = accounts.sign_up()
        assert self.ask_and_confirm(client, outbox, me) == (
            "https://shop.example.com/app/reset-password"
        )


def test_on_aws_without_a_public_url_no_link_leaves_and_it_is_counted(
    client: TestClient, accounts: Accounts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No PUBLIC_APP_URL on AWS: no mail with a link to a laptop; the answer stays 202 (it
    must not tell whether the e-mail has an account) and MailFailures alarms someone."""
    from app.core import metrics

    me = accounts.sign_up()
    counted: list[str] = []
    monkeypatch.setattr(metrics, "_sinks", [lambda name, value: counted.append(name)])
    folder = tmp_path / "outbox"
    monkeypatch.setenv("MAIL_OUTBOX_DIR", str(folder))
    monkeypatch.delenv("PUBLIC_APP_URL", raising=False)
    monkeypatch.setenv("APP_ENV", "prod")
    reset_caches()
    assert client.post("/auth/password-reset", json={"email": me.email}).status_code == 202
    assert mails(folder) == []
    assert counted == [metrics.MAIL_FAILURES]


class TestEveryOtherSessionEndsEvenUnderRaces:
    """A log-in with the old password whose check was under way when the password changed
    (or was reset) must not leave a session that outlives the change (it did: the session
    was stamped after the slow check, later than the change). The log-in's password check
    is held until the change has answered 204, then let go."""

    @staticmethod
    def held_log_in(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, email: str, password: str
    ) -> tuple[Any, Any]:
        """Start a log-in whose password check waits for `go`; (thread, result holder)."""
        import threading

        original = security.verify_password
        entered, go = threading.Event(), threading.Event()
        first = [True]

        def verify(*args: Any, **kwargs: Any) -> bool:
            if first[0]:
                first[0] = False
                entered.set()
                assert go.wait(30)
            return original(*args, **kwargs)

        monkeypatch.setattr(security, "verify_password", verify)
        result: dict[str, Any] = {}
        thread = threading.Thread(
            target=lambda: result.update(answer=login(client, email, password))
        )
        thread.start()
        assert entered.wait(30)
        return thread, (result, go)

    def test_a_log_in_racing_a_change(
        self, client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        me = accounts.make()
        thread, (result, go) = self.held_log_in(client, monkeypatch, me.email, me.password)
        changed = client.post(
            "/auth/password",
            headers=me.headers,
            json={"current_password": me.password, "new_password": NEW},
        )
        assert changed.status_code == 204
        go.set()
        thread.join(30)
        slipped = result["answer"]
        assert slipped.status_code == 200  # its check began before the change: it passed
        tokens = slipped.json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert_problem(client.get("/auth/me", headers=bearer), 401)
        assert_problem(
            client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}), 401
        )
        assert client.get("/auth/me", headers=me.headers).status_code == 200  # the changer's

    def test_a_log_in_racing_a_reset(
        self,
        client: TestClient,
        accounts: Accounts,
        outbox: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        me = accounts.sign_up()
        client.post("/auth/password-reset", json={"email": me.email})
        token = token_of(mails(outbox)[0])
        thread, (result, go) = self.held_log_in(client, monkeypatch, me.email, me.password)
        confirmed = client.post(
            "/auth/password-reset/confirm", json={"token": token, "password": NEW}
        )
        assert confirmed.status_code == 204
        go.set()
        thread.join(30)
        tokens = result["answer"].json()
        assert_problem(
            client.get("/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}),
            401,
        )


def test_a_reset_or_a_change_voids_every_link_mailed_before(
    client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    """Two mails, t1 and t2: confirming t2 voids t1 (an attacker holding an old mail cannot
    take the account), and so does a change of password."""
    me = accounts.make()
    for _ in range(2):
        assert client.post("/auth/password-reset", json={"email": me.email}).status_code == 202
    first, second = (token_of(m) for m in mails(outbox))
    assert (
        client.post(
            "/auth/password-reset/confirm", json={"token": second, "password": NEW}
        ).status_code
        == 204
    )
    stale = client.post(
        "/auth/password-reset/confirm", json={"token": first, "password": "attackers-own-pass"}
    )
    assert_problem(stale, 400, "invalid_token")
    assert login(client, me.email, NEW).status_code == 200
    # a link mailed before a change of password is void after it too
    client.post("/auth/password-reset", json={"email": me.email})
    third = token_of(mails(outbox)[-1])
    fresh = accounts.log_in(Account(me.id, me.email, NEW, me.role))
    changed = client.post(
        "/auth/password",
        headers=fresh.headers,
        json={"current_password": NEW, "new_password": "yet-another-passphrase"},
    )
    assert changed.status_code == 204
    later = client.post("/auth/password-reset/confirm", json={"token": third, "password": "x" * 20})
    assert_problem(later, 400, "invalid_token")
