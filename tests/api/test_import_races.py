"""Imports meeting the rest of the world: a field change without a count, a product that
moves while its chunk runs, and the same chunk run twice at once (a queue delivers at least
once). Each product is still written all or nothing, once, with a ledger that sums to its
stock."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.transfer import upsert
from tests.api.test_imports import csv_bytes, movements, product, run_import
from tests.support.accounts import Accounts
from tests.support.catalog import create_product

pytestmark = pytest.mark.dynamodb


def _totals(report: dict[str, Any]) -> tuple[int, int, int, int]:
    return report["created"], report["updated"], report["unchanged"], report["failed"]


def row_of(product: dict[str, Any], **cells: str) -> dict[str, str]:
    """The product's row of a file (found by its SKU), with `cells` changed."""
    row = {"handle": product["id"], "category": product["category"], "sku": product["sku"]}
    return row | {"name": product["name"], "price": product["price"]} | cells


def _ledger_sums_to_stock(client: TestClient, admin: Any, product_id: str) -> None:
    moves = movements(client, admin, product_id)
    assert sum(m["delta"] for m in moves) == product(client, product_id)["stock"], moves


def test_a_change_without_a_count_writes_the_product_and_no_ledger_entry(
    client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    lamp = create_product(client, admin, name="Lamp", sku="LAMP-1", price="30.00", stock=5)
    desk = create_product(client, admin, name="Desk", sku="DESK-1", price="90.00", stock=2)
    rows = [  # the lamp renamed and repriced, stock left blank; the desk's stock as it is
        row_of(lamp, name="Desk lamp", price="35.00", stock=""),
        row_of(desk, price="95.00", stock="2"),
    ]
    report = run_import(client, admin, csv_bytes(rows))

    assert _totals(report) == (0, 2, 0, 0)
    after = product(client, lamp["id"])
    assert (after["name"], after["price"], after["stock"], after["version"]) == (
        "Desk lamp",
        "35.00",
        5,
        lamp["version"] + 1,
    )
    assert product(client, desk["id"])["price"] == "95.00"
    for item in (lamp, desk):
        assert [m["kind"] for m in movements(client, admin, item["id"])] == ["initial"]
    # the new name is searchable: the search entries moved in the product's transaction
    found = client.get("/products", params={"q": "desk lamp"}).json()["items"]
    assert [p["id"] for p in found] == [lamp["id"]]


def test_a_product_that_moves_while_its_chunk_runs_is_read_again_and_keeps_what_moved(
    client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    lamp = create_product(client, admin, name="Lamp", sku="LAMP-1", price="30.00", stock=5)
    desk = create_product(client, admin, name="Desk", sku="DESK-1", price="90.00", stock=2)
    real_read_ahead = upsert.read_ahead

    def then_the_world_moves(*args: Any) -> Any:
        ahead = real_read_ahead(*args)  # what the chunk will write from, now stale:
        edited = client.patch(
            f"/products/{lamp['id']}",
            headers=admin.headers,
            json={"description": "Brass"},
        )
        assert edited.status_code == 200, edited.text
        buy = {"items": [{"product_id": desk["id"], "quantity": 2}]}
        bought = client.post("/orders", headers=shopper.headers, json=buy)
        assert bought.status_code == 201, bought.text
        return ahead

    monkeypatch.setattr(upsert, "read_ahead", then_the_world_moves)
    rows = [row_of(lamp, price="35.00", stock=""), row_of(desk, stock="7")]
    report = run_import(client, admin, csv_bytes(rows))

    assert _totals(report) == (0, 2, 0, 0)
    after = product(client, lamp["id"])
    assert (after["description"], after["price"], after["version"]) == (
        "Brass",
        "35.00",
        lamp["version"] + 2,
    )
    # the count is to 7 from the 0 the purchase left, not from the 2 the chunk had read
    assert product(client, desk["id"])["stock"] == 7
    assert [(m["kind"], m["delta"]) for m in movements(client, admin, desk["id"])] == [
        ("set", 7),
        ("purchase", -2),
        ("initial", 2),
    ]
    _ledger_sums_to_stock(client, admin, desk["id"])


def test_the_same_chunk_run_twice_at_once_writes_each_product_once(
    client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = accounts.make(Role.ADMIN)
    lamp = create_product(client, admin, name="Lamp", sku="LAMP-1", price="30.00", stock=5)
    desk = create_product(client, admin, name="Desk", sku="DESK-1", price="90.00", stock=2)
    real_upsert = upsert.upsert
    twin_outcomes: list[str] = []

    def with_a_twin(*args: Any, **kwargs: Any) -> Any:
        # another delivery of the same chunk writes this product first, from its own read
        twin_outcomes.append(real_upsert(*args, **{**kwargs, "ahead": None}))
        return real_upsert(*args, **kwargs)  # then this one, from the read made before

    monkeypatch.setattr(upsert, "upsert", with_a_twin)
    mug = {"handle": "mug", "name": "Mug", "category": "Kitchen", "sku": "MUG-1", "price": "12.50"}
    rows = [mug | {"stock": "3"}, row_of(lamp, price="35.00", stock=""), row_of(desk, stock="9")]
    report = run_import(client, admin, csv_bytes(rows))

    assert twin_outcomes == ["created", "updated", "updated"]
    assert _totals(report) == (1, 2, 0, 0)  # what the twin did, counted once
    mugs = client.get("/products", params={"q": "MUG-1"}).json()["items"]
    assert len(mugs) == 1
    assert [(m["kind"], m["delta"]) for m in movements(client, admin, mugs[0]["id"])] == [
        ("initial", 3)
    ]
    assert product(client, lamp["id"])["version"] == lamp["version"] + 1
    assert [m["kind"] for m in movements(client, admin, lamp["id"])] == ["initial"]
    # a count alone changes the stock, not the product's definition (its version)
    assert (product(client, desk["id"])["stock"], product(client, desk["id"])["version"]) == (
        9,
        desk["version"],
    )
    assert [(m["kind"], m["delta"]) for m in movements(client, admin, desk["id"])] == [
        ("set", 7),
        ("initial", 2),
    ]
    _ledger_sums_to_stock(client, admin, desk["id"])
