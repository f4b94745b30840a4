"""Odd input: limits in bytes where text becomes a key, characters that disguise text,
money and currency edge cases, the stock cap. Each is a 422 (or 409) naming the field, and
nothing is written; none is a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product, product_body
from tests.support.history import ledger_of
from tests.support.http import assert_problem, count_items, stored_item
from tests.support.invariants import check_invariants
from tests.support.stock import stock_of

ARABIC_LIGATURE = "\ufdfa"  # one character, 18 once NFKC-normalised (33 bytes)


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make(Role.ADMIN)


def field_of(body: dict[str, Any]) -> set[str]:
    return {error["field"] for error in body["errors"]}


def test_a_search_that_normalises_past_the_key_limit(client: TestClient) -> None:
    body = assert_problem(client.get("/products", params={"q": ARABIC_LIGATURE * 32}), 422)
    assert field_of(body) == {"q"}
    assert "bytes" in body["errors"][0]["message"]
    assert client.get("/products", params={"q": ARABIC_LIGATURE * 5}).status_code == 200
    body = assert_problem(client.get("/products", params={"category": ARABIC_LIGATURE * 10}), 422)
    assert field_of(body) == {"category"}


def test_a_huge_username_is_refused_before_anything_is_counted(
    client: TestClient, table: Table
) -> None:
    response = client.post("/auth/login", data={"username": "a" * 2100, "password": "whatever-pw"})
    body = assert_problem(response, 422)
    assert field_of(body) == {"username"}
    assert count_items(table, "S#default#LOGIN#") == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ARABIC_LIGATURE * 40}, "name"),
        ({"category": ARABIC_LIGATURE * 10}, "category"),
        ({"tags": ["ok", ARABIC_LIGATURE * 10]}, "tags.1"),
        ({"name": "Evil\u202egnp.exe"}, "name"),
        ({"name": "Line\nbreak"}, "name"),
        ({"name": "nul\x00"}, "name"),
        ({"category": "Tab\there"}, "category"),
        ({"description": "right-to-left \u2067override\u2069"}, "description"),
        ({"currency": "ABC"}, "currency"),
        ({"currency": "XXX"}, "currency"),
        ({"price": "-1"}, "price"),
        ({"sku": "sku with spaces"}, "sku"),
        # as sent, against the documented pattern and maxLength: not stripped into shape
        ({"sku": " TEA-1"}, "sku"),
        ({"currency": " EUR"}, "currency"),
        ({"name": "\u000bWidget"}, "name"),
        ({"name": " " + "n" * 200}, "name"),
        ({"stock": 1_000_000_001}, "stock"),
    ],
)
def test_product_fields(
    client: TestClient, table: Table, admin: Account, changes: dict[str, Any], field: str
) -> None:
    before = count_items(table, "S#default#PRODUCT#")
    response = client.post("/products", headers=admin.headers, json=product_body(**changes))
    assert field in field_of(assert_problem(response, 422))
    assert count_items(table, "S#default#PRODUCT#") == before


@pytest.mark.parametrize(("field", "text"), [("name", "Widget Pro"), ("description", "A fine")])
def test_an_unpaired_surrogate_is_refused_not_a_500(
    client: TestClient, table: Table, admin: Account, field: str, text: str
) -> None:
    """JSON may escape half a UTF-16 pair; no UTF-8 text holds one (DynamoDB's would fail)."""
    raw = json.dumps(product_body()).replace(f'"{text}', f'"{text} \\ud800')
    assert "\\ud800" in raw
    response = client.post(
        "/products", headers={**admin.headers, "Content-Type": "application/json"}, content=raw
    )
    assert field in field_of(assert_problem(response, 422))
    assert count_items(table, "S#default#PRODUCT#") == 0


def test_what_is_fine_stays_fine(client: TestClient, table: Table, admin: Account) -> None:
    product = create_product(
        client,
        admin,
        name="Crème brûlée torch ﷺ",
        description="Two lines,\nwith a tab\there.",
        price="-0",
        currency="jpy",
        tags=["ø", "日本"],
    )
    assert (product["price"], product["currency"]) == ("0.00", "JPY")
    stored = stored_item(table, table.keys.product(product["id"]))
    assert stored["price"] == 0
    assert not stored["price"].is_signed()  # a -0 would read back as "-0.00"
    assert client.get(f"/products/{product['id']}").json()["price"] == "0.00"
    assert stored["description"] == "Two lines,\nwith a tab\there."


@pytest.mark.parametrize(
    "name",
    ["Nul\x00", "Two\nlines", "Right\u202eto left", "Isolate\u2066", ARABIC_LIGATURE + "\x1b"],
)
def test_display_names(client: TestClient, table: Table, name: str) -> None:
    body = {"email": "someone@example.com", "password": "long-enough-pw", "name": name}
    assert field_of(assert_problem(client.post("/auth/signup", json=body), 422)) == {"name"}
    assert count_items(table, "S#default#USER#") == 0


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ada\u202e@example.com", "bidirectional control"),
        ("ada\x07@example.com", "control characters"),
        ("ada\n@example.com", "control characters"),
    ],
)
def test_an_email_with_characters_that_disguise_it(
    client: TestClient, table: Table, email: str, message: str
) -> None:
    """An address is checked as any line people type before it is parsed as an address."""
    body = {"email": email, "password": "long-enough-pw", "name": "Ada"}
    problem = assert_problem(client.post("/auth/signup", json=body), 422)
    assert field_of(problem) == {"email"}
    assert message in problem["errors"][0]["message"]
    assert count_items(table, "S#default#USER#") == 0
    assert count_items(table, "S#default#EMAIL#") == 0


