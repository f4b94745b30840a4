"""Two stores with look-alike data (the same e-mails, SKUs and category names) never see or
change each other: every route of the OpenAPI document is called with store A's tokens,
ids and cursors against store B -- and with B's own tokens and A's ids and cursors -- and
answers 401/404/422 (or, for public reads, only B's data), while a full dump of B's items
is the same before and after. Then the same the other way round."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from tests.support.accounts import Account, Accounts
from tests.support.http import scan

PASSWORDS = {"alpha": "alpha-passphrase-1", "beta": "beta-passphrase-22"}
# inputs that are public by design and carry nothing of another store: an e-mail address
# (the same one may have an account in each store), and the operators' own routes
SKIPPED = {("post", "/auth/password-reset")}
PLATFORM = "/platform"
# writes that carry nothing of another store when the store's own users make them (ending
# one's own session, creating a product): no crossing to test, and they would change it
OWN_WRITES = {
    ("post", "/auth/logout"),
    ("post", "/products"),
    ("post", "/admin/exports"),
    ("post", "/admin/imports"),
}


@dataclass
class World:
    """What a store's users hold: tokens, ids and cursors."""

    store: str
    admin: Account
    manager: Account
    shopper: Account
    product_id: str = ""
    order_id: str = ""
    cancelled_order_id: str = ""
    export_id: str = ""
    import_id: str = ""
    shirt_id: str = ""  # a product with options
    variant_id: str = ""  # one of its variants
    cursors: dict[str, str] = field(default_factory=dict)

    @property
    def accounts(self) -> list[Account]:
        return [self.admin, self.manager, self.shopper]


def populate(client: TestClient, table: Table, store: str) -> World:
    accounts = Accounts(client, table, store=store)
    password = PASSWORDS[store]

    def make(role: Role, email: str) -> Account:
        return accounts.log_in(_with_role(accounts, accounts.sign_up(email, password), role))

    world = World(
        store=store,
        admin=make(Role.ADMIN, "admin@shop.example"),
        manager=make(Role.STOCK_MANAGER, "stock@shop.example"),
        shopper=make(Role.USER, "shopper@shop.example"),
    )
    product_ids = []
    for sku, name in (("LAMP-1", "Desk Lamp"), ("MUG-1", "Blue Mug"), ("KETTLE-1", "Kettle")):
        body = {"name": name, "price": "10.00", "category": "Kitchen", "sku": sku, "stock": 8}
        response = client.post("/products", headers=world.admin.headers, json=body)
        assert response.status_code == 201, response.text
        product_ids.append(response.json()["id"])
    world.product_id = product_ids[0]
    client.post(
        f"/inventory/{world.product_id}/adjustments",
        headers=world.manager.headers,
        json={"delta": -1, "reason": "breakage"},
    )
    order_body = {"items": [{"product_id": world.product_id, "quantity": 1}]}
    for _ in range(3):
        placed = client.post("/orders", headers=world.shopper.headers, json=order_body)
        assert placed.status_code == 201, placed.text
    world.order_id = placed.json()["id"]
    world.cancelled_order_id = client.get("/orders", headers=world.shopper.headers).json()["items"][
        -1
    ]["id"]
    client.post(f"/orders/{world.cancelled_order_id}/cancel", headers=world.shopper.headers)
    shirt = {
        "name": "Shirt",
        "category": "Clothes",
        "options": [{"name": "Size", "values": ["S", "M"]}],
        "variants": [
            {"sku": f"SHIRT-{size}", "options": {"Size": size}, "price": "9.00", "stock": 5}
            for size in ("S", "M")
        ],
    }
    made = client.post("/products", headers=world.admin.headers, json=shirt).json()
    world.shirt_id, world.variant_id = made["id"], made["variants"][0]["id"]
    world.export_id = client.post("/admin/exports", headers=world.admin.headers).json()["id"]
    world.import_id = client.post("/admin/imports", headers=world.admin.headers, json={}).json()[
        "id"
    ]
    # a second page of every listing, so every kind of cursor is in hand
    listings = {
        "/products": world.shopper,
        "/admin/users": world.admin,
        "/admin/orders": world.admin,
        "/orders": world.shopper,
        "/inventory/low-stock": world.manager,
        f"/inventory/{world.product_id}/movements": world.manager,
    }
    for path, account in listings.items():
        params = {"limit": 1} | ({"threshold": 100} if "low-stock" in path else {})
        body = client.get(path, headers=account.headers, params=params).json()
        assert body["next_cursor"], path
        world.cursors[re.sub(r"/inventory/[^/]+/", "/inventory/{product_id}/", path)] = body[
            "next_cursor"
        ]
    return world


