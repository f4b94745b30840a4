"""Catalog imports: a file uploaded to S3, every row checked, then written by SKU in chunks
off the request path -- each product all or nothing, the report exact, the same file twice a
no-op, a chunk that fails retried alone with the totals still exact."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from app.products import repository
from app.transfer import csv_format, import_chunks, imports, runner, upsert, upsert_options
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.http import scan, stored_item
from tests.support.invariants import check_invariants

pytestmark = pytest.mark.dynamodb

HEADER = ",".join(csv_format.COLUMNS)


def upload(client: TestClient, admin: Account, content: bytes, *, dry_run: bool = False) -> str:
    created = client.post("/admin/imports", headers=admin.headers, json={"dry_run": dry_run})
    assert created.status_code == 201, created.text
    body = created.json()
    posted = httpx.post(
        body["upload"]["url"], data=body["upload"]["fields"], files={"file": content}
    )
    assert posted.status_code in (200, 204), posted.text
    return str(body["id"])


def run_import(
    client: TestClient, admin: Account, content: bytes, *, dry_run: bool = False
) -> dict[str, Any]:
    import_id = upload(client, admin, content, dry_run=dry_run)
    started = client.post(f"/admin/imports/{import_id}/start", headers=admin.headers)
    assert started.status_code == 202, started.text
    assert started.json()["status"] in ("queued", "running", "done")
    runner.wait_for_local_jobs()
    answer = client.get(f"/admin/imports/{import_id}", headers=admin.headers)
    assert answer.status_code == 200
    return answer.json()


def csv_bytes(rows: list[dict[str, str]], *, columns: list[str] | None = None) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns or list(csv_format.COLUMNS), restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def product(client: TestClient, product_id: str) -> dict[str, Any]:
    found = client.get(f"/products/{product_id}")
    assert found.status_code == 200, found.text
    return found.json()


def by_sku(client: TestClient, sku: str) -> dict[str, Any]:
    items = client.get("/products", params={"q": sku}).json()["items"]
    assert len(items) == 1, items
    return product(client, items[0]["id"])


def catalog_items(table: Table) -> list[dict[str, Any]]:
    """Every item of the table but the import jobs' own records."""
    jobs = table.keys.job_partition("")
    return [item for item in scan(table) if not item["PK"].startswith(jobs)]


def refused_for(report: dict[str, Any], column: str, message: str) -> None:
    """Every error the report gives is this one (each of a product's rows has it)."""
    found = {(e["column"], e["message"]) for e in report["errors"]}
    assert found == {(column, message)}, report["errors"][:2]