def test_an_email_too_long_in_bytes(client: TestClient) -> None:
    local = "é" * 64  # 64 characters (the most a local part has), 128 bytes
    email = f"{local}@{'d' * 63}.{'e' * 63}.example"  # 200 characters, 264 bytes
    body = {"email": email, "password": "long-enough-pw", "name": "Long"}
    assert field_of(assert_problem(client.post("/auth/signup", json=body), 422)) == {"email"}


@pytest.mark.parametrize(
    "path",
    [
        "/products/" + "x" * 129,
        "/products/caf%C3%A9",
        "/inventory/" + ARABIC_LIGATURE,
        "/orders/" + "%F0%9F%98%80",
        "/admin/users/" + "a b",
    ],
)
def test_ids_are_what_the_service_issues(client: TestClient, admin: Account, path: str) -> None:
    body = assert_problem(client.get(path, headers=admin.headers), 422)
    assert body["errors"][0]["location"] == "path"


def test_order_lines_name_real_ids(client: TestClient, accounts: Accounts) -> None:
    buyer = accounts.make()
    body = {"items": [{"product_id": ARABIC_LIGATURE * 200, "quantity": 1}]}
    response = client.post("/orders", headers=buyer.headers, json=body)
    assert "items.0.product_id" in field_of(assert_problem(response, 422))


def test_user_and_email_filters(client: TestClient, admin: Account) -> None:
    response = client.get(
        "/admin/orders", headers=admin.headers, params={"user_id": ARABIC_LIGATURE * 100}
    )
    assert field_of(assert_problem(response, 422)) == {"user_id"}
    response = client.get("/admin/users", headers=admin.headers, params={"email": "é" * 200})
    assert field_of(assert_problem(response, 422)) == {"email"}


