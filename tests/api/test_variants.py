"""Variants: a product with options sells each combination as its own SKU, with its own
price and stock -- its own buckets, ledger and races -- and listings show the range."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.products import repository
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.http import assert_problem, scan, stored_item
from tests.support.invariants import check_invariants

pytestmark = pytest.mark.dynamodb

SIZES, COLOURS = ["S", "M", "L"], ["Blue", "Red"]


def tshirt_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "T-shirt",
        "category": "Clothes",
        "options": [{"name": "Size", "values": SIZES}, {"name": "Colour", "values": COLOURS}],
        "variants": [
            {
                "sku": f"TS-{size}-{colour}",
                "options": {"Size": size, "Colour": colour},
                "price": "20.00" if size != "L" else "22.50",
                "stock": 10 if (size, colour) != ("M", "Blue") else 30,
            }
            for size in SIZES
            for colour in COLOURS
        ],
    }
    body.update(changes)
    return body


def make_tshirt(client: TestClient, admin: Account, **changes: Any) -> dict[str, Any]:
    made = client.post("/products", headers=admin.headers, json=tshirt_body(**changes))
    assert made.status_code == 201, made.text
    return made.json()


def many_variants(sizes: list[str]) -> dict[str, Any]:
    """What makes `make_tshirt` a product of a variant a size in six colours (SKU BIG-S-Red,
    9.00, one in stock each)."""
    colours = ["Blue", "Red", "Green", "Black", "White", "Grey"]
    return {
        "options": [{"name": "Size", "values": sizes}, {"name": "Colour", "values": colours}],
        "variants": [
            {
                "sku": f"BIG-{s}-{c}",
                "options": {"Size": s, "Colour": c},
                "price": "9.00",
                "stock": 1,
            }
            for s in sizes
            for c in colours
        ],
    }


def variant(product: dict[str, Any], **options: str) -> dict[str, Any]:
    return next(v for v in product["variants"] if v["options"] == options)


def test_a_product_with_options_has_a_variant_per_combination(
    client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    made = make_tshirt(client, admin)
    assert (made["sku"], made["price"], made["price_min"], made["price_max"]) == (
        None,
        "20.00",
        "20.00",
        "22.50",
    )
    assert (made["stock"], made["in_stock"]) == (80, True)
    assert made["options"] == [
        {"name": "Size", "values": SIZES},
        {"name": "Colour", "values": COLOURS},
    ]
    assert len(made["variants"]) == 6
    blue_m = variant(made, Size="M", Colour="Blue")
    assert (blue_m["sku"], blue_m["price"], blue_m["stock"], blue_m["in_stock"]) == (
        "TS-M-Blue",
        "20.00",
        30,
        True,
    )
    page = client.get(f"/products/{made['id']}").json()
    assert page == made | {"image_url": None}
    listed = client.get("/products", params={"q": "t-shirt"}).json()["items"]
    assert [(p["id"], p["price_min"], p["price_max"], p["in_stock"]) for p in listed] == [
        (made["id"], "20.00", "22.50", True)
    ]
    # a variant is no product of its own
    assert client.get(f"/products/{blue_m['id']}").status_code == 404
    # its SKU is taken in the store
    taken = client.post(
        "/products",
        headers=admin.headers,
        json={"name": "X", "category": "C", "price": "1.00", "sku": "ts-m-blue"},
    )
    assert_problem(taken, 409, "sku_taken")


def test_a_product_without_options_is_its_own_one_variant(
    client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    body = {"name": "Mug", "category": "Kitchen", "price": "8.00", "sku": "MUG-9", "stock": 4}
    made = client.post("/products", headers=admin.headers, json=body).json()
    assert made["options"] == []
    assert made["variants"] == [
        {
            "id": made["id"],
            "sku": "MUG-9",
            "options": {},
            "price": "8.00",
            "stock": 4,
            "in_stock": True,
        }
    ]


def small(colour: str, sku: str | None = None) -> dict[str, Any]:
    """A small T-shirt variant of this colour (with this SKU)."""
    return {"sku": sku, "options": {"Size": "S", "Colour": colour}, "price": "1"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"options": []}, "options and variants go together"),
        ({"price": "3.00"}, "with variants, price belong to each variant"),
        (
            {"variants": [{"options": {"Size": "XL", "Colour": "Blue"}, "price": "1"}]},
            "'XL' is not",
        ),
        ({"variants": [{"options": {"Size": "S"}, "price": "1"}]}, "each variant names a value"),
        (
            {"options": [{"name": "Size", "values": ["S", "s"]}]},
            "option 'Size' names a value twice",
        ),
        (
            {"options": [{"name": "Size", "values": ["S"]}, {"name": "size", "values": ["M"]}]},
            "two options have the same name",
        ),
        ({"variants": [small("Blue"), small("Blue")]}, "two variants are S / Blue"),
        ({"variants": [small("Blue", "TS-1"), small("Red", "ts-1")]}, "the same SKU"),
    ],
)
def test_inconsistent_variants_are_refused_and_nothing_is_written(
    client: TestClient, accounts: Accounts, changes: dict[str, Any], message: str
) -> None:
    admin = accounts.make(Role.ADMIN)
    refused = client.post("/products", headers=admin.headers, json=tshirt_body(**changes))
    assert refused.status_code == 422, refused.text
    assert message in refused.text
    assert client.get("/products").json()["items"] == []


def test_removing_a_product_removes_its_variants_and_frees_their_skus(
    client: TestClient, accounts: Accounts, table: Any
) -> None:
    """All in one transaction: no moment (or crash) leaves the product without some of its
    variants."""
    from tests.api.test_round_trips import counting

    admin = accounts.make(Role.ADMIN)
    made = make_tshirt(client, admin)
    with counting(table) as calls:
        assert client.delete(f"/products/{made['id']}", headers=admin.headers).status_code == 204
    assert calls.count("TransactWriteItems") == 1
    assert [table.get(table.keys.product(v["id"])) for v in made["variants"]] == [None] * 6
    again = make_tshirt(client, admin)  # every SKU is free again
    assert again["stock"] == 80


def test_a_product_with_more_variants_than_one_transaction_holds_is_removed_too(
    client: TestClient, accounts: Accounts, table: Any
) -> None:
    """30 variants take 4 actions each: more than a transaction's 100. They go one by one,
    the product last."""
    from tests.api.test_round_trips import counting

    admin = accounts.make(Role.ADMIN)
    big = many_variants(["XS", "S", "M", "L", "XL"])
    made = make_tshirt(client, admin, **big)
    assert len(made["variants"]) == 30
    with counting(table) as calls:
        assert client.delete(f"/products/{made['id']}", headers=admin.headers).status_code == 204
    assert calls.count("TransactWriteItems") == 31
    assert table.get(table.keys.product(made["id"])) is None
    assert all(table.get(table.keys.product(v["id"])) is None for v in made["variants"])
    make_tshirt(client, admin, **big)  # every SKU is free again


def test_a_product_too_big_for_one_transaction_with_a_taken_sku_writes_nothing(
    client: TestClient, accounts: Accounts, table: Any
) -> None:
    """30 variants take two transactions: their SKUs are checked before the first, so a
    SKU another product holds is a 409 with nothing written."""
    admin = accounts.make(Role.ADMIN)
    holder = create_product(client, admin, name="Holder", sku="BIG-XL-Grey")
    before = scan(table)
    big = many_variants(["XS", "S", "M", "L", "XL"])
    refused = client.post("/products", headers=admin.headers, json=tshirt_body(**big))
    assert_problem(refused, 409, "sku_taken")
    assert "BIG-XL-Grey" in refused.json()["detail"]
    assert scan(table) == before
    assert client.get(f"/products/{holder['id']}").json()["sku"] == "BIG-XL-Grey"
    big["variants"][-1]["sku"] = "BIG-XL-Grey-2"
    assert len(make_tshirt(client, admin, **big)["variants"]) == 30  # every SKU free again


def test_a_product_too_big_for_one_transaction_refused_half_way_is_removed_again(
    client: TestClient, accounts: Accounts, table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SKU taken between the check and the second transaction: the first is removed
    again. A 409; of the product, only the history of its removal stays (ledger entries,
    short-lived removal records)."""
    admin = accounts.make(Role.ADMIN)
    create_product(client, admin, name="Holder", sku="BIG-XL-Grey")
    monkeypatch.setattr(repository, "check_skus_free", lambda *_: None)  # taken just after
    before = scan(table)
    big = many_variants(["XS", "S", "M", "L", "XL"])
    refused = client.post("/products", headers=admin.headers, json=tshirt_body(**big))
    assert_problem(refused, 409, "sku_taken")
    assert "BIG-XL-Grey" in refused.json()["detail"]  # as written, not as its key holds it
    left = [item for item in scan(table) if item not in before]
    assert {item["SK"].split("#")[0] for item in left} == {"LEDGER", "REMOVED", "clothes"}
    assert [int(c["product_count"]) for c in left if c["SK"] == "clothes"] == [0]
    check_invariants(table)  # no record, SKU claim, bucket or search entry without its product


