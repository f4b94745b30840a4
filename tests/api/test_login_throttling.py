"""Log-in throttling (app/auth/throttle.py): counted before the password is checked, per
account and client address, with an account-wide ceiling that slows rather than locks."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core import security
from app.core.roles import Role
from app.db.table import Table
from tests.integration.test_accounts_concurrency import race
from tests.support.accounts import Accounts
from tests.support.faults import meanwhile
from tests.support.http import assert_problem, stored_item

PASSWORD = "s3cret-passphrase"


def login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/login", data={"username": email, "password": password})


@pytest.fixture
def from_address(client: TestClient) -> Iterator[Any]:
    """TestClients of the same app seen from other client addresses."""
    opened: list[TestClient] = []

    def make(host: str) -> TestClient:
        other = TestClient(client.app, client=(host, 50000), raise_server_exceptions=False)
        opened.append(other)
        return other

    yield make
    for other in opened:
        other.close()


class Checked(Counter[str]):
    """How many passwords the service actually checked (`self["checked"]`), and whether
    each was right, in the order the checks began."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[bool] = []


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> Checked:
    checked = Checked()
    lock = threading.Lock()
    real = security.verify_password

    def counting(password_hash: str | None, password: str, settings: Any) -> bool:
        with lock:
            checked["checked"] += 1
            index = len(checked.results)
            checked.results.append(False)
        right = real(password_hash, password, settings)
        checked.results[index] = right
        return right

    monkeypatch.setattr(security, "verify_password", counting)
    return checked


