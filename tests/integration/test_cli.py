"""python -m app.cli: its commands against DynamoDB Local (and moto's S3 for create-bucket)."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from fastapi.testclient import TestClient

from app import cli
from app.db.table import Table
from tests.support.history import ledger_of
from tests.support.http import stored_item


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
    assert stored_item(table, table.keys.admin_counter())["admins"] == 1


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
    assert stored_item(table, table.keys.admin_counter())["admins"] == 1


@pytest.mark.parametrize(
    ("args", "field", "said"),
    [
        (["--email", "bad", "--password", "long-enough"], "email", "must have an @-sign"),
        (["--email", "a@example.com", "--password", "short"], "password", "at least 8 characters"),
    ],
)
def test_create_admin_refuses_bad_input(
    table: Table, capsys: pytest.CaptureFixture[str], args: list[str], field: str, said: str
) -> None:
    """The message names the argument and says what is wrong with it, as the API would."""
    assert cli.main(["create-admin", *args]) == 2
    assert table.client.scan(TableName=table.name)["Items"] == []
    error = capsys.readouterr().err
    assert error.startswith(f"invalid input: {field}: "), error
    assert said in error, error
    assert "Value error" not in error  # in words, as the API says it


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
    for item in stocked:  # each product's stock, or each of its sizes', comes with its entry
        for sold in client.get(f"/products/{item['id']}").json()["variants"]:
            (entry,) = ledger_of(table, sold["id"])
            assert (entry["kind"], entry["delta"], entry["stock_after"]) == (
                "initial",
                sold["stock"],
                sold["stock"],
            )
    duvet = next(item for item in items if item["name"] == "Linen Duvet Cover")
    assert (duvet["price_min"], duvet["price_max"]) == ("119.00", "159.00")
    assert [o["values"] for o in duvet["options"]] == [["Single", "Double", "King"]]


def log_in(
    client: TestClient, email: str, password: str, store: str | None = None
) -> dict[str, str]:
    store_header = {"X-Store": store} if store else {}
    response = client.post(
        "/auth/login", data={"username": email, "password": password}, headers=store_header
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"} | store_header


def test_two_stores_from_the_cli_side_by_side(
    client: TestClient, table: Table, capsys: pytest.CaptureFixture[str]
) -> None:
    """create-store (idempotent), an admin per store with the same e-mail, a platform
    admin, and the demo catalog in a store of its own: same SKUs, never shared."""
    for _ in range(2):
        assert (
            cli.main(
                ["create-store", "--slug", "north", "--name", "North", "--domain", "north.example"]
            )
            == 0
        )
    assert "already exists" in capsys.readouterr().out
    assert (
        cli.main(["create-admin", "--email", "boss@example.com", "--password", "boss-password-1"])
        == 0
    )
    assert (
        cli.main(
            [
                "create-admin",
                "--store",
                "north",
                "--email",
                "boss@example.com",
                "--password",
                "north-password-1",
            ]
        )
        == 0
    )
    assert (
        cli.main(
            [
                "create-admin",
                "--store",
                "nowhere",
                "--email",
                "x@example.com",
                "--password",
                "x-password-123",
            ]
        )
        == 2
    )
    assert (
        cli.main(
            [
                "create-admin",
                "--platform",
                "--email",
                "ops@example.com",
                "--password",
                "ops-password-1",
            ]
        )
        == 0
    )
    assert (
        cli.main(
            [
                "create-admin",
                "--platform",
                "--store",
                "north",
                "--email",
                "o@example.com",
                "--password",
                "ops-password-1",
            ]
        )
        == 2
    )

    here = log_in(client, "boss@example.com", "boss-password-1")
    there = log_in(client, "boss@example.com", "north-password-1", store="north")
    assert client.get("/auth/me", headers=here).json()["role"] == "admin"
    assert client.get("/auth/me", headers=there).json()["role"] == "admin"
    assert (
        client.get("/auth/me", headers=here).json()["id"]
        != client.get("/auth/me", headers=there).json()["id"]
    )
    operator = log_in(client, "ops@example.com", "ops-password-1")
    assert client.get("/auth/me", headers=operator).json()["role"] == "platform_admin"
    assert [
        s["slug"] for s in client.get("/platform/stores", headers=operator).json()["items"]
    ] == ["north"]

    assert cli.main(["seed"]) == 0
    assert cli.main(["seed", "--store", "north"]) == 0
    here_items = client.get("/products?limit=100").json()["items"]
    north_items = client.get("/products?limit=100", headers={"X-Store": "north"}).json()["items"]
    assert len(here_items) == len(north_items) == 32
    assert {p["sku"] for p in here_items} == {p["sku"] for p in north_items}  # same SKUs
    assert not {p["id"] for p in here_items} & {p["id"] for p in north_items}
    north_admin_counter = table.for_store("north").get(
        table.for_store("north").keys.admin_counter()
    )
    assert north_admin_counter is not None
    assert north_admin_counter["admins"] == 1


def test_the_demo_catalog_comes_with_its_photos(
    client: TestClient,
    table: Table,
    bucket: str,
    s3_endpoint: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`make seed`: every demo product gets its photo (devtools/demo_images), stored and
    served as an uploaded one is; `demo-photos` (which `make run` runs) puts back the ones
    a restarted local S3 forgot, and touches nothing else."""
    import httpx

    from app.products.images import s3_client
    from app.seed import CATALOG
    from devtools.run_local import DEMO_PHOTOS
    from tests.support.invariants import check_invariants

    assert cli.main(["seed", "--images", str(DEMO_PHOTOS)]) == 0
    assert "demo photos: 32 attached" in capsys.readouterr().out
    items = client.get("/products?limit=100").json()["items"]
    assert len(items) == len(CATALOG) == 32
    assert all(item["image_url"] for item in items)
    photo = httpx.get(items[0]["image_url"])
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/webp"
    assert photo.content[:4] == b"RIFF"
    s3 = s3_client(s3_endpoint, "us-east-1")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert len(keys) == 32
    check_invariants(table, image_keys=keys)

    # the bucket loses two (a local S3 restarted): they are put back, the rest untouched
    lost = sorted(keys)[:2]
    for key in lost:
        s3.delete_object(Bucket=bucket, Key=key)
    assert cli.main(["demo-photos", "--images", str(DEMO_PHOTOS)]) == 0
    assert "demo photos: 2 attached" in capsys.readouterr().out
    now = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert len(now) == 32
    assert keys - set(lost) <= now
    check_invariants(table, image_keys=now)