def test_a_rename_survives_a_removal_that_stopped_half_way(
    client: TestClient, accounts: Accounts, table: Any
) -> None:
    """A variant's record gone while the product still lists it (a removal one by one that
    crashed): the rename lands, its variants one by one, and the gone record stays gone."""
    admin = accounts.make(Role.ADMIN)
    made = make_tshirt(client, admin)
    gone, kept = variant(made, Size="S", Colour="Red"), variant(made, Size="M", Colour="Blue")
    table.batch_delete([table.keys.product(gone["id"])])
    renamed = client.patch(
        f"/products/{made['id']}", headers=admin.headers, json={"name": "Organic tee"}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Organic tee"
    assert table.get(table.keys.product(gone["id"])) is None
    assert stored_item(table, table.keys.product(kept["id"]))["name"] == "Organic tee (M / Blue)"


def test_a_purchase_names_its_variant_and_only_its_stock_falls(
    client: TestClient, accounts: Accounts
) -> None:
    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    made = make_tshirt(client, admin)
    blue_m = variant(made, Size="M", Colour="Blue")
    unnamed = client.post(
        "/orders",
        headers=shopper.headers,
        json={"items": [{"product_id": made["id"], "quantity": 1}]},
    )
    assert_problem(unnamed, 422, "variant_required")
    other = make_tshirt(
        client,
        admin,
        name="Polo",
        variants=[
            {"sku": "POLO-S-B", "options": {"Size": "S", "Colour": "Blue"}, "price": "30.00"}
        ],
    )
    wrong = {
        "items": [
            {"product_id": made["id"], "variant_id": other["variants"][0]["id"], "quantity": 1}
        ]
    }
    assert_problem(
        client.post("/orders", headers=shopper.headers, json=wrong), 422, "unknown_variant"
    )

    body = {"items": [{"product_id": made["id"], "variant_id": blue_m["id"], "quantity": 3}]}
    placed = client.post("/orders", headers=shopper.headers, json=body)
    assert placed.status_code == 201, placed.text
    assert placed.json()["lines"] == [
        {
            "product_id": made["id"],
            "variant_id": blue_m["id"],
            "name": "T-shirt (M / Blue)",
            "unit_price": "20.00",
            "quantity": 3,
            "line_total": "60.00",
        }
    ]
    after = client.get(f"/products/{made['id']}").json()
    assert {v["sku"]: v["stock"] for v in after["variants"]} == {
        f"TS-{s}-{c}": (27 if (s, c) == ("M", "Blue") else 10) for s in SIZES for c in COLOURS
    }
    assert after["stock"] == 77

    too_many = {"items": [{"product_id": made["id"], "variant_id": blue_m["id"], "quantity": 28}]}
    short = client.post("/orders", headers=shopper.headers, json=too_many)
    assert_problem(short, 409, "insufficient_stock")
    assert short.json()["shortages"] == [
        {"product_id": made["id"], "variant_id": blue_m["id"], "requested": 28, "available": 27}
    ]

    cancelled = client.post(f"/orders/{placed.json()['id']}/cancel", headers=shopper.headers)
    assert cancelled.status_code == 200
    assert (
        variant(client.get(f"/products/{made['id']}").json(), Size="M", Colour="Blue")["stock"]
        == 30
    )


def test_a_sold_out_variant_and_the_product_s_availability(
    client: TestClient, accounts: Accounts
) -> None:
    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    made = make_tshirt(
        client,
        admin,
        variants=[
            {
                "sku": "ONE-S",
                "options": {"Size": "S", "Colour": "Red"},
                "price": "5.00",
                "stock": 1,
            },
            {
                "sku": "ONE-M",
                "options": {"Size": "M", "Colour": "Red"},
                "price": "6.00",
                "stock": 2,
            },
        ],
    )
    small, medium = made["variants"]
    for chosen, quantity in ((small, 1), (medium, 2)):
        line = {"product_id": made["id"], "variant_id": chosen["id"], "quantity": quantity}
        assert (
            client.post("/orders", headers=shopper.headers, json={"items": [line]}).status_code
            == 201
        )
        page = client.get(f"/products/{made['id']}").json()
        assert variant(page, **chosen["options"])["in_stock"] is False
    page = client.get(f"/products/{made['id']}").json()
    assert (page["stock"], page["in_stock"]) == (0, False)
    listed = client.get("/products", params={"q": "t-shirt"}).json()["items"]
    assert [p["in_stock"] for p in listed] == [False]


def test_each_variant_has_its_own_stock_routes_and_ledger(
    client: TestClient, accounts: Accounts
) -> None:
    admin, manager = accounts.make(Role.ADMIN), accounts.make(Role.STOCK_MANAGER)
    made = make_tshirt(client, admin)
    blue_m, red_l = variant(made, Size="M", Colour="Blue"), variant(made, Size="L", Colour="Red")
    base = f"/inventory/{made['id']}/variants/{blue_m['id']}"
    level = client.get(base, headers=manager.headers)
    assert level.status_code == 200
    assert level.json() | {"stock_updated_at": None} == {
        "product_id": made["id"],
        "variant_id": blue_m["id"],
        "name": "T-shirt (M / Blue)",
        "sku": "TS-M-Blue",
        "stock": 30,
        "stock_version": 1,
        "stock_updated_at": None,
        "buckets": 1,
    }
    counted = client.put(
        base,
        headers=manager.headers | {"If-Match": level.headers["etag"]},
        json={"stock": 12, "reason": "count"},
    )
    assert (counted.status_code, counted.json()["stock"]) == (200, 12)
    delivered = client.post(
        f"{base}/adjustments", headers=manager.headers, json={"delta": 3, "reason": "delivery"}
    )
    assert delivered.json()["stock"] == 15
    spread = client.put(f"{base}/buckets", headers=admin.headers, json={"buckets": 3})
    assert (spread.json()["stock"], spread.json()["buckets"]) == (15, 3)
    moves = client.get(f"{base}/movements", headers=manager.headers).json()["items"]
    kinds = {(m["kind"], m["delta"]) for m in moves}
    assert ("adjustment", 3) in kinds
    assert ("set", -18) in kinds
    red_moves = client.get(
        f"/inventory/{made['id']}/variants/{red_l['id']}/movements", headers=manager.headers
    ).json()["items"]
    assert [(m["kind"], m["delta"]) for m in red_moves] == [("initial", 10)]
    page = client.get(f"/products/{made['id']}").json()
    assert variant(page, Size="L", Colour="Red")["stock"] == 10
    assert page["stock"] == 65  # 5 x 10 + 15

    whole = client.get(f"/inventory/{made['id']}", headers=manager.headers)
    assert_problem(whole, 422, "has_variants")
    other = client.get(f"/inventory/{made['id']}/variants/{made['id']}", headers=manager.headers)
    assert_problem(other, 404, "variant_not_found")
    shopper = accounts.make()
    assert client.get(base, headers=shopper.headers).status_code == 403
    mug = client.post(
        "/products",
        headers=admin.headers,
        json={"name": "Mug", "category": "K", "price": "2", "stock": 2},
    ).json()
    own = client.get(f"/inventory/{mug['id']}/variants/{mug['id']}", headers=manager.headers)
    assert (own.status_code, own.json()["stock"]) == (200, 2)


def test_a_search_for_a_variant_s_sku_finds_its_product(
    client: TestClient, accounts: Accounts
) -> None:
    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    made = make_tshirt(client, admin)
    for query in ("TS-M-Blue", "ts-m-blue"):
        found = client.get("/products", params={"q": query}).json()["items"]
        assert [p["id"] for p in found] == [made["id"]]
    assert client.get("/products", params={"q": "TS-M-Blu"}).json()["items"] == []
    assert (
        client.get("/products", params={"q": "TS-M-Blue", "category": "Food"}).json()["items"] == []
    )
    # two variants of one product in one order: each its own line
    blue_m, red_s = variant(made, Size="M", Colour="Blue"), variant(made, Size="S", Colour="Red")
    lines = [
        {"product_id": made["id"], "variant_id": blue_m["id"], "quantity": 1},
        {"product_id": made["id"], "variant_id": red_s["id"], "quantity": 2},
    ]
    placed = client.post("/orders", headers=shopper.headers, json={"items": lines})
    assert placed.status_code == 201, placed.text
    assert [line["name"] for line in placed.json()["lines"]] == [
        "T-shirt (M / Blue)",
        "T-shirt (S / Red)",
    ]


def test_a_draft_is_found_by_its_variant_s_sku_only_by_staff_asking_for_drafts(
    client: TestClient, accounts: Accounts
) -> None:
    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    made = make_tshirt(client, admin)
    drafted = client.patch(
        f"/products/{made['id']}", headers=admin.headers, json={"status": "draft"}
    )
    assert drafted.status_code == 200, drafted.text

    def found(status: str | None, account: Account) -> list[str]:
        query = {"q": "TS-M-Blue"} | ({"status": status} if status else {})
        answer = client.get("/products", params=query, headers=account.headers)
        assert answer.status_code == 200, answer.text
        return [p["id"] for p in answer.json()["items"]]

    assert found(None, shopper) == []  # a shopper sees active products alone
    assert found(None, admin) == []
    assert found("archived", admin) == []
    assert found("draft", admin) == [made["id"]]


def test_variants_are_added_changed_and_removed_with_if_match(
    client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    made = client.post("/products", headers=admin.headers, json=tshirt_body())
    etag, shirt = made.headers["etag"], made.json()
    base = f"/products/{shirt['id']}/variants"
    body = {
        "sku": "TS-XL-Blue",
        "options": {"Size": "XL", "Colour": "Blue"},
        "price": "25.00",
        "stock": 4,
    }
    stale = client.post(base, headers=admin.headers | {"If-Match": '"0.0"'}, json=body)
    assert_problem(stale, 412, "precondition_failed")
    added = client.post(base, headers=admin.headers | {"If-Match": etag}, json=body)
    assert added.status_code == 201, added.text
    shirt = added.json()
    assert shirt["options"][0] == {"name": "Size", "values": [*SIZES, "XL"]}
    assert (shirt["price_max"], shirt["stock"], len(shirt["variants"])) == ("25.00", 84, 7)
    xl = variant(shirt, Size="XL", Colour="Blue")
    again = client.post(base, headers=admin.headers, json=body | {"sku": "OTHER"})
    assert_problem(again, 422, "variant_options")
    taken = client.post(
        base,
        headers=admin.headers,
        json=body | {"options": {"Size": "XS", "Colour": "Red"}, "sku": "ts-s-red"},
    )
    assert_problem(taken, 409, "sku_taken")

    changed = client.patch(
        f"{base}/{xl['id']}",
        headers=admin.headers | {"If-Match": added.headers["etag"]},
        json={"sku": "TS-XL-B", "price": "26.00"},
    )
    assert changed.status_code == 200, changed.text
    assert variant(changed.json(), Size="XL", Colour="Blue") | {"id": None} == {
        "id": None,
        "sku": "TS-XL-B",
        "options": {"Size": "XL", "Colour": "Blue"},
        "price": "26.00",
        "stock": 4,
        "in_stock": True,
    }
    assert [p["id"] for p in client.get("/products", params={"q": "TS-XL-B"}).json()["items"]] == [
        shirt["id"]
    ]
    assert client.get("/products", params={"q": "TS-XL-Blue"}).json()["items"] == []
    no_price = client.patch(
        f"/products/{shirt['id']}", headers=admin.headers, json={"price": "1.00"}
    )
    assert_problem(no_price, 422, "has_variants")

    removed = client.delete(f"{base}/{xl['id']}", headers=admin.headers)
    assert removed.status_code == 200, removed.text
    assert (len(removed.json()["variants"]), removed.json()["price_max"]) == (6, "22.50")
    assert (
        client.get(
            f"/inventory/{shirt['id']}/variants/{xl['id']}", headers=admin.headers
        ).status_code
        == 404
    )
    reuse = client.post(
        base, headers=admin.headers, json=body | {"sku": "TS-XL-B"}
    )  # its SKU is free
    assert reuse.status_code == 201, reuse.text
    mug = client.post(
        "/products", headers=admin.headers, json={"name": "Mug", "category": "K", "price": "2"}
    ).json()
    assert_problem(
        client.post(f"/products/{mug['id']}/variants", headers=admin.headers, json=body),
        422,
        "no_options",
    )


def test_variant_edits_that_do_not_fit_the_product_are_refused_and_change_nothing(
    client: TestClient, accounts: Accounts, table: Any
) -> None:
    """Options other than the product's, another product's variant, the last variant, and
    a variant past the hundredth: each a problem naming why, and the table as it was."""
    admin = accounts.make(Role.ADMIN)
    shirt = make_tshirt(client, admin)
    base = f"/products/{shirt['id']}/variants"
    body = {"sku": "TS-XL", "options": {"Size": "XL"}, "price": "25.00", "stock": 1}
    one = make_tshirt(
        client,
        admin,
        options=[{"name": "Size", "values": ["M"]}],
        variants=[{"sku": "ONE-M", "options": {"Size": "M"}, "price": "9.00", "stock": 2}],
    )
    sizes, colours = [str(n) for n in range(20)], ["Blue", "Red", "Green", "Black", "White"]
    hundred = {
        "options": [{"name": "Size", "values": sizes}, {"name": "Colour", "values": colours}],
        "variants": [
            {"sku": f"C-{s}-{c}", "options": {"Size": s, "Colour": c}, "price": "9.00"}
            for s in sizes
            for c in colours
        ],
    }
    full = make_tshirt(client, admin, **hundred)
    assert len(full["variants"]) == 100
    before = scan(table)

    missing_colour = client.post(base, headers=admin.headers, json=body)
    assert "Size, Colour" in assert_problem(missing_colour, 422, "variant_options")["detail"]
    elsewhere = one["variants"][0]["id"]
    assert_problem(
        client.patch(f"{base}/{elsewhere}", headers=admin.headers, json={"price": "1.00"}),
        404,
        "variant_not_found",
    )
    last = client.delete(f"/products/{one['id']}/variants/{elsewhere}", headers=admin.headers)
    assert_problem(last, 409, "last_variant")
    one_more = body | {"sku": "C-20-Blue", "options": {"Size": "20", "Colour": "Blue"}}
    too_many = client.post(f"/products/{full['id']}/variants", headers=admin.headers, json=one_more)
    assert "100" in assert_problem(too_many, 422, "variant_options")["detail"]
    assert scan(table) == before


def test_an_export_writes_a_row_per_variant(client: TestClient, accounts: Accounts) -> None:
    import io

    import httpx

    from app.transfer import csv_format, runner

    admin = accounts.make(Role.ADMIN)
    shirt = make_tshirt(client, admin)
    export_id = client.post("/admin/exports", headers=admin.headers).json()["id"]
    runner.wait_for_local_jobs()
    answer = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()
    rows = list(csv_format.read(io.StringIO(httpx.get(answer["url"]).text, newline="")))
    assert answer["rows"] == len(rows) == 6
    assert {row["handle"] for row in rows} == {shirt["id"]}
    assert [
        (r["option1_value"], r["option2_value"], r["sku"], r["price"], r["stock"]) for r in rows
    ] == [
        (
            s,
            c,
            f"TS-{s}-{c}",
            "22.50" if s == "L" else "20.00",
            "30" if (s, c) == ("M", "Blue") else "10",
        )
        for s in SIZES
        for c in COLOURS
    ]
    assert {(r["option1_name"], r["option2_name"]) for r in rows} == {("Size", "Colour")}


def test_a_variant_purchase_is_three_round_trips_and_its_events_name_the_product(
    client: TestClient, accounts: Accounts, table: Any
) -> None:
    from app.events.actors import actor_lookup
    from app.events.catalog import events_from
    from app.live.local_stream import every_record
    from tests.api.test_round_trips import counting

    table.create()  # turns the table's stream on
    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    shirt = make_tshirt(client, admin)
    red_s = variant(shirt, Size="S", Colour="Red")
    line = {"product_id": shirt["id"], "variant_id": red_s["id"], "quantity": 3}
    with counting(table) as calls:
        placed = client.post("/orders", headers=shopper.headers, json={"items": [line]})
    assert placed.status_code == 201
    assert calls == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]  # auth, read, write
    line["quantity"] = 7  # its last units: StockOut
    assert (
        client.post("/orders", headers=shopper.headers, json={"items": [line]}).status_code == 201
    )
    events = events_from(every_record(table), actor_lookup(table.for_store))
    created = [e.detail["product_id"] for e in events if e.detail_type == "ProductCreated"]
    assert created == [shirt["id"]]  # the variants' own records are no products
    out = [e.detail for e in events if e.detail_type == "StockOut"]
    assert [(e["product_id"], e["variant_id"]) for e in out] == [(shirt["id"], red_s["id"])]


def test_a_product_page_with_variants_is_one_read_once_they_are_known(
    client: TestClient, accounts: Accounts, table: Any
) -> None:
    from app.products import variants
    from tests.api.test_round_trips import counting

    shirt = make_tshirt(client, accounts.make(Role.ADMIN))
    variants.forget()  # a process that has not seen it: the product, then its variants
    with counting(table) as calls:
        assert client.get(f"/products/{shirt['id']}").json()["stock"] == 80
    assert calls == ["BatchGetItem", "BatchGetItem"]
    with counting(table) as calls:  # known now: all in one request
        page = client.get(f"/products/{shirt['id']}").json()
    assert calls == ["BatchGetItem"]
    assert page == shirt | {"image_url": None}


def test_renaming_a_product_renames_what_its_variants_are_called(
    client: TestClient, accounts: Accounts, table: Any
) -> None:
    """Low-stock lists, their mail and stock levels read a variant's own record: it takes
    the product's new name in the product's own transaction (no moment, or crash, leaves
    the old name), and a late follow-up of an earlier rename cannot undo it."""
    from app.products import repository
    from tests.api.test_round_trips import counting

    admin = accounts.make(Role.ADMIN)
    made = make_tshirt(client, admin)
    blue_m = variant(made, Size="M", Colour="Blue")
    with counting(table) as calls:
        renamed = client.patch(
            f"/products/{made['id']}", headers=admin.headers, json={"name": "Organic tee"}
        )
    assert renamed.status_code == 200, renamed.text
    assert (calls.count("TransactWriteItems"), calls.count("UpdateItem")) == (1, 0)
    level = f"/inventory/{made['id']}/variants/{blue_m['id']}"
    assert client.get(level, headers=admin.headers).json()["name"] == "Organic tee (M / Blue)"
    low = client.get(
        "/inventory/low-stock", params={"threshold": 100}, headers=admin.headers
    ).json()["items"]
    assert sorted(item["name"] for item in low) == sorted(
        f"Organic tee ({size} / {colour})" for size in SIZES for colour in COLOURS
    )
    current = repository.get_definition(table, product_id=made["id"])
    assert current is not None
    stored = table.get(table.keys.product(blue_m["id"]))
    assert (stored["name"], stored["named_at"]) == ("Organic tee (M / Blue)", current.version)

    earlier = current.model_copy(update={"name": "T-shirt", "version": current.version - 1})
    assert repository.rename_variants(table, earlier) == 0  # arrives after the later one
    assert client.get(level, headers=admin.headers).json()["name"] == "Organic tee (M / Blue)"
    # an edit that leaves the name alone leaves the variants' records alone
    client.patch(f"/products/{made['id']}", headers=admin.headers, json={"description": "Soft"})
    assert stored_item(table, table.keys.product(blue_m["id"]))["named_at"] == current.version
