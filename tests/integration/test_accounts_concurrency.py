"""Races that DynamoDB conditions and transactions must settle (DynamoDB Local, threads)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Accounts
from tests.support.http import stored_item


def race(count: int, action: Any) -> list[Any]:
    """Run `action(i)` in `count` threads released at the same moment."""
    barrier = Barrier(count)

    def run(i: int) -> Any:
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_sixteen_concurrent_signups_of_one_address_make_one_account(
    client: TestClient, table: Table
) -> None:
    spellings = ["race@example.com", "RACE@example.com", "Race@Example.com", "race@EXAMPLE.COM"]

    def sign_up(i: int) -> int:
        body = {"email": spellings[i % 4], "password": "s3cret-passphrase", "name": f"n{i}"}
        return client.post("/auth/signup", json=body).status_code

    statuses = race(16, sign_up)
    assert sorted(statuses) == [201] + [409] * 15
    items = table.client.scan(TableName=table.name)["Items"]
    profiles = [i for i in items if i["SK"]["S"] == "PROFILE"]
    links = [i for i in items if i["SK"]["S"] == "EMAIL"]
    assert len(profiles) == 1
    assert len(links) == 1
    assert links[0]["user_id"]["S"] == profiles[0]["id"]["S"]


def test_two_admins_demoting_each_other_leave_one_admin(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    first, second = accounts.make(Role.ADMIN), accounts.make(Role.ADMIN)
    pairs = [(first, second), (second, first)]

    def demote(i: int) -> int:
        actor, target = pairs[i]
        return client.patch(
            f"/admin/users/{target.id}/role", headers=actor.headers, json={"role": "user"}
        ).status_code

    statuses = race(2, demote)
    assert sorted(statuses) in ([200, 403], [200, 409])
    roles = [stored_item(table, table.keys.user(a.id))["role"] for a in (first, second)]
    assert sorted(roles) == ["admin", "user"]
    assert stored_item(table, table.keys.admin_counter())["admins"] == 1


def test_two_admins_deleting_each_other_leave_one_admin(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    first, second = accounts.make(Role.ADMIN), accounts.make(Role.ADMIN)
    pairs = [(first, second), (second, first)]

    def delete(i: int) -> int:
        actor, target = pairs[i]
        return client.delete(f"/admin/users/{target.id}", headers=actor.headers).status_code

    statuses = race(2, delete)
    assert 204 in statuses
    assert sorted(statuses) in ([204, 401], [204, 409])
    remaining = [a for a in (first, second) if table.get(table.keys.user(a.id)) is not None]
    assert len(remaining) == 1
    assert stored_item(table, table.keys.admin_counter())["admins"] == 1


def test_concurrent_refreshes_with_one_token_never_give_two_live_pairs(
    client: TestClient, accounts: Accounts
) -> None:
    account = accounts.make()

    def refresh(_: int) -> Any:
        return client.post("/auth/refresh", json={"refresh_token": account.refresh_token})

    responses = race(8, refresh)
    winners = [r.json() for r in responses if r.status_code == 200]
    assert len(winners) <= 1
    assert all(r.status_code in (200, 401) for r in responses)