@pytest.mark.parametrize(
    "args",
    [["seed", "--store", "nowhere"], ["demo-photos", "--store", "nowhere", "--images", "."]],
)
def test_a_command_for_a_store_that_does_not_exist_says_so_and_writes_nothing(
    table: Table, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert cli.main(["create-table"]) == 0
    before = table.client.scan(TableName=table.name)["Items"]
    assert cli.main(args) == 2
    assert "no store nowhere: create it with create-store" in capsys.readouterr().err
    assert table.client.scan(TableName=table.name)["Items"] == before


def test_create_store_refuses_a_slug_it_could_not_serve(
    table: Table, capsys: pytest.CaptureFixture[str]
) -> None:
    before = table.client.scan(TableName=table.name)["Items"]
    assert cli.main(["create-store", "--slug", "North Shop!", "--name", "North"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("invalid input: slug"), error
    assert table.client.scan(TableName=table.name)["Items"] == before


def test_create_bucket_creates_the_images_bucket_once(
    s3_endpoint: str,
    app_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.core import caches
    from app.products.images import s3_client

    name = f"images-cli-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("IMAGES_BUCKET", name)
    caches.reset()  # the settings, read again
    assert cli.main(["create-bucket"]) == 0
    assert cli.main(["create-bucket"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"bucket {name}: created",
        f"bucket {name}: already exists",
    ]
    buckets = s3_client(s3_endpoint, "us-east-1").list_buckets()["Buckets"]
    assert [b["Name"] for b in buckets].count(name) == 1
