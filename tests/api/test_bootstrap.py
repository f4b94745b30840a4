"""What every new deployment gets (app/bootstrap.py, run by `make deploy` in the function and
by `make run`): the smoke-test store, and a first admin invited by mail, never a password."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import bootstrap
from app.auth import repository as users
from app.core.config import get_settings
from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Accounts
from tests.support.http import scan
from tests.support.invariants import check_invariants
from tests.support.mail import mails, reset_link

ADMIN = "owner@example.com"


def run(table: Table, admin_email: str | None = None) -> list[str]:
    return bootstrap.run(table, admin_email=admin_email, settings=get_settings())


def test_the_smoke_store_and_its_product(client: TestClient, table: Table) -> None:
    report = run(table)
    assert report == ["smoke-test store 'smoke': created, its product created"]
    smoke = {"X-Store": bootstrap.SMOKE_STORE}
    assert client.get("/store", headers=smoke).json()["slug"] == "smoke"
    (product,) = client.get("/products", headers=smoke).json()["items"]
    assert product["in_stock"]
    page = client.get(f"/products/{product['id']}", headers=smoke).json()
    assert page["stock"] == bootstrap.SMOKE_STOCK
    assert page["sku"] == bootstrap.SMOKE_SKU
    # the shop itself is untouched
    assert client.get("/products").json()["items"] == []
    check_invariants(table)


def test_it_can_run_again_and_again(client: TestClient, table: Table) -> None:
    run(table)
    before = scan(table)
    assert run(table) == ["smoke-test store 'smoke': present"]
    assert scan(table) == before


def test_a_first_admin_is_invited_by_mail(
    client: TestClient, table: Table, outbox: Path, accounts: Accounts
) -> None:
    report = run(table, ADMIN)
    assert report[1] == f"{ADMIN}: created; invitation mailed"
    user = users.get_by_email(table, email=ADMIN)
    assert user is not None
    assert user.role == Role.ADMIN
    (invitation,) = mails(outbox)
    assert invitation["To"] == ADMIN
    page, token = reset_link(invitation)
    assert page == "https://shop.example.com/app/reset-password"
    assert "72 hours" in invitation.get_content()
    # nobody knows the password it was made with: only the link opens the account
    chosen = "the-owners-own-passphrase"
    confirmed = client.post(
        "/auth/password-reset/confirm", json={"token": token, "password": chosen}
    )
    assert confirmed.status_code == 204
    login = client.post("/auth/login", data={"username": ADMIN, "password": chosen})
    assert login.status_code == 200
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert client.get("/admin/users", headers=bearer).status_code == 200
    # once: a second deploy finds the admin and sends nothing
    assert run(table, ADMIN)[1] == f"{ADMIN} is already admin of the default store: no mail sent"
    assert len(mails(outbox)) == 1
    check_invariants(table)


def test_an_existing_account_is_promoted_and_invited(
    client: TestClient, table: Table, outbox: Path, accounts: Accounts
) -> None:
    shopper = accounts.sign_up(ADMIN)
    assert run(table, ADMIN)[1] == f"{ADMIN}: promoted to admin; invitation mailed"
    user = users.get(table, user_id=shopper.id)
    assert user is not None
    assert user.role == Role.ADMIN
    assert len(mails(outbox)) == 1
    # the password the shopper chose still works: the invitation only offers a new one
    assert accounts.log_in(shopper).access_token
    check_invariants(table)


def test_a_failed_invitation_is_reported_and_counted(
    client: TestClient, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core import mail, metrics

    counted: list[str] = []
    monkeypatch.setattr(metrics, "_sinks", [lambda name, value: counted.append(name)])

    def refuse(**_: object) -> None:
        raise RuntimeError("Email address is not verified")

    monkeypatch.setattr(mail, "send", refuse)
    assert run(table, ADMIN)[1] == f"{ADMIN}: created; the invitation mail FAILED (see the log)"
    assert counted == [metrics.MAIL_FAILURES]


def test_the_cli_runs_it_and_checks_the_address(
    table: Table, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import cli

    assert cli.main(["bootstrap", "--admin-email", "not-an-address"]) == 2
    assert cli.main(["bootstrap"]) == 0
    assert "smoke-test store 'smoke'" in capsys.readouterr().out
