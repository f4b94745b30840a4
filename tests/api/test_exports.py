"""Catalog exports: a job, off the request path, that writes the whole store's catalog and
stock as the catalog's CSV to S3 and answers with a presigned download."""

from __future__ import annotations

import io

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from app.transfer import csv_format, exports, runner
from tests.support.accounts import Accounts
from tests.support.catalog import create_product

pytestmark = pytest.mark.dynamodb


def test_an_export_has_every_product_with_its_stock(
    client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "PAGE", 10)  # the 22 products take three pages
    admin = accounts.make(Role.ADMIN)
    shopper = accounts.make()
    chair = create_product(
        client, admin, name="Chair, oak", price="120.00", tags=["wood", "a|b"], stock=4
    )
    draft = create_product(
        client, admin, name="Stool", description="Three legs,\nno back", status="draft", sku=None
    )
    many = [create_product(client, admin, name=f"Cup {n:03d}", stock=n) for n in range(20)]
    buy = {"items": [{"product_id": chair["id"], "quantity": 1}]}
    assert client.post("/orders", headers=shopper.headers, json=buy).status_code == 201

    started = client.post("/admin/exports", headers=admin.headers)
    assert started.status_code == 202
    export_id = started.json()["id"]
    runner.wait_for_local_jobs()
    answer = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()
    assert answer["status"] == "done"
    assert answer["rows"] == 22
    download = httpx.get(answer["url"])
    assert download.status_code == 200
    text = download.content.decode("utf-8")
    assert text.startswith(",".join(csv_format.COLUMNS) + "\r\n")
    rows = {row["handle"]: row for row in csv_format.read(io.StringIO(text, newline=""))}
    assert len(rows) == 22
    assert rows[chair["id"]] | {} == {
        "handle": chair["id"],
        "name": "Chair, oak",
        "description": chair["description"],
        "category": chair["category"],
        "tags": "wood|a|b",
        "status": "active",
        "option1_name": "",
        "option1_value": "",
        "option2_name": "",
        "option2_value": "",
        "option3_name": "",
        "option3_value": "",
        "sku": chair["sku"],
        "price": "120.00",
        "currency": "EUR",
        "stock": "3",
    }
    assert (rows[draft["id"]]["status"], rows[draft["id"]]["sku"]) == ("draft", "")
    assert rows[draft["id"]]["description"] == "Three legs,\nno back"
    assert [rows[p["id"]]["stock"] for p in many[:3]] == ["0", "1", "2"]


def test_exports_are_admins_only(client: TestClient, accounts: Accounts) -> None:
    for role in (Role.USER, Role.STOCK_MANAGER):
        assert client.post("/admin/exports", headers=accounts.make(role).headers).status_code == 403
    admin = accounts.make(Role.ADMIN)
    missing = client.get("/admin/exports/01JUNKJUNKJUNKJUNKJUNKJUNK", headers=admin.headers)
    assert missing.status_code == 404


def test_the_sample_csv_is_what_an_export_of_the_demo_catalog_writes(
    client: TestClient, table: Table, accounts: Accounts
) -> None:
    from app.seed import seed
    from devtools.sample_csv import SAMPLE, sample_text

    assert SAMPLE.read_bytes().decode("utf-8") == sample_text()  # python -m devtools.sample_csv
    seed(table)
    admin = accounts.make(Role.ADMIN)
    export_id = client.post("/admin/exports", headers=admin.headers).json()["id"]
    runner.wait_for_local_jobs()
    url = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()["url"]
    assert httpx.get(url).content.decode("utf-8") == sample_text()
