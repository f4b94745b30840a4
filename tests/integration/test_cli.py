"""python -m app.cli create-table | create-admin, against DynamoDB Local."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from app import cli
from app.db.table import Table
from tests.support.history import ledger_of


def test_create_table_is_idempotent(table: Table, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["create-table"]) == 0
    assert "already exists" in capsys.readouterr().out
    description = table.client.describe_table(TableName=table.name)["Table"]
    assert {index["IndexName"] for index in description["GlobalSecondaryIndexes"]} == {
        "GSI1",
        "GSI2",
        "GSI3",
    }
    ttl = table.client.describe_time_to_live(TableName=table.name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"


def test_create_table_creates(
    table: Table, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import reset_caches

    monkeypatch.setenv("CATALOG_TABLE", table.name + "-new")
    reset_caches()
    try:
        assert cli.main(["create-table"]) == 0
        assert "created" in capsys.readouterr().out
        assert (
            table.client.describe_table(TableName=table.name + "-new")["Table"]["TableStatus"]
            == "ACTIVE"
        )
    finally:
        table.client.delete_table(TableName=table.name + "-new")


def test_create_admin_creates_then_is_idempotent(client: TestClient, table: Table) -> None:
    args = ["create-admin", "--email", "Boss@Example.com", "--password", "boss-password-1"]
    assert cli.main(args) == 0
    assert cli.main(args) == 0
    response = client.post(
        "/auth/login", data={"username": "boss@example.com", "password": "boss-password-1"}
    )
    assert response.status_code == 200
    me = client.get(
        "/auth/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert me.json()["role"] == "admin"
    assert table.get(table.keys.admin_counter())["admins"] == 1  # type: ignore[index]


def test_create_admin_promotes_an_existing_user(client: TestClient, table: Table) -> None:
    client.post(
        "/auth/signup", json={"email": "up@example.com", "password": "user-password", "name": "U"}
    )
    assert (
        cli.main(["create-admin", "--email", "up@example.com", "--password", "ignored-pass"]) == 0
    )
    login = client.post(
        "/auth/login", data={"username": "up@example.com", "password": "user-password"}
    )
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert me.json()["role"] == "admin"
    assert table.get(table.keys.admin_counter())["admins"] == 1  # type: ignore[index]


@pytest.mark.parametrize(
    "args",
    [
        ["--email", "bad", "--password", "long-enough"],
        ["--email", "a@example.com", "--password", "short"],
    ],
)
def test_create_admin_refuses_bad_input(table: Table, args: list[str]) -> None:
    assert cli.main(["create-admin", *args]) == 2
    assert table.client.scan(TableName=table.name)["Items"] == []


def test_runs_as_a_module(table: Table) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "create-table"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "already exists" in result.stdout


def test_seed_loads_a_demo_catalog_once(
    client: TestClient, table: Table, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["seed"]) == 0
    assert "32 products created, 0 already there" in capsys.readouterr().out
    assert cli.main(["seed"]) == 0
    assert "0 products created, 32 already there" in capsys.readouterr().out
    items = client.get("/products?limit=100").json()["items"]
    assert len(items) == 32
    categories = {item["category"] for item in items}
    assert len(categories) >= 4
    for category in categories:
        assert (
            len(
                client.get("/products", params={"category": category, "limit": 100}).json()["items"]
            )
            >= 5
        )
    stocked = [item for item in items if item["in_stock"]]
    assert stocked
    assert any(not item["in_stock"] for item in items)
    for item in stocked:
        stock = client.get(f"/products/{item['id']}").json()["stock"]
        (entry,) = ledger_of(table, item["id"])
        assert (entry["kind"], entry["delta"], entry["stock_after"]) == ("initial", stock, stock)
