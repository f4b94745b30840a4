"""Imports meeting the rest of the world: a field change without a count, a product that
moves while its chunk runs, and the same chunk run twice at once (a queue delivers at least
once). Each product is still written all or nothing, once, with a ledger that sums to its
stock."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from app.transfer import import_chunks, imports, jobs, runner, upsert
from app.transfer.validation import Problem
from tests.api.test_imports import (
    by_sku,
    catalog_items,
    csv_bytes,
    movements,
    product,
    refused_for,
    run_import,
    shirt_rows,
)
from tests.support.accounts import Accounts
from tests.support.catalog import create_product, notes_by
from tests.support.faults import meanwhile, transactions_writing
from tests.support.invariants import check_invariants

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


def test_a_row_that_counts_and_edits_meeting_an_admin_s_edit_is_made_again_on_top_of_it(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    """The row reprices the lamp and counts it to 9 in one transaction; an admin's edit of
    its description lands just before that transaction. The product's condition refuses the
    row's write (nothing of it is written), the row is read again and made on top of the
    edit: both changes stand, one count, one ledger entry. The refusal is the row's to
    handle at once, not a conflict to retry with the same stale plan until time runs out."""
    admin = accounts.make(Role.ADMIN)
    lamp = create_product(client, admin, name="Lamp", sku="LAMP-1", price="30.00", stock=5)

    def an_admin_describes_it() -> int:
        edited = client.patch(
            f"/products/{lamp['id']}", headers=admin.headers, json={"description": "Brass"}
        )
        return edited.status_code

    lamp_key = table.keys.product(lamp["id"])
    with (
        transactions_writing(table.client, lamp_key) as sent,
        meanwhile(table.client, lamp_key, an_admin_describes_it) as done,
    ):
        report = run_import(client, admin, csv_bytes([row_of(lamp, price="35.00", stock="9")]))

    assert done == [200]
    # the row's first try, the admin's edit (sent from inside it), the row made again
    assert len(sent) == 3, sent
    assert _totals(report) == (0, 1, 0, 0), report
    after = product(client, lamp["id"])
    assert (after["description"], after["price"], after["stock"], after["version"]) == (
        "Brass",
        "35.00",
        9,
        lamp["version"] + 2,
    )
    assert [(m["kind"], m["delta"]) for m in movements(client, admin, lamp["id"])] == [
        ("set", 4),
        ("initial", 5),
    ]
    check_invariants(table)


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


def test_a_new_sku_taken_by_a_product_made_meanwhile_updates_that_product(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    """Rows are upserted by SKU: the row found no product with its SKU, and an admin made
    one just before the row's product was written. The row is read again and updates that
    product rather than failing or making a second one."""
    admin = accounts.make(Role.ADMIN)
    made: list[dict[str, Any]] = []

    def an_admin_makes_the_mug() -> None:
        made.append(create_product(client, admin, name="Mug", sku="MUG-1", price="10.00", stock=4))

    mug = {"handle": "mug", "name": "Mug", "category": "Kitchen", "sku": "MUG-1"}
    with meanwhile(table.client, table.keys.sku("MUG-1"), an_admin_makes_the_mug) as done:
        report = run_import(client, admin, csv_bytes([mug | {"price": "12.50", "stock": "6"}]))
    assert done == [None]
    assert _totals(report) == (0, 1, 0, 0), report
    [found] = client.get("/products", params={"q": "MUG-1"}).json()["items"]
    assert found["id"] == made[0]["id"]
    after = product(client, found["id"])
    assert (after["price"], after["stock"], after["category"]) == ("12.50", 6, "Kitchen")
    assert [(m["kind"], m["delta"]) for m in movements(client, admin, found["id"])] == [
        ("set", 2),
        ("initial", 4),
    ]
    check_invariants(table)


def test_a_variant_sku_taken_meanwhile_fails_the_product_s_rows_and_writes_none(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    admin = accounts.make(Role.ADMIN)
    rows = shirt_rows()
    taken = rows[2]["sku"]  # M / Blue

    def another_product_takes_it() -> None:
        create_product(client, admin, name="Blue socks", sku=taken, price="4.00", stock=1)

    before = catalog_items(table)
    with meanwhile(table.client, table.keys.sku(taken), another_product_takes_it):
        report = run_import(client, admin, csv_bytes(rows))
    assert _totals(report) == (0, 0, 0, 4), report
    assert {e["column"] for e in report["errors"]} == {"sku"}
    assert all(taken in e["message"] for e in report["errors"]), report["errors"]
    assert client.get("/products", params={"q": "TEE-S-Red"}).json()["items"] == []
    [socks] = client.get("/products", params={"q": taken}).json()["items"]
    assert socks["name"] == "Blue socks"
    assert len(catalog_items(table)) > len(before)  # the socks, and nothing of the tee
    check_invariants(table)


def test_two_chunks_counted_at_once_keep_every_count_and_the_report_s_limit(
    table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunk 1 is counted between chunk 0's read of the job and its write: chunk 0 reads
    again, adds its counts to both, and keeps only as many of its problems as the report
    still has room for (here 3 in all)."""
    monkeypatch.setattr(import_chunks, "MAX_ERRORS", 3)
    planned = {"status": "running", "chunks_total": 2, "errors_count": 0}  # as imports.py plans
    jobs.create(table, job_id="job-1", kind="import", actor_id="a", **planned)

    def problems(*rows: int) -> list[Problem]:
        return [Problem(row, "sku", f"row {row}") for row in rows]

    def the_other_chunk_counted() -> None:
        import_chunks._count(table, "job-1", 1, Counter(updated=1, failed=2), problems(8, 9))

    marker = table.keys.import_chunk("job-1", 0)
    with meanwhile(table.client, marker, the_other_chunk_counted) as done:
        import_chunks._count(table, "job-1", 0, Counter(created=3, failed=2), problems(2, 3))
    assert done == [None]
    job = jobs.get(table, "job-1", "import")
    totals = {name: int(job[name]) for name in ("created", "updated", "failed", "processed")}
    assert totals == {"created": 3, "updated": 1, "failed": 4, "processed": 8}
    assert (int(job["chunks_done"]), int(job["errors_count"])) == (2, 3)
    assert [problem["row"] for problem in job["write_errors"]] == [8, 9, 2]