def _with_role(accounts: Accounts, account: Account, role: Role) -> Account:
    from app.auth import repository
    from app.core.timeutil import now_iso

    if role != Role.USER:
        user = repository.get(accounts.table, user_id=account.id)
        assert user is not None
        repository.change_role(accounts.table, user=user, role=role, now=now_iso())
        account.role = role
    return account


def dump(table: Table, store: str) -> list[str]:
    """Every item of the store, as text (log-in attempt counters aside: a failed log-in is
    counted in the store it was tried in, by design)."""
    prefix = f"S#{store}#"
    return sorted(
        json.dumps(item, sort_keys=True, default=str)
        for item in scan(table)
        if item["PK"].startswith(prefix) and not item["PK"].startswith(prefix + "LOGIN#")
    )


def body_for(method: str, path: str, foreign: World) -> tuple[dict[str, Any] | None, Any]:
    """A valid body for the route (json, form), made of the other store's data."""
    shopper = foreign.shopper
    bodies: dict[tuple[str, str], Any] = {
        ("post", "/auth/signup"): {"email": shopper.email, "password": "x" * 12, "name": "X"},
        ("post", "/auth/refresh"): {"refresh_token": shopper.refresh_token},
        ("post", "/auth/password"): {
            "current_password": PASSWORDS[foreign.store],
            "new_password": "a-brand-new-one-1",
        },
        ("post", "/auth/password-reset/confirm"): {"token": "t" * 43, "password": "x" * 12},
        ("patch", "/admin/users/{user_id}/role"): {"role": "admin"},
        ("post", "/products"): {"name": "Desk Lamp", "price": "1.00", "category": "Kitchen"},
        ("patch", "/products/{product_id}"): {"name": "Renamed"},
        ("post", "/products/{product_id}/image-upload"): {
            "content_type": "image/png",
            "content_length": 100,
        },
        ("put", "/products/{product_id}/image"): {
            "upload_key": f"uploads/{foreign.store}/{foreign.product_id}/x.png"
        },
        ("put", "/inventory/{product_id}"): {"stock": 1, "reason": "count"},
        ("post", "/inventory/{product_id}/adjustments"): {"delta": 5, "reason": "x"},
        ("put", "/inventory/{product_id}/buckets"): {"buckets": 4},
        ("post", "/products/{product_id}/variants"): {"options": {"Size": "L"}, "price": "1.00"},
        ("patch", "/products/{product_id}/variants/{variant_id}"): {"price": "2.00"},
        ("put", "/inventory/{product_id}/variants/{variant_id}"): {"stock": 1, "reason": "count"},
        ("post", "/inventory/{product_id}/variants/{variant_id}/adjustments"): {
            "delta": 5,
            "reason": "x",
        },
        ("put", "/inventory/{product_id}/variants/{variant_id}/buckets"): {"buckets": 4},
        ("post", "/orders"): {"items": [{"product_id": foreign.product_id, "quantity": 1}]},
    }
    if (method, path) == ("post", "/auth/login"):
        return None, {"username": shopper.email, "password": PASSWORDS[foreign.store]}
    return bodies.get((method, path)), None


def url_for(path: str, foreign: World) -> str:
    if "{variant_id}" in path:  # a variant's routes: its product is the one with options
        path = path.replace("{product_id}", foreign.shirt_id)
    return (
        path.replace("{product_id}", foreign.product_id)
        .replace("{variant_id}", foreign.variant_id)
        .replace("{order_id}", foreign.order_id)
        .replace("{user_id}", foreign.shopper.id)
        .replace("{export_id}", foreign.export_id)
        .replace("{import_id}", foreign.import_id)
    )