def test_adjustments_stop_at_the_stock_cap(
    client: TestClient, table: Table, accounts: Accounts, admin: Account
) -> None:
    product = create_product(client, admin, stock=999_999_999)
    url = f"/inventory/{product['id']}/adjustments"
    response = client.post(url, headers=admin.headers, json={"delta": 2, "reason": "delivery"})
    body = assert_problem(response, 409, "stock_limit")
    assert body["available"] == 999_999_999
    assert stock_of(table, product["id"]) == 999_999_999
    assert len(ledger_of(table, product["id"])) == 1
    ok = client.post(url, headers=admin.headers, json={"delta": 1, "reason": "delivery"})
    assert ok.json()["stock"] == 1_000_000_000
    for _ in range(4):  # the reproduction: reaching 4,000,000,000 in steps
        response = client.post(
            url, headers=admin.headers, json={"delta": 1_000_000_000, "reason": "more"}
        )
        assert_problem(response, 409, "stock_limit")
    assert stock_of(table, product["id"]) == 1_000_000_000


def test_the_cap_holds_for_cancellations_and_lowering_is_always_possible(
    client: TestClient, table: Table, accounts: Accounts, admin: Account
) -> None:
    """The reproduction: at the cap, buy 1,000, put the level back to the cap, cancel -- it
    reached 1,000,001,000, after which a -5 adjustment answered 409 and putting back the
    shown level 422. The cancellation is refused now (its order stays placed, nothing
    written), and taking stock away always works."""
    cap = 1_000_000_000
    product = create_product(client, admin, stock=cap)
    buyer = accounts.make()
    order = client.post(
        "/orders",
        headers=buyer.headers,
        json={"items": [{"product_id": product["id"], "quantity": 1000}]},
    ).json()
    level = f"/inventory/{product['id']}"
    assert (
        client.put(level, headers=admin.headers, json={"stock": cap, "reason": "count"}).status_code
        == 200
    )
    entries = len(ledger_of(table, product["id"]))
    refused = client.post(f"/orders/{order['id']}/cancel", headers=buyer.headers)
    body = assert_problem(refused, 409, "stock_limit")
    assert body["available"] == cap
    assert stock_of(table, product["id"]) == cap
    assert len(ledger_of(table, product["id"])) == entries
    assert client.get(f"/orders/{order['id']}", headers=buyer.headers).json()["status"] == "placed"
    # lowering, then the cancellation fits
    lowered = client.post(
        f"{level}/adjustments", headers=admin.headers, json={"delta": -5000, "reason": "breakage"}
    )
    assert lowered.status_code == 200
    shown = client.get(level, headers=admin.headers).json()["stock"]
    assert (
        client.put(
            level, headers=admin.headers, json={"stock": shown, "reason": "count"}
        ).status_code
        == 200
    )
    assert client.post(f"/orders/{order['id']}/cancel", headers=buyer.headers).status_code == 200
    assert stock_of(table, product["id"]) == cap - 4000
    check_invariants(table)


def test_lowering_works_even_above_the_cap(
    client: TestClient, table: Table, admin: Account
) -> None:
    """Stock stored above the cap before it held for cancellations can still be lowered."""
    from app.stock import changes
    from app.stock.reading import read_products

    product = create_product(client, admin, stock=1_000_000_000)
    read = read_products(table, [product["id"]])
    changes.apply(
        table,
        snapshot=dict(read.stock),
        make_plan=lambda _: changes.Plan(
            changes=[changes.Change(product["id"], "adjustment", 1000, "legacy")]
        ),
        actor_id="test",
    )
    assert stock_of(table, product["id"]) == 1_000_001_000
    url = f"/inventory/{product['id']}/adjustments"
    answer = client.post(url, headers=admin.headers, json={"delta": -5, "reason": "breakage"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["stock"] == 1_000_000_995


@pytest.mark.parametrize("reason", ["line\nbreak", "\u202eesrever", "bell\x07"])
def test_reasons_are_plain_text(client: TestClient, admin: Account, reason: str) -> None:
    product = create_product(client, admin)
    response = client.post(
        f"/inventory/{product['id']}/adjustments",
        headers=admin.headers,
        json={"delta": 1, "reason": reason},
    )
    assert field_of(assert_problem(response, 422)) == {"reason"}