def movements(client: TestClient, admin: Account, product_id: str) -> list[dict[str, Any]]:
    answer = client.get(f"/inventory/{product_id}/movements", headers=admin.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_good_rows_are_written_bad_ones_reported_and_nothing_half_written(
    client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    lamp = create_product(client, admin, name="Lamp", sku="LAMP-1", price="30.00", stock=5)
    columns = ["sku", "stock", "price", "name", "handle", "category", "description", "tags"]
    rows = [
        {  # 2: a new product
            "handle": "mug",
            "name": "Crème brûlée mug",
            "category": "Kitchen",
            "description": "Holds coffee,\r\nand tea",
            "tags": "ceramic|gift",
            "sku": "MUG-1",
            "price": "12.50",
            "stock": "7",
        },
        {  # 3: the lamp, found by its SKU: a new price and a count
            "handle": "anything",
            "name": "Lamp",
            "category": lamp["category"],
            "sku": "LAMP-1",
            "price": "35.00",
            "stock": "9",
        },
        # 4: a price that is not one
        {"handle": "bad", "name": "Bad", "category": "X", "sku": "BAD-1", "price": "abc"},
        # 5: the mug's SKU again
        {"handle": "dup", "name": "Dup", "category": "X", "sku": "MUG-1", "price": "1.00"},
    ]
    content = b"\xef\xbb\xbf" + csv_bytes(rows, columns=columns)  # a BOM, CRLF
    report = run_import(client, admin, content)

    assert report | {"errors": None} == {
        "id": report["id"],
        "status": "done",
        "dry_run": False,
        "rows_total": 4,
        "rows_done": 4,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "failed": 2,
        "errors": None,
    }
    assert report["errors"] == [
        {"row": 4, "column": "price", "message": "must be a number such as 19.99"},
        {"row": 5, "column": "sku", "message": "already on row 2"},
    ]
    mug = by_sku(client, "MUG-1")
    assert (mug["name"], mug["description"], mug["tags"]) == (
        "Crème brûlée mug",
        "Holds coffee,\r\nand tea",
        ["ceramic", "gift"],
    )
    assert (mug["price"], mug["currency"], mug["stock"], mug["status"]) == (
        "12.50",
        "EUR",
        7,
        "active",
    )
    assert [(m["kind"], m["delta"], m["reason"]) for m in movements(client, admin, mug["id"])] == [
        ("initial", 7, "import")
    ]
    after = product(client, lamp["id"])
    assert (after["price"], after["stock"], after["version"]) == ("35.00", 9, lamp["version"] + 1)
    lamp_moves = movements(client, admin, lamp["id"])
    assert (lamp_moves[0]["kind"], lamp_moves[0]["delta"], lamp_moves[0]["reason"]) == (
        "set",
        4,
        "import",
    )
    for missing in ("BAD-1", "Dup"):
        assert client.get("/products", params={"q": missing}).json()["items"] == []

    again = run_import(client, admin, content)  # the same file: nothing changes
    assert (again["created"], again["updated"], again["unchanged"], again["failed"]) == (0, 0, 2, 2)
    assert product(client, lamp["id"])["version"] == after["version"]
    assert len(movements(client, admin, lamp["id"])) == len(lamp_moves)


def test_a_dry_run_counts_what_an_import_would_do_and_writes_nothing(
    client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    cup = create_product(client, admin, name="Cup", sku="CUP-1", price="3.00", stock=2)
    content = csv_bytes(
        [
            {"handle": "new", "name": "Plate", "category": "Kitchen", "sku": "PL-1", "price": "4"},
            {
                "handle": "c",
                "name": "Cup",
                "category": cup["category"],
                "sku": "CUP-1",
                "price": "3.00",
                "stock": "2",
            },
            {"handle": "c2", "name": "Cup", "category": "K", "sku": "CUP-1", "price": "9"},
        ]
    )
    report = run_import(client, admin, content, dry_run=True)
    assert report["dry_run"] is True
    assert (report["created"], report["updated"], report["unchanged"], report["failed"]) == (
        1,
        0,
        1,
        1,
    )
    assert client.get("/products", params={"q": "PL-1"}).json()["items"] == []
    assert product(client, cup["id"])["version"] == cup["version"]


def test_the_same_handle_without_a_sku_is_the_same_product_on_every_import(
    client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    rows = [{"handle": "soap", "name": "Soap", "category": "Bath", "price": "2.00", "stock": "0"}]
    first = run_import(client, admin, csv_bytes(rows))
    assert first["created"] == 1
    rows[0] |= {"name": "Olive soap", "stock": "4"}  # a new name and a count in one write
    second = run_import(client, admin, csv_bytes(rows))
    assert (second["created"], second["updated"]) == (0, 1)
    found = client.get("/products", params={"q": "olive"}).json()["items"]
    assert [(p["name"], p["in_stock"]) for p in found] == [("Olive soap", True)]
    assert product(client, found[0]["id"])["stock"] == 4
    assert client.get("/products", params={"q": "soap"}).json()["items"][0]["in_stock"] is True


def test_an_export_imported_again_changes_nothing(client: TestClient, accounts: Accounts) -> None:
    admin = accounts.make(Role.ADMIN)
    create_product(client, admin, name="Chair", tags=["wood", "oak"], stock=3)
    create_product(client, admin, name="Stool", description="Three\nlegs", sku=None, stock=0)
    create_product(client, admin, name="Draft", status="draft", stock=1)
    export_id = client.post("/admin/exports", headers=admin.headers).json()["id"]
    runner.wait_for_local_jobs()
    url = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()["url"]
    report = run_import(client, admin, httpx.get(url).content)
    assert (report["rows_total"], report["unchanged"], report["failed"]) == (3, 3, 0), report


def test_a_chunk_that_fails_once_is_retried_alone_and_counted_once(
    client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = accounts.make(Role.ADMIN)
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 3)
    real = upsert.upsert
    calls = {"n": 0}

    def fails_once(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:  # the second chunk, after its first product was written
            raise RuntimeError("the function died")
        return real(*args, **kwargs)

    monkeypatch.setattr(upsert, "upsert", fails_once)
    rows = [
        {
            "handle": f"h{n}",
            "name": f"Thing {n}",
            "category": "C",
            "sku": f"T-{n}",
            "price": "1.00",
            "stock": str(n),
        }
        for n in range(8)
    ]
    report = run_import(client, admin, csv_bytes(rows))
    assert (report["status"], report["rows_done"], report["created"], report["failed"]) == (
        "done",
        8,
        8,
        0,
    )
    # 8 products + the call that died; the chunk's first product, written before it died,
    # was not tried again (its marker)
    assert calls["n"] == 8 + 1
    for n in range(8):
        assert len(movements(client, admin, by_sku(client, f"T-{n}")["id"])) == (1 if n else 0)


def test_a_file_without_its_required_columns_fails_with_the_header_s_problems(
    client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    report = run_import(client, admin, b"handle,title,price\r\nh,T,1\r\n")
    assert report["status"] == "failed"
    assert report["errors"] == [
        {"row": 1, "column": "title", "message": "unknown column"},
        {"row": 1, "column": "name", "message": "this column is required"},
        {"row": 1, "column": "category", "message": "this column is required"},
    ]
    not_text = run_import(client, admin, HEADER.encode() + b"\r\nh,\xff\xfe,,C,,,,,,,,,,1,,\r\n")
    assert not_text["status"] == "failed"
    assert "UTF-8" in not_text["errors"][0]["message"]


def test_starting_is_for_an_uploaded_import_once(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    admin = accounts.make(Role.ADMIN)
    created = client.post("/admin/imports", headers=admin.headers, json={}).json()
    early = client.post(f"/admin/imports/{created['id']}/start", headers=admin.headers)
    assert (early.status_code, early.json()["code"]) == (409, "import_not_uploaded")
    import_id = upload(client, admin, csv_bytes([]))
    assert (
        client.post(f"/admin/imports/{import_id}/start", headers=admin.headers).status_code == 202
    )
    again = client.post(f"/admin/imports/{import_id}/start", headers=admin.headers)
    assert (again.status_code, again.json()["code"]) == (409, "import_started")
    runner.wait_for_local_jobs()
    done = client.get(f"/admin/imports/{import_id}", headers=admin.headers).json()
    assert (done["status"], done["rows_total"]) == ("done", 0)
    missing = client.get("/admin/imports/01JUNKJUNKJUNKJUNKJUNKJUNK", headers=admin.headers)
    assert missing.status_code == 404
    for role in (Role.USER, Role.STOCK_MANAGER):
        other = accounts.make(role)
        assert client.post("/admin/imports", headers=other.headers, json={}).status_code == 403
        assert client.get(f"/admin/imports/{import_id}", headers=other.headers).status_code == 403


def test_a_file_over_the_limit_is_not_started(
    client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = accounts.make(Role.ADMIN)
    content = csv_bytes([{"handle": "h", "name": "N", "category": "C", "price": "1.00"}])
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", len(content) - 1)
    import_id = upload(client, admin, content)
    refused = client.post(f"/admin/imports/{import_id}/start", headers=admin.headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "import_too_large")
    assert f"The file is {len(content)} bytes" in refused.json()["detail"]
    job = client.get(f"/admin/imports/{import_id}", headers=admin.headers).json()
    assert (job["status"], job["rows_done"]) == ("uploading", 0)  # nothing queued or read
    assert client.get("/products", params={"q": "N"}).json()["items"] == []


def test_a_finished_import_is_an_event_with_its_totals(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    from app.events.actors import actor_lookup
    from app.events.catalog import events_from
    from app.live.local_stream import every_record

    table.create()  # turns the table's stream on
    admin = accounts.make(Role.ADMIN)
    rows = [
        {"handle": "a", "name": "A", "category": "C", "price": "1.00", "stock": "2"},
        {"handle": "b", "name": "B", "category": "C", "price": "x"},
    ]
    report = run_import(client, admin, csv_bytes(rows))
    events = events_from(every_record(table), actor_lookup(table.for_store))
    finished = [e.detail for e in events if e.detail_type == "ImportFinished"]
    assert finished == [
        {
            "store": table.keys.store,
            "import_id": report["id"],
            "status": "done",
            "dry_run": False,
            "rows_total": 2,
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "failed": 1,
            "actor": {"id": admin.id, "email": admin.email},
            "at": finished[0]["at"],
        }
    ]
    created = [e for e in events if e.detail_type == "ProductCreated"]
    assert [e.detail["actor"]["id"] for e in created] == [admin.id]


def test_the_sample_csv_imported_into_the_demo_store_changes_nothing(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    from app.seed import seed
    from devtools.sample_csv import SAMPLE

    seed(table)
    admin = accounts.make(Role.ADMIN)
    report = run_import(client, admin, SAMPLE.read_bytes())
    rows = len(list(csv_format.read(io.StringIO(SAMPLE.read_text(encoding="utf-8"), newline=""))))
    assert (report["rows_total"], report["unchanged"], report["failed"]) == (rows, rows, 0), report


def shirt_rows(**stock: str) -> list[dict[str, str]]:
    rows = []
    for size in ("S", "M"):
        for colour in ("Blue", "Red"):
            rows.append(
                {
                    "handle": "tee",
                    "name": "Tee",
                    "category": "Clothes",
                    "option1_name": "Size",
                    "option1_value": size,
                    "option2_name": "Colour",
                    "option2_value": colour,
                    "sku": f"TEE-{size}-{colour}",
                    "price": "20.00",
                    "stock": stock.get(f"{size}_{colour}", "5"),
                }
            )
    return rows


def test_a_product_with_options_is_imported_variant_by_variant(
    client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = accounts.make(Role.ADMIN)
    first = run_import(client, admin, csv_bytes(shirt_rows(M_Blue="30")))
    assert (first["created"], first["failed"], first["errors"]) == (4, 0, []), first
    tee = by_sku(client, "TEE-S-Red")  # a variant's SKU finds its product
    assert (tee["name"], tee["stock"], tee["options"][0]) == (
        "Tee",
        45,
        {"name": "Size", "values": ["S", "M"]},
    )
    levels = {v["sku"]: v["stock"] for v in tee["variants"]}
    assert levels == {"TEE-S-Blue": 5, "TEE-S-Red": 5, "TEE-M-Blue": 30, "TEE-M-Red": 5}
    blue_m = next(v for v in tee["variants"] if v["sku"] == "TEE-M-Blue")
    base = f"/inventory/{tee['id']}/variants/{blue_m['id']}/movements"
    assert [
        (m["kind"], m["delta"], m["reason"])
        for m in client.get(base, headers=admin.headers).json()["items"]
    ] == [("initial", 30, "import")]

    again = run_import(client, admin, csv_bytes(shirt_rows(M_Blue="30")))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)

    changed = shirt_rows(M_Blue="12")
    changed[0]["price"] = "18.00"  # S / Blue
    changed.append(changed[-1] | {"option1_value": "L", "sku": "TEE-L-Red", "stock": "2"})
    report = run_import(client, admin, csv_bytes(changed))
    assert (report["created"], report["updated"], report["unchanged"], report["failed"]) == (
        0,
        5,
        0,
        0,
    ), report
    after = product(client, tee["id"])
    assert {v["sku"]: (v["price"], v["stock"]) for v in after["variants"]} == {
        "TEE-S-Blue": ("18.00", 5),
        "TEE-S-Red": ("20.00", 5),
        "TEE-M-Blue": ("20.00", 12),
        "TEE-M-Red": ("20.00", 5),
        "TEE-L-Red": ("20.00", 2),
    }
    assert (after["price_min"], after["stock"]) == ("18.00", 29)
    moves = client.get(base, headers=admin.headers).json()["items"]
    assert (moves[0]["kind"], moves[0]["delta"], moves[0]["reason"]) == ("set", -18, "import")

    def renamed_apart(*_: object) -> int:
        raise AssertionError("the variants' names go in the product's own transaction")

    monkeypatch.setattr(repository, "rename_variants", renamed_apart)
    renamed = [row | {"name": "Organic tee"} for row in changed]
    assert run_import(client, admin, csv_bytes(renamed))["updated"] == 5
    level = client.get(base.removesuffix("/movements"), headers=admin.headers).json()
    assert level["name"] == "Organic tee (M / Blue)"  # the variant's own record too

    export_id = client.post("/admin/exports", headers=admin.headers).json()["id"]
    runner.wait_for_local_jobs()
    url = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()["url"]
    round_trip = run_import(client, admin, httpx.get(url).content)
    assert (round_trip["rows_total"], round_trip["unchanged"], round_trip["failed"]) == (5, 5, 0)


def test_rows_with_options_for_a_product_without_them_fail_and_change_nothing(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    """A shop adding sizes to a plain product through the file: the handle names a product
    without options, so its rows are refused, not half-applied (the API's variant routes
    turn a product into one with options)."""
    admin = accounts.make(Role.ADMIN)
    plain = [{"handle": "tee", "name": "Tee", "category": "Clothes", "sku": "TEE", "price": "20"}]
    assert run_import(client, admin, csv_bytes(plain))["created"] == 1
    tee = by_sku(client, "TEE")
    before = catalog_items(table)

    report = run_import(client, admin, csv_bytes(shirt_rows()))
    assert (report["created"], report["updated"], report["failed"]) == (0, 0, 4), report
    refused_for(report, "option1_name", "the product has no options; its rows name some")
    assert product(client, tee["id"]) == tee
    assert client.get("/products", params={"q": "TEE-S-Blue"}).json()["items"] == []
    assert catalog_items(table) == before


def test_a_dry_run_counts_a_change_to_a_product_and_writes_nothing(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    admin = accounts.make(Role.ADMIN)
    cup = create_product(client, admin, name="Cup", sku="CUP-1", price="3.00", stock=2)
    row = {"handle": "c", "name": "Cup", "category": cup["category"], "sku": "CUP-1"}
    before = catalog_items(table)
    report = run_import(client, admin, csv_bytes([row | {"price": "4.00"}]), dry_run=True)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 0), report
    assert product(client, cup["id"]) == cup
    assert catalog_items(table) == before


def test_a_rename_whose_variants_do_not_fit_beside_the_change_renames_them_right_after(
    client: TestClient, accounts: Accounts, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """36 variants, 31 of whose stock changes (3 actions each), fill most of a transaction:
    the product and the stock change together (97 actions; with the 5 other variants'
    renames, 102), and the records take the new name one by one right after."""
    from tests.api.test_variants import make_tshirt, many_variants, variant

    admin = accounts.make(Role.ADMIN)
    made = make_tshirt(client, admin, **many_variants(["XS", "S", "M", "L", "XL", "XXL"]))
    export_id = client.post("/admin/exports", headers=admin.headers).json()["id"]
    runner.wait_for_local_jobs()
    url = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()["url"]
    rows = list(csv.DictReader(io.StringIO(httpx.get(url).text, newline="")))
    assert len(rows) == 36
    changed = [
        row | {"name": "Big tee"} | ({"stock": "4"} if n < 31 else {}) for n, row in enumerate(rows)
    ]
    renamed_apart: list[int] = []
    one_by_one = repository.rename_variants

    def counted(*args: Any) -> int:
        renamed_apart.append(one_by_one(*args))
        return 0

    monkeypatch.setattr(repository, "rename_variants", counted)

    report = run_import(client, admin, csv_bytes(changed))
    assert (report["updated"], report["failed"]) == (36, 0), report["errors"][:2]
    assert renamed_apart == [36]
    after = product(client, made["id"])
    assert (after["name"], after["stock"]) == ("Big tee", 31 * 4 + 5)
    for options in ({"Size": "XS", "Colour": "Blue"}, {"Size": "XXL", "Colour": "Grey"}):
        stored = stored_item(table, table.keys.product(variant(made, **options)["id"]))
        assert stored["name"] == f"Big tee ({options['Size']} / {options['Colour']})"


def big_tee_rows(sizes: list[str]) -> list[dict[str, str]]:
    """The rows of a tee in each of `sizes` and six colours (SKU BIG-S-Red, one in stock)."""
    colours = ["Blue", "Red", "Green", "Black", "White", "Grey"]
    first = shirt_rows()[0] | {"handle": "big-tee", "name": "Big tee", "stock": "1"}
    return [
        first | {"option1_value": s, "option2_value": c, "sku": f"BIG-{s}-{c}"}
        for s in sizes
        for c in colours
    ]


def test_a_new_product_of_more_variants_than_one_transaction_holds_is_imported_in_parts(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    """36 variants at once are more than one transaction holds: the product's rows fail,
    nothing of it is written, the file's other product is; imported 18 variants at a time,
    as the report advises, it is all there."""
    admin = accounts.make(Role.ADMIN)
    mug = {"handle": "mug", "name": "Mug", "category": "Kitchen", "sku": "MUG", "price": "6"}
    sizes = ["XS", "S", "M", "L", "XL", "XXL"]
    before = catalog_items(table)

    report = run_import(client, admin, csv_bytes([*big_tee_rows(sizes), mug]))
    assert (report["created"], report["failed"]) == (1, 36), report["errors"][:2]
    refused_for(report, "handle", upsert_options.TOO_MANY)
    assert client.get("/products", params={"q": "BIG-S-Red"}).json()["items"] == []
    mug_id = by_sku(client, "MUG")["id"]
    written = [item for item in catalog_items(table) if item not in before]
    assert any(item.get("id") == mug_id for item in written)
    assert [item for item in written if "big" in str(item).lower()] == []  # ids are hex

    first_half = run_import(client, admin, csv_bytes(big_tee_rows(sizes[:3])))
    assert (first_half["created"], first_half["failed"]) == (18, 0), first_half["errors"][:2]
    whole = run_import(client, admin, csv_bytes(big_tee_rows(sizes)))
    # a product's rows share its outcome: the 18 rows it had are counted updated too
    assert (whole["updated"], whole["unchanged"], whole["failed"]) == (36, 0, 0), whole
    tee = by_sku(client, "BIG-XXL-Grey")
    assert (len(tee["variants"]), tee["stock"]) == (36, 36)
    check_invariants(table)


def test_a_change_to_more_variants_than_one_transaction_holds_fails_and_changes_nothing(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    """Counting all 36 variants of a tee (3 writes each) is more than one transaction
    holds: the product's rows fail, not one variant is counted."""
    from tests.api.test_variants import make_tshirt, many_variants

    admin = accounts.make(Role.ADMIN)
    sizes = ["XS", "S", "M", "L", "XL", "XXL"]
    made = make_tshirt(client, admin, **many_variants(sizes))
    before = catalog_items(table)

    counted = [
        row | {"name": made["name"], "category": made["category"], "price": "9.00", "stock": "4"}
        for row in big_tee_rows(sizes)
    ]
    report = run_import(client, admin, csv_bytes(counted))
    assert (report["updated"], report["failed"]) == (0, 36), report
    refused_for(report, "handle", upsert_options.TOO_MANY)
    assert product(client, made["id"]) == made
    assert catalog_items(table) == before


def test_option_rows_naming_the_sku_of_a_product_without_options_fail_and_change_nothing(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    admin = accounts.make(Role.ADMIN)
    cup = create_product(client, admin, name="Cup", sku="CUP-1", price="3.00", stock=2)
    rows = shirt_rows()
    rows[1]["sku"] = "cup-1"  # SKUs are matched without regard to case
    before = catalog_items(table)

    report = run_import(client, admin, csv_bytes(rows))
    assert (report["created"], report["failed"]) == (0, 4), report
    refused_for(report, "sku", "cup-1 is the SKU of a product without options")
    assert product(client, cup["id"]) == cup
    assert catalog_items(table) == before