def routes(client: TestClient) -> list[tuple[str, str]]:
    document = client.get("/openapi.json").json()
    return [
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if not path.startswith(PLATFORM) and (method, path) not in SKIPPED
    ]


def leaked(response: Any, foreign: World) -> bool:
    """Whether an answer carries anything of the other store (a refusal may name the id
    it was asked for: that is the caller's own input)."""
    if response.status_code >= 400:
        return False
    text = response.text
    ids = [
        foreign.product_id,
        foreign.order_id,
        foreign.shopper.id,
        foreign.admin.id,
        foreign.export_id,
        foreign.import_id,
        foreign.shirt_id,
        foreign.variant_id,
    ]
    return any(identifier in text for identifier in ids)


def sweep(client: TestClient, home: World, foreign: World) -> list[str]:
    """Every route against `home`'s store with `foreign`'s tokens, ids and cursors; and
    with `home`'s own tokens and `foreign`'s ids and cursors. Returns what went wrong."""
    problems = []
    in_home = {"X-Store": home.store}
    for method, path in routes(client):
        json_body, form = body_for(method, path, foreign)
        url = url_for(path, foreign)
        cursor = foreign.cursors.get(path)
        params = {"cursor": cursor} if cursor else {}
        if path == "/inventory/low-stock":
            params["threshold"] = "100"
        callers: list[tuple[str, dict[str, str]]] = [("anonymous", {})]
        callers += [(f"foreign {a.role}", a.headers) for a in foreign.accounts]
        callers += [(f"home {a.role}", a.headers) for a in home.accounts]
        for who, own_headers in callers:
            if who.startswith("home") and (method, path) in OWN_WRITES:
                continue  # nothing of the other store in them: the store's own business
            headers = own_headers
            if who.startswith("foreign"):
                headers = {"Authorization": own_headers["Authorization"]}
            response = client.request(
                method, url, headers=headers | in_home, params=params, json=json_body, data=form
            )
            where = f"{method.upper()} {url} as {who}"
            if leaked(response, foreign):
                problems.append(f"{where}: answered with the other store's data")
            status = response.status_code
            if who.startswith("foreign") and status != 401 and _needs_auth(client, method, path):
                problems.append(f"{where}: {status}, not 401, for a token of another store")
            if status < 400 and method != "get" and path not in ("/auth/signup",):
                problems.append(f"{where}: {status} -- a write accepted")
            if cursor and who != "anonymous" and status == 200 and not who.startswith("foreign"):
                problems.append(f"{where}: a cursor of another store accepted")
            if cursor and who == "anonymous" and status == 200:
                problems.append(f"{where}: a cursor of another store accepted")
    return problems


def _needs_auth(client: TestClient, method: str, path: str) -> bool:
    operation = client.get("/openapi.json").json()["paths"][path][method]
    return bool(operation.get("security"))


@pytest.fixture
def stores(client: TestClient, table: Table, accounts: Accounts) -> tuple[World, World]:
    operator = accounts.make(Role.PLATFORM_ADMIN)
    for slug in ("alpha", "beta"):
        created = client.post(
            "/platform/stores", headers=operator.headers, json={"slug": slug, "name": slug}
        )
        assert created.status_code == 201
    return populate(client, table, "alpha"), populate(client, table, "beta")


def test_look_alike_stores_are_really_two(stores: tuple[World, World]) -> None:
    alpha, beta = stores
    assert alpha.shopper.email == beta.shopper.email
    assert alpha.shopper.id != beta.shopper.id
    assert alpha.product_id != beta.product_id


@pytest.mark.parametrize("direction", ["alpha against beta", "beta against alpha"])
def test_no_route_crosses_stores(
    client: TestClient, table: Table, stores: tuple[World, World], direction: str
) -> None:
    alpha, beta = stores
    foreign, home = (alpha, beta) if direction.startswith("alpha") else (beta, alpha)
    before = dump(table, home.store)
    problems = sweep(client, home, foreign)
    assert problems == []
    assert dump(table, home.store) == before
    # and the sweep really reached every route
    assert len(routes(client)) >= 25