def test_five_attempts_per_address_then_429_even_with_the_right_password(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    account = accounts.sign_up("target@example.com")
    for _ in range(5):
        assert login(client, account.email, "wrong-password").status_code == 401
    locked = login(client, account.email)
    body = assert_problem(locked, 429, "too_many_requests")
    assert 890 <= int(locked.headers["retry-after"]) <= 900
    assert "access_token" not in body
    stored = table.get(table.keys.login_client(account.email, "testclient"))
    assert stored is None  # "testclient" is no IP address: it counts as "unknown"
    stored = stored_item(table, table.keys.login_client(account.email, "unknown"))
    assert stored["attempts"] == 5
    other = accounts.sign_up("bystander@example.com")
    assert login(client, other.email).status_code == 200


def test_fifty_parallel_guesses_check_five_passwords(
    client: TestClient, accounts: Accounts, verified: Checked
) -> None:
    account = accounts.sign_up("burst@example.com")
    statuses = race(50, lambda _: login(client, account.email, "wrong-password").status_code)
    assert Counter(statuses) == {401: 5, 429: 45}
    assert verified["checked"] == 5


@pytest.mark.parametrize("burst", range(3))
def test_a_right_password_in_a_burst_of_wrong_ones_gets_no_sixth_check(
    client: TestClient, accounts: Accounts, verified: Checked, burst: int
) -> None:
    account = accounts.sign_up(f"burst{burst}@example.com")

    def attempt(i: int) -> int:
        password = PASSWORD if i == 49 else "wrong-password"
        return int(login(client, account.email, password).status_code)

    statuses = Counter(race(50, attempt))
    assert statuses[200] + statuses[401] == verified["checked"]
    if statuses[200] == 0:
        assert verified["checked"] <= 5
        assert statuses[429] >= 45
        return
    # the right password logged in, so it was among the five the budget allows; its success
    # starts a new window, in which guesses still racing get five more checks at most
    assert verified.results.index(True) < 5
    assert verified["checked"] <= 10
    assert statuses[429] >= 40


def test_an_attacker_cannot_lock_the_owner_out(
    client: TestClient, accounts: Accounts, from_address: Any
) -> None:
    owner = accounts.sign_up("owner@example.com")
    attacker, home = from_address("203.0.113.9"), from_address("198.51.100.7")
    for _ in range(5):
        assert login(attacker, owner.email, "guess").status_code == 401
    assert login(attacker, owner.email, "guess").status_code == 429
    assert login(home, owner.email).status_code == 200


def test_ipv6_clients_count_by_their_64(
    client: TestClient, accounts: Accounts, from_address: Any
) -> None:
    owner = accounts.sign_up("six@example.com")
    for n in range(5):
        assert (
            login(from_address(f"2001:db8:1:2::{n + 1}"), owner.email, "guess").status_code == 401
        )
    assert login(from_address("2001:db8:1:2::ff"), owner.email, "guess").status_code == 429
    assert login(from_address("2001:db8:1:3::1"), owner.email).status_code == 200


def test_many_addresses_slow_the_account_down_with_a_growing_delay(
    client: TestClient, table: Table, accounts: Accounts, from_address: Any
) -> None:
    owner = accounts.sign_up("popular@example.com")
    for n in range(20):  # the account-wide ceiling, spread over 20 addresses
        assert login(from_address(f"192.0.2.{n + 1}"), owner.email, "guess").status_code == 401
    first = login(from_address("192.0.2.100"), owner.email, "guess")
    assert first.status_code == 401  # past the ceiling: allowed, and the next must wait
    delayed = login(from_address("192.0.2.101"), owner.email)
    assert_problem(delayed, 429, "too_many_requests")
    assert 1 <= int(delayed.headers["retry-after"]) <= 2
    account = table.keys.login_account(owner.email)
    stored_item(table, account)  # the account's delay is stored
    # when the delay has passed, the owner gets in (and the counts start again)
    table.client.update_item(
        TableName=table.name,
        Key={name: {"S": value} for name, value in account.items()},
        UpdateExpression="SET next_at = :past",
        ExpressionAttributeValues={":past": {"N": "1"}},
    )
    assert login(from_address("192.0.2.101"), owner.email).status_code == 200
    assert table.get(account) is None


def test_the_delay_doubles_up_to_its_cap(
    client: TestClient, table: Table, accounts: Accounts, from_address: Any
) -> None:
    owner = accounts.sign_up("doubling@example.com")
    account = table.keys.login_account(owner.email)
    for n in range(20):
        login(from_address(f"192.0.2.{n + 1}"), owner.email, "guess")
    delays = []
    for n in range(8):
        table.client.update_item(
            TableName=table.name,
            Key={name: {"S": value} for name, value in account.items()},
            UpdateExpression="SET next_at = :past",
            ExpressionAttributeValues={":past": {"N": "1"}},
        )
        before = int(time.time())
        assert login(from_address(f"198.51.100.{n + 1}"), owner.email, "guess").status_code == 401
        item = stored_item(table, account)
        delays.append(int(item["next_at"]) - before)
    expected = [2, 4, 8, 16, 32, 60, 60, 60]
    assert all(want <= got <= want + 1 for want, got in zip(expected, delays, strict=True)), delays


def test_a_successful_log_in_clears_the_count(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    account = accounts.sign_up("typo@example.com")
    for _ in range(4):
        login(client, account.email, "wrong-password")
    assert login(client, account.email).status_code == 200
    assert table.get(table.keys.login_client(account.email, "unknown")) is None
    for _ in range(4):
        login(client, account.email, "wrong-password")
    assert login(client, account.email).status_code == 200


def test_unknown_emails_are_throttled_the_same_way(client: TestClient) -> None:
    for _ in range(5):
        assert login(client, "ghost@example.com", "guess").status_code == 401
    assert login(client, "ghost@example.com", "guess").status_code == 429


def test_the_window_closes(client: TestClient, table: Table, accounts: Accounts) -> None:
    account = accounts.sign_up("patient@example.com")
    for _ in range(5):
        login(client, account.email, "wrong-password")
    assert login(client, account.email).status_code == 429
    key = table.keys.login_client(account.email, "unknown")
    table.client.update_item(
        TableName=table.name,
        Key={name: {"S": value} for name, value in key.items()},
        UpdateExpression="SET window_ends = :past",
        ExpressionAttributeValues={":past": {"N": "1"}},
    )
    assert login(client, account.email).status_code == 200


def test_an_admin_can_let_an_account_in_at_once(
    client: TestClient, table: Table, accounts: Accounts, from_address: Any
) -> None:
    admin = accounts.make(Role.ADMIN)
    owner = accounts.sign_up("locked@example.com")
    for address in ("203.0.113.1", "203.0.113.2"):
        for _ in range(5):
            login(from_address(address), owner.email, "guess")
    assert login(from_address("203.0.113.1"), owner.email).status_code == 429
    url = f"/admin/users/{owner.id}/login-throttle"
    assert_problem(client.delete(url, headers=accounts.make().headers), 403)
    response = client.delete(url, headers=admin.headers)
    assert response.status_code == 204
    assert table.get(table.keys.login_account(owner.email)) is None
    assert login(from_address("203.0.113.1"), owner.email).status_code == 200
    assert_problem(client.delete("/admin/users/nobody/login-throttle", headers=admin.headers), 404)


def test_an_attempt_whose_address_count_keeps_changing_is_refused_not_let_through(
    client: TestClient, table: Table, accounts: Accounts, verified: Checked
) -> None:
    """Before each of its writes, the address's count is cleared (a log-in from the same
    address succeeds) or reopened (another attempt starts a window): after three rounds the
    attempt gives up with 429 rather than check a password it could not count."""
    owner = accounts.sign_up("churn@example.com")
    key = table.keys.login_client(owner.email, "unknown")
    opened = {**key, "attempts": 1, "window_ends": int(time.time()) + 900}
    cleared = itertools.cycle([True, False])

    def another_change() -> None:
        if next(cleared):
            table.batch_delete([key])
        else:
            table.batch_put([opened])

    with meanwhile(table.client, key, another_change, times=6) as done:
        refused = login(client, owner.email)
    assert len(done) == 6  # its count and its new window, three times over
    assert_problem(refused, 429, "too_many_requests")
    assert refused.headers["retry-after"] == "1"
    assert verified["checked"] == 0
    assert stored_item(table, key)["attempts"] == 1  # the other attempt's window, not its own
    assert table.get(table.keys.login_account(owner.email)) is None  # never got that far
    assert login(client, owner.email).status_code == 200  # once it settles, the owner is in


def test_an_attempt_past_the_account_ceiling_that_loses_every_race_is_refused(
    client: TestClient, table: Table, accounts: Accounts, from_address: Any, verified: Checked
) -> None:
    """Past the account-wide ceiling an attempt counts itself only if the count is still
    the one it read; when another attempt counts first every time, it is refused with 429
    and its password is never checked."""
    owner = accounts.sign_up("contested@example.com")
    key = table.keys.login_account(owner.email)
    for n in range(20):  # the account-wide ceiling, spread over 20 addresses
        assert login(from_address(f"192.0.2.{n + 1}"), owner.email, "guess").status_code == 401
    assert verified["checked"] == 20

    def another_counts() -> None:
        item = stored_item(table, key)
        table.batch_put([{**item, "attempts": int(item["attempts"]) + 1}])

    with meanwhile(table.client, key, another_counts, times=9) as done:
        refused = login(from_address("198.51.100.1"), owner.email)
    assert len(done) == 9  # three rounds: its count, its new window, its delayed count
    assert_problem(refused, 429, "too_many_requests")
    assert refused.headers["retry-after"] == "1"
    assert verified["checked"] == 20
    stored = stored_item(table, key)
    assert stored["attempts"] == 29  # the others' nine, none of its own
    assert "next_at" not in stored
    client_count = table.keys.login_client(owner.email, "198.51.100.1")
    assert stored_item(table, client_count)["attempts"] == 1  # counted for its address


def test_past_the_ceiling_a_count_cleared_as_it_is_read_starts_a_new_window(
    client: TestClient, table: Table, accounts: Accounts, from_address: Any, verified: Checked
) -> None:
    """Past the account's ceiling an attempt reads the count to know its delay; the owner's
    log-in clears the count just before that read. The attempt goes round again and is
    counted in a new window: checked, with no delay left behind for anyone."""
    owner = accounts.sign_up("cleared@example.com")
    key = table.keys.login_account(owner.email)
    for n in range(20):  # the account-wide ceiling, spread over 20 addresses
        assert login(from_address(f"192.0.2.{n + 1}"), owner.email, "guess").status_code == 401

    def the_owner_logs_in() -> None:  # a successful log-in clears the account's count
        table.batch_delete([key])

    with meanwhile(table.client, key, the_owner_logs_in, when="read") as cleared:
        answer = login(from_address("198.51.100.1"), owner.email, "guess")
    assert len(cleared) == 1
    assert answer.status_code == 401  # checked: a wrong password, not a 429
    assert verified["checked"] == 21
    stored = stored_item(table, key)
    assert (stored["attempts"], "next_at" in stored) == (1, False)
