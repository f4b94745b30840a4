"""A user closes their own account: `DELETE /auth/me {password}` (what `make smoke` uses to
remove the account it made, and what any shopper may do)."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Account, Accounts
from tests.support.faults import meanwhile
from tests.support.http import assert_problem, scan
from tests.support.invariants import check_invariants


def close(client: TestClient, account: Account, password: str) -> Any:
    return client.request(
        "DELETE", "/auth/me", json={"password": password}, headers=account.headers
    )


def test_the_account_and_its_sessions_are_gone(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    me = accounts.make()
    other_device = accounts.log_in(Account(me.id, me.email, me.password, me.role))
    answer = close(client, me, me.password)
    assert answer.status_code == 204
    assert answer.content == b""
    for session in (me, other_device):
        assert_problem(client.get("/auth/me", headers=session.headers), 401)
    login = client.post("/auth/login", data={"username": me.email, "password": me.password})
    assert_problem(login, 401)
    assert table.get(table.keys.user(me.id)) is None
    assert table.get(table.keys.email(me.email)) is None
    # nothing of the account is left but the day-long record of who closed it (the audit
    # log's, from the change stream)
    (left,) = [i for i in scan(table) if i["PK"] == table.keys.user_partition(me.id)]
    assert left["SK"] == "REMOVED"
    assert (left["removed_by"], left["user"]["email"]) == (me.id, me.email)
    assert int(left["expires_at"]) <= time.time() + 86_400 + 5
    # the e-mail is free again
    assert accounts.sign_up(me.email).id != me.id
    check_invariants(table)


def test_a_password_changed_meanwhile_keeps_the_account(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    """The closing checks the password, then removes the account: a change of password that
    commits in between (its owner, on another device) means the password given is no longer
    the account's. The account stays, under its new password."""
    me = accounts.make()
    other_device = accounts.log_in(Account(me.id, me.email, me.password, me.role))
    new = "a-brand-new-passphrase"
    body = {"current_password": me.password, "new_password": new}

    def changed_elsewhere() -> int:
        return client.post("/auth/password", headers=other_device.headers, json=body).status_code

    with meanwhile(table.client, table.keys.user(me.id), changed_elsewhere) as done:
        answer = close(client, me, me.password)
    assert done == [204]
    assert_problem(answer, 409, "user_changed")
    assert table.get(table.keys.user(me.id)) is not None
    assert table.get(table.keys.email(me.email)) is not None
    login = client.post("/auth/login", data={"username": me.email, "password": new})
    assert login.status_code == 200
    check_invariants(table)


def test_a_wrong_password_changes_nothing_and_is_counted(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    me = accounts.make()
    before = scan(table)
    for _ in range(5):
        assert_problem(close(client, me, "not-my-password"), 401, "wrong_password")
    # counted like log-ins: a stolen token cannot guess the password through this door
    assert_problem(close(client, me, me.password), 429)
    after = [i for i in scan(table) if not i["PK"].startswith("S#default#THROTTLE")]
    assert [i for i in before if i in after] == before
    assert client.get("/auth/me", headers=me.headers).status_code == 200


def test_the_last_admin_stays(client: TestClient, table: Table, accounts: Accounts) -> None:
    admin = accounts.make(Role.ADMIN)
    assert_problem(close(client, admin, admin.password), 409, "last_admin")
    assert client.get("/auth/me", headers=admin.headers).status_code == 200
    second = accounts.make(Role.ADMIN)
    assert close(client, admin, admin.password).status_code == 204
    assert client.get("/admin/users", headers=second.headers).status_code == 200
    check_invariants(table)


def test_operators_are_closed_by_operators(client: TestClient, accounts: Accounts) -> None:
    operator = accounts.make(Role.PLATFORM_ADMIN)
    assert_problem(close(client, operator, operator.password), 403, "operator_account")


def test_it_needs_a_session_and_the_password(client: TestClient, accounts: Accounts) -> None:
    me = accounts.make()
    assert_problem(client.request("DELETE", "/auth/me", json={"password": "x"}), 401)
    assert_problem(client.request("DELETE", "/auth/me", headers=me.headers), 422)
    extra = {"password": me.password, "user_id": "someone-else"}
    assert_problem(client.request("DELETE", "/auth/me", json=extra, headers=me.headers), 422)