def test_a_plan_delivered_again_after_it_queued_its_chunks_counts_each_chunk_once(
    client: TestClient, accounts: Accounts, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan queued its chunks, then its function died before the message was deleted:
    the plan is delivered again and queues them again, and the first queue's messages still
    arrive. Every chunk runs two or three times; each is written and counted once."""
    admin = accounts.make(Role.ADMIN)
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 2)
    queued: list[tuple[list[Any], Any]] = []
    real_submit_all = runner.submit_all

    def queue_only(jobs_: list[Any], run_here: Any) -> None:  # the function dies after this
        queued.append((jobs_, run_here))

    monkeypatch.setattr(runner, "submit_all", queue_only)
    rows = [
        {"handle": f"h{n}", "name": f"Thing {n}", "category": "C", "sku": f"T-{n}", "price": "1"}
        | {"stock": str(n + 1)}
        for n in range(5)
    ]
    report = run_import(client, admin, csv_bytes(rows))
    assert (report["status"], report["rows_done"]) == ("running", 0)
    [(first_queue, run_chunk)] = queued

    monkeypatch.setattr(runner, "submit_all", real_submit_all)
    imports.plan(table, report["id"])  # delivered again: queues (and here runs) them again
    for job in first_queue:  # the first queue's messages, late
        run_chunk(job, False)
    real_submit_all(first_queue, run_chunk)  # and once more, as SQS may

    final = client.get(f"/admin/imports/{report['id']}", headers=admin.headers).json()
    assert (final["status"], final["rows_done"], final["created"], final["failed"]) == (
        "done",
        5,
        5,
        0,
    )
    for n in range(5):
        found = client.get("/products", params={"q": f"T-{n}"}).json()["items"]
        assert len(found) == 1
        assert [(m["kind"], m["delta"]) for m in movements(client, admin, found[0]["id"])] == [
            ("initial", n + 1)
        ]


def test_a_row_whose_product_changes_before_every_try_fails_and_writes_nothing(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    """An admin edits the lamp before each of the row's five tries: the row gives up with
    a problem that says so (not a 500, not a retry without end), none of it is written, and
    the file's other rows are imported."""
    admin = accounts.make(Role.ADMIN)
    lamp = create_product(client, admin, name="Lamp", sku="LAMP-1", price="30.00", stock=5)
    desk = create_product(client, admin, name="Desk", sku="DESK-1", price="90.00", stock=2)
    rows = [row_of(lamp, price="35.00", stock="9"), row_of(desk, price="95.00")]
    lamp_key = table.keys.product(lamp["id"])
    edits = notes_by(table, admin, lamp["id"])
    with meanwhile(table.client, lamp_key, edits, times=upsert.MAX_ATTEMPTS) as done:
        report = run_import(client, admin, csv_bytes(rows))

    assert len(done) == upsert.MAX_ATTEMPTS
    assert _totals(report) == (0, 1, 0, 1), report
    [error] = report["errors"]
    assert (error["row"], error["column"]) == (2, "handle"), error
    assert "kept changing" in error["message"]
    after = product(client, lamp["id"])
    assert (after["description"], after["price"], after["stock"]) == (
        f"Note {upsert.MAX_ATTEMPTS}",
        "30.00",
        5,
    )
    assert after["version"] == lamp["version"] + upsert.MAX_ATTEMPTS  # the admin's edits only
    assert [m["kind"] for m in movements(client, admin, lamp["id"])] == ["initial"]
    assert product(client, desk["id"])["price"] == "95.00"
    check_invariants(table)


def test_a_sku_taken_while_a_product_with_options_is_created_fails_its_rows_whole(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    """The file creates a tee in four variants; just before its transaction, an admin
    creates a cup with one of the tee's SKUs. The tee's rows fail on that SKU and nothing
    of the tee is written: no product, no variant, no other SKU claimed."""
    admin = accounts.make(Role.ADMIN)
    cups: list[dict[str, Any]] = []

    def an_admin_takes_the_sku() -> None:
        cups.append(create_product(client, admin, name="Cup", sku="TEE-M-Red", price="3.00"))

    before = catalog_items(table)
    with meanwhile(table.client, table.keys.sku("TEE-M-Red"), an_admin_takes_the_sku):
        report = run_import(client, admin, csv_bytes(shirt_rows()))

    assert len(cups) == 1
    assert _totals(report) == (0, 0, 0, 4), report
    refused_for(report, "sku", "SKU TEE-M-Red is already in use.")
    written = [item for item in catalog_items(table) if item not in before]
    tee = [
        item for item in written if cups[0]["id"] not in str(item) and "tee" in str(item).lower()
    ]
    assert tee == [], tee
    assert product(client, cups[0]["id"])["sku"] == "TEE-M-Red"
    check_invariants(table)


@pytest.fixture(params=[True, False], ids=["read before", "read after"])
def twin(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Another delivery of the same chunk (a queue delivers at least once) writes each
    product too: between this run's read and its write ("read before"), or before this run
    reads it at all ("read after"). What the twin's writes did, in order."""
    read_first: bool = request.param
    real_upsert = upsert.upsert
    twin_outcomes: list[str] = []

    def with_a_twin(store_table: Table, rows: Any, row: Any, **kwargs: Any) -> Any:
        def the_twin_writes() -> None:
            twin_outcomes.append(real_upsert(store_table, rows, row, **{**kwargs, "ahead": None}))

        if not read_first:
            the_twin_writes()
            return real_upsert(store_table, rows, row, **{**kwargs, "ahead": None})
        ahead = kwargs.get("ahead")
        product_id = ahead[0] if ahead else upsert.product_id_for(rows.handle)
        key = store_table.keys.product(product_id)
        with meanwhile(store_table.client, key, the_twin_writes):
            return real_upsert(store_table, rows, row, **kwargs)

    monkeypatch.setattr(upsert, "upsert", with_a_twin)
    return twin_outcomes


def _variant_moves(client: TestClient, admin: Any, tee: dict[str, Any]) -> dict[str, list[Any]]:
    moves = {}
    for variant in tee["variants"]:
        path = f"/inventory/{tee['id']}/variants/{variant['id']}/movements"
        items = client.get(path, headers=admin.headers).json()["items"]
        moves[variant["sku"]] = [(m["kind"], m["delta"]) for m in items]
    return moves


def test_a_product_with_options_made_by_a_twin_of_its_chunk_is_made_once_and_counted_created(
    client: TestClient, accounts: Accounts, table: Table, twin: list[str]
) -> None:
    """The twin makes the tee first: this run's own write of it is refused (its SKUs, its
    product and its marker are all taken) or, reading after the twin, finds it as the file
    says. Either way the report says what this import did to it: four rows created, not
    failed on their own SKUs, not unchanged."""
    admin = accounts.make(Role.ADMIN)
    report = run_import(client, admin, csv_bytes(shirt_rows()))

    assert twin == ["created"]
    assert (_totals(report), report["errors"]) == ((4, 0, 0, 0), []), report
    tee = by_sku(client, "TEE-M-Red")
    assert (tee["stock"], len(tee["variants"])) == (20, 4)
    assert set(map(tuple, _variant_moves(client, admin, tee).values())) == {(("initial", 5),)}
    check_invariants(table)


def test_a_row_that_counts_and_edits_written_by_a_twin_of_its_chunk_is_counted_updated(
    client: TestClient, accounts: Accounts, table: Table, twin: list[str]
) -> None:
    """The row reprices the lamp and counts it to 9; its twin does it first. One count, one
    ledger entry, and the report says updated."""
    admin = accounts.make(Role.ADMIN)
    lamp = create_product(client, admin, name="Lamp", sku="LAMP-1", price="30.00", stock=5)
    report = run_import(client, admin, csv_bytes([row_of(lamp, price="35.00", stock="9")]))

    assert twin == ["updated"]
    assert (_totals(report), report["errors"]) == ((0, 1, 0, 0), []), report
    after = product(client, lamp["id"])
    assert (after["price"], after["stock"], after["version"]) == ("35.00", 9, lamp["version"] + 1)
    assert [(m["kind"], m["delta"]) for m in movements(client, admin, lamp["id"])] == [
        ("set", 4),
        ("initial", 5),
    ]
    check_invariants(table)


def test_a_product_with_options_changed_by_a_twin_of_its_chunk_is_counted_updated(
    client: TestClient, accounts: Accounts, table: Table, twin: list[str]
) -> None:
    """Both imports of the tee, the one that makes it and the one that changes it, meet
    their twin; the second's report says updated, with one count of the changed variant."""
    admin = accounts.make(Role.ADMIN)
    assert run_import(client, admin, csv_bytes(shirt_rows()))["created"] == 4
    before = by_sku(client, "TEE-M-Red")
    changed = shirt_rows(M_Blue="12")
    changed[0]["price"] = "18.00"  # S / Blue
    report = run_import(client, admin, csv_bytes(changed))

    assert twin == ["created", "updated"]
    assert (_totals(report), report["errors"]) == ((0, 4, 0, 0), []), report
    tee = product(client, before["id"])
    assert (tee["version"], tee["stock"], tee["price_min"]) == (before["version"] + 1, 27, "18.00")
    moves = _variant_moves(client, admin, tee)
    assert moves["TEE-M-Blue"] == [("set", 7), ("initial", 5)]
    assert moves["TEE-S-Blue"] == [("initial", 5)]
    check_invariants(table)


def test_a_product_with_options_edited_while_its_rows_are_written_keeps_both_changes(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    """An admin describes the tee just before the import's transaction reprices it and
    counts a variant: that transaction is refused whole, the tee read again, and the rows
    made on top of the edit."""
    admin = accounts.make(Role.ADMIN)
    run_import(client, admin, csv_bytes(shirt_rows()))
    tee = by_sku(client, "TEE-M-Red")

    def an_admin_describes_it() -> int:
        patch = {"description": "Organic cotton"}
        return client.patch(f"/products/{tee['id']}", headers=admin.headers, json=patch).status_code

    changed = shirt_rows(M_Blue="12")
    changed[0]["price"] = "18.00"  # S / Blue
    key = table.keys.product(tee["id"])
    with meanwhile(table.client, key, an_admin_describes_it) as done:
        report = run_import(client, admin, csv_bytes(changed))

    assert done == [200]
    assert (_totals(report), report["errors"]) == ((0, 4, 0, 0), []), report
    after = product(client, tee["id"])
    assert (after["description"], after["price_min"], after["stock"], after["version"]) == (
        "Organic cotton",
        "18.00",
        27,
        tee["version"] + 2,
    )
    assert _variant_moves(client, admin, after)["TEE-M-Blue"] == [("set", 7), ("initial", 5)]
    check_invariants(table)


def test_a_product_with_options_another_import_makes_meanwhile_is_updated_not_made_twice(
    client: TestClient, accounts: Accounts, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two files name the tee by the same handle (the same product id) and are imported at
    once; the other import makes it, at another price, just before this one's transaction.
    This one finds the id taken, reads the tee again and updates it: one tee, its rows'
    price, each variant's stock counted once."""
    admin = accounts.make(Role.ADMIN)
    real_upsert = upsert.upsert
    other: list[str] = []

    def another_import_first(store_table: Table, rows: Any, row: Any, **kwargs: Any) -> Any:
        dearer = replace(rows, variants=[replace(v, price=Decimal("22.00")) for v in rows.variants])

        def the_other_import() -> None:
            other.append(
                real_upsert(store_table, dearer, replace(row, job_id="other-job"), **kwargs)
            )

        key = store_table.keys.product(upsert.product_id_for(rows.handle))
        with meanwhile(store_table.client, key, the_other_import):
            return real_upsert(store_table, rows, row, **kwargs)

    monkeypatch.setattr(upsert, "upsert", another_import_first)
    report = run_import(client, admin, csv_bytes(shirt_rows()))

    assert other == ["created"]
    assert (_totals(report), report["errors"]) == ((0, 4, 0, 0), []), report
    [tee] = client.get("/products", params={"q": "Tee"}).json()["items"]
    after = product(client, tee["id"])
    assert {v["price"] for v in after["variants"]} == {"20.00"}
    assert (after["stock"], len(after["variants"])) == (20, 4)
    assert set(map(tuple, _variant_moves(client, admin, after).values())) == {(("initial", 5),)}
    check_invariants(table)
