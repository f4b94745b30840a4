"""The catalog's events, read off DynamoDB Local's real change stream after real requests,
and published to EventBridge (the client stubbed at its boundary: EventBridge is not
emulated here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.keys import NOTIFY_PREFIX
from app.db.table import Sort, Table
from app.events.actors import actor_lookup
from app.events.catalog import CatalogEvent, events_from
from app.events.publishing import EventBridgePublisher, EventsOut
from app.live.consumer import LiveStock
from app.stream_handler import process
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.faults import meanwhile
from tests.support.http import stored_item

pytestmark = pytest.mark.dynamodb


def stream_records(table: Table) -> list[dict[str, Any]]:
    """Every record the table's stream holds, oldest first."""
    from app.live.local_stream import every_record

    return every_record(table)


@pytest.fixture
def streamed(table: Table) -> Table:
    table.create()  # the test table has no stream of its own: this turns it on
    return table


def test_stock_and_order_events_name_what_changed_and_who_did_it(
    streamed: Table, client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    product = create_product(client, admin, stock=3)
    buyer = accounts.make()
    body = {"items": [{"product_id": product["id"], "quantity": 3}]}
    order = client.post("/orders", headers=buyer.headers, json=body).json()
    deliver(client, admin, f"/inventory/{product['id']}", 2)
    assert client.post(f"/orders/{order['id']}/cancel", headers=buyer.headers).status_code == 200

    events = events_from(stream_records(streamed), actor_lookup(streamed.for_store))
    told = [
        (e.detail_type, e.detail.get("before"), e.detail.get("after"), e.detail["actor"])
        for e in events
        if e.detail_type not in ("OrderPlaced", "ProductCreated")
    ]
    as_admin = {"id": admin.id, "email": admin.email}
    as_buyer = {"id": buyer.id, "email": buyer.email}
    # request by request, in order (a request's own events in any order: one transaction)
    groups: list[list[tuple[Any, ...]]] = [
        [("StockChanged", None, {"stock": 3}, as_admin)],  # the new product's first bucket
        [
            ("StockChanged", {"stock": 3}, {"stock": 0}, as_buyer),
            ("StockOut", {"in_stock": True}, {"in_stock": False}, as_buyer),
        ],
        [
            ("StockChanged", {"stock": 0}, {"stock": 2}, as_admin),
            ("StockBackIn", {"in_stock": False}, {"in_stock": True}, as_admin),
        ],
        [
            ("OrderCancelled", {"status": "placed"}, {"status": "cancelled"}, as_buyer),
            ("StockChanged", {"stock": 2}, {"stock": 5}, as_buyer),
        ],
    ]
    position = 0
    for group in groups:
        got = told[position : position + len(group)]
        assert sorted(got, key=repr) == sorted(group, key=repr), (got, group)
        position += len(group)
    assert position == len(told)
    # a crossing is dated like the change that made it (not the stream's coarse clock)
    out = next(e for e in events if e.detail_type == "StockOut")
    sold = next(e for e in events if e.detail.get("after") == {"stock": 0})
    assert out.detail["at"] == sold.detail["at"]
    placed = next(e for e in events if e.detail_type == "OrderPlaced")
    assert placed.detail["order_id"] == order["id"]
    assert placed.detail["actor"] == as_buyer
    assert placed.detail["after"]["lines"] == [{"product_id": product["id"], "quantity": 3}]
    assert all(e.detail["store"] == "default" for e in events)
    assert len({e.id for e in events}) == len(events)  # one id per event: receivers dedupe


class Failing:
    def __init__(self) -> None:
        self.sent: list[CatalogEvent] = []

    def publish(self, events: Any) -> list[CatalogEvent]:
        self.sent += events
        return [e for e in events if e.detail_type == "OrderPlaced"]


def test_product_events_say_what_changed_and_who_removed_it(
    streamed: Table, client: TestClient, accounts: Accounts
) -> None:
    admin, other_admin = accounts.make(Role.ADMIN), accounts.make(Role.ADMIN)
    product = create_product(client, admin, name="Blue Kettle", price="30.00", stock=1)
    edit = {"name": "Red Kettle", "price": "32.50"}
    assert (
        client.patch(
            f"/products/{product['id']}", headers=other_admin.headers, json=edit
        ).status_code
        == 200
    )
    assert client.delete(f"/products/{product['id']}", headers=admin.headers).status_code == 204

    events = [
        e
        for e in events_from(stream_records(streamed), actor_lookup(streamed.for_store))
        if e.detail_type.startswith("Product")
    ]
    assert [e.detail_type for e in events] == ["ProductCreated", "ProductUpdated", "ProductDeleted"]
    created, updated, deleted = (e.detail for e in events)
    assert created["after"]["name"] == "Blue Kettle"
    assert created["actor"]["email"] == admin.email
    assert (updated["before"], updated["after"]) == (
        {"name": "Blue Kettle", "price": "30.00"},  # money as the API writes it, "30.00"
        {"name": "Red Kettle", "price": "32.50"},
    )
    assert updated["actor"] == {"id": other_admin.id, "email": other_admin.email}
    assert deleted["product_id"] == product["id"]
    assert deleted["before"]["name"] == "Red Kettle"
    assert deleted["actor"] == {"id": admin.id, "email": admin.email}
    assert json.loads(events[1].detail_json())["before"]["price"] == "30.00"  # never 30
    # the removal record goes by itself after a day (TTL)
    removal = stored_item(streamed, streamed.keys.product_removal(product["id"]))
    assert removal["expires_at"] > 0


def test_an_event_not_published_retries_the_batch_from_its_record(
    streamed: Table, client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    product = create_product(client, admin, stock=3)
    buyer = accounts.make()
    body = {"items": [{"product_id": product["id"], "quantity": 1}]}
    assert client.post("/orders", headers=buyer.headers, json=body).status_code == 201
    records = stream_records(streamed)

    class Quiet:
        def publish(self, channel: str, events: Any) -> None:
            pass

    answer = process(
        records, LiveStock(Quiet(), streamed.for_store), EventsOut(Failing(), streamed.for_store)
    )
    order_record = next(r for r in records if r["dynamodb"]["Keys"]["SK"]["S"].startswith("ORDER#"))
    assert answer == {
        "batchItemFailures": [{"itemIdentifier": order_record["dynamodb"]["SequenceNumber"]}]
    }


def test_a_follow_up_that_fails_after_publishing_retries_every_event_of_the_batch(
    streamed: Table, client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The events are out, then writing their audit entries fails: the whole batch comes
    back (from its first event), and its retry writes each entry once."""
    from app.audit import recording
    from app.events.publishing import LogPublisher

    admin = accounts.make(Role.ADMIN)
    product = create_product(client, admin, name="Lamp", stock=2)
    buyer = accounts.make()
    body = {"items": [{"product_id": product["id"], "quantity": 1}]}
    assert client.post("/orders", headers=buyer.headers, json=body).status_code == 201
    records = stream_records(streamed)
    consumer = EventsOut(LogPublisher(), streamed.for_store)
    real_record = recording.record

    def table_unavailable(*_: Any) -> None:
        raise RuntimeError("DynamoDB is down")

    monkeypatch.setattr(recording, "record", table_unavailable)
    events = events_from(records, actor_lookup(streamed.for_store))
    assert consumer.process(records) == [event.sequence for event in events]
    monkeypatch.setattr(recording, "record", real_record)
    assert consumer.process(records) == []
    entries = client.get("/admin/audit", headers=admin.headers, params={"limit": 100})
    ids = [(e["entity"], e["entity_id"], e["action"], e["at"]) for e in entries.json()["items"]]
    assert any(entity == "order" for entity, *_ in ids)  # the batch's entries are there
    assert len(ids) == len(set(ids))  # once each


def event(n: int, kind: str = "StockChanged") -> CatalogEvent:
    return CatalogEvent(
        id=f"e{n}", detail_type=kind, detail={"store": "default", "n": n}, sequence=str(n)
    )


def _the_last_two_sent(
    stub: Stubber, publisher: EventBridgePublisher, events: list[CatalogEvent]
) -> list[CatalogEvent]:
    """Publish twelve events, the second call (the last two) succeeding: what failed."""
    stub.add_response(
        "put_events",
        {"FailedEntryCount": 0, "Entries": [{"EventId": "y"}] * 2},
        {"Entries": [publisher.entry(e) for e in events[10:]]},
    )
    failed = publisher.publish(events)
    stub.assert_no_pending_responses()
    return failed


def test_eventbridge_gets_ten_entries_a_call_and_failed_entries_come_back() -> None:
    import boto3

    client = boto3.client("events", region_name="us-east-1")
    publisher = EventBridgePublisher("catalog-dev-bus", client=client)
    events = [event(n) for n in range(12)]
    with Stubber(client) as stub:
        first = [publisher.entry(e) for e in events[:10]]
        stub.add_response(
            "put_events",
            {
                "FailedEntryCount": 1,
                "Entries": [{"EventId": "x"}] * 9 + [{"ErrorCode": "InternalFailure"}],
            },
            {"Entries": first},
        )
        failed = _the_last_two_sent(stub, publisher, events)
    assert [e.id for e in failed] == ["e9"]
    sent = first[0]
    assert (sent["Source"], sent["DetailType"], sent["EventBusName"]) == (
        "catalog",
        "StockChanged",
        "catalog-dev-bus",
    )
    assert json.loads(sent["Detail"]) == {"event_id": "e0", "store": "default", "n": 0}


def test_a_put_events_call_that_fails_outright_returns_its_events_and_the_rest_go_on() -> None:
    """A throttled or failed call is its ten events to retry (the stream batch comes back
    from the first of them); the next ten are still sent."""
    import boto3

    client = boto3.client("events", region_name="us-east-1")
    publisher = EventBridgePublisher("catalog-dev-bus", client=client)
    events = [event(n) for n in range(12)]
    with Stubber(client) as stub:
        stub.add_client_error("put_events", "ThrottlingException", http_status_code=400)
        failed = _the_last_two_sent(stub, publisher, events)
    assert [e.id for e in failed] == [f"e{n}" for n in range(10)]


def test_the_audit_log_says_who_changed_what_newest_first(
    streamed: Table, client: TestClient, accounts: Accounts
) -> None:
    from app.events.publishing import LogPublisher

    admin, other_admin = accounts.make(Role.ADMIN), accounts.make(Role.ADMIN)
    store = client.patch(
        "/platform/stores/default",
        headers=accounts.make(Role.PLATFORM_ADMIN).headers,
        json={"settings": {"audit_retention_days": 30}},
    )
    assert store.status_code == 200, store.text
    product = create_product(client, admin, name="Lamp", stock=2)
    edit = {"name": "Desk Lamp"}
    assert (
        client.patch(
            f"/products/{product['id']}", headers=other_admin.headers, json=edit
        ).status_code
        == 200
    )
    buyer = accounts.make()
    body = {"items": [{"product_id": product["id"], "quantity": 1}]}
    order = client.post("/orders", headers=buyer.headers, json=body).json()

    records = stream_records(streamed)
    consumer = EventsOut(LogPublisher(), streamed.for_store)
    assert consumer.process(records) == []
    assert consumer.process(records) == []  # a replay writes the same entries again

    def audit(**params: Any) -> dict[str, Any]:
        response = client.get("/admin/audit", headers=admin.headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    everything = [  # the accounts' roles and the store's settings: tests/integration/test_audit_changes.py
        e for e in audit(limit=100)["items"] if e["entity"] in ("product", "stock", "order")
    ]
    seen = [(e["entity"], e["action"], e["actor"].get("email")) for e in everything]
    assert (
        seen[:3]
        == [  # newest first
            ("stock", "adjust", buyer.email),
            ("order", "create", buyer.email),
            ("product", "update", other_admin.email),
        ]
        or seen[:3]
        == [  # the purchase's two entries share their time
            ("order", "create", buyer.email),
            ("stock", "adjust", buyer.email),
            ("product", "update", other_admin.email),
        ]
    )
    assert sorted(seen[3:]) == [  # created with its stock: one time for both
        ("product", "create", admin.email),
        ("stock", "adjust", admin.email),
    ]
    assert len(everything) == 5  # no duplicates from the replay
    assert [e["at"] for e in everything] == sorted((e["at"] for e in everything), reverse=True)
    updated = next(e for e in everything if e["action"] == "update")
    assert (updated["before"], updated["after"]) == ({"name": "Lamp"}, {"name": "Desk Lamp"})
    by_other = audit(actor=other_admin.id)["items"]
    assert [(e["entity"], e["action"]) for e in by_other] == [("product", "update")]
    orders = audit(entity="order")["items"]
    assert [e["entity_id"] for e in orders] == [order["id"]]

    # cursor pages of 2: all of them, in the same order, each once
    every_entry = audit(limit=100)["items"]
    pages, cursor = [], None
    while True:
        page = audit(limit=2, **({"cursor": cursor} if cursor else {}))
        pages += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == every_entry

    # entries expire after the store's retention (TTL)
    import datetime as dt

    items = [
        i for p in streamed.keys.audit_partitions() for i in streamed.query_page(p, limit=100)[0]
    ]
    for item in items:
        at = dt.datetime.fromisoformat(item["at"].replace("Z", "+00:00")).timestamp()
        assert int(item["expires_at"]) - int(at) == 30 * 86_400

    # only admins read it
    assert client.get("/admin/audit", headers=buyer.headers).status_code == 403


def test_back_in_stock_mails_each_asker_once_when_it_is_back(
    streamed: Table, client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    from app.events.publishing import LogPublisher
    from tests.support.mail import mails

    admin = accounts.make(Role.ADMIN)
    lamp = create_product(client, admin, name="Moon Lamp", stock=0)
    in_stock = create_product(client, admin, name="Sun Lamp", stock=1)
    shoppers = [accounts.make(), accounts.make()]
    path = f"/products/{lamp['id']}/back-in-stock"
    for shopper in shoppers:
        assert client.post(path, headers=shopper.headers).status_code == 204
    assert client.post(path, headers=shoppers[0].headers).status_code == 204  # again: one
    assert client.post(path).status_code == 401
    refused = client.post(f"/products/{in_stock['id']}/back-in-stock", headers=shoppers[0].headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "in_stock")
    unknown = client.post(
        "/products/00000000-0000-0000-0000-000000000000/back-in-stock", headers=shoppers[0].headers
    )
    assert unknown.status_code == 404
    # the product's ledger reads past the requests kept in its partition
    ledger = client.get(f"/inventory/{lamp['id']}/movements", headers=admin.headers)
    assert ledger.status_code == 200, ledger.text
    assert ledger.json()["items"] == []  # created at 0: no movement yet

    consumer = EventsOut(LogPublisher(), streamed.for_store)
    consumer.process(stream_records(streamed))
    assert mails(outbox) == []  # not back yet: nothing sent
    deliver(client, admin, f"/inventory/{lamp['id']}", 5)
    records = stream_records(streamed)
    consumer.process(records)
    consumer.process(records)  # a replay of the batch: no second mail
    sent = mails(outbox)
    assert sorted(m["To"] for m in sent) == sorted(s.email for s in shoppers)
    assert all(m["Subject"] == "Moon Lamp is back" for m in sent)
    assert f"https://shop.example.com/app/products/{lamp['id']}" in sent[0].get_content()
    # the requests are done: selling out and coming back again mails nobody
    requests = streamed.query_page(
        streamed.keys.product_partition(lamp["id"]), sort=Sort.begins_with(NOTIFY_PREFIX), limit=10
    )[0]
    assert requests == []


def test_back_in_stock_mails_only_those_still_asking_who_want_it(
    streamed: Table, client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    """One shopper takes the request back, one opts out of such mail after asking, one had
    opted out before asking (asking again undoes it): only the last is mailed."""
    from app.auth import repository as users
    from app.events.publishing import LogPublisher
    from tests.support.mail import mails

    admin = accounts.make(Role.ADMIN)
    lamp = create_product(client, admin, name="Moon Lamp", stock=0)
    withdrawn, opted_out, came_back = accounts.make(), accounts.make(), accounts.make()
    users.set_mail_opt_out(streamed, user_id=came_back.id, topic="back_in_stock", opted_out=True)
    path = f"/products/{lamp['id']}/back-in-stock"
    for shopper in (withdrawn, opted_out, came_back):
        assert client.post(path, headers=shopper.headers).status_code == 204
    users.set_mail_opt_out(streamed, user_id=opted_out.id, topic="back_in_stock", opted_out=True)
    assert client.delete(path, headers=withdrawn.headers).status_code == 204
    assert client.delete(path, headers=withdrawn.headers).status_code == 204  # none: fine
    unknown = "/products/00000000-0000-0000-0000-000000000000/back-in-stock"
    assert client.delete(unknown, headers=withdrawn.headers).status_code == 404
    assert client.delete(path).status_code == 401

    deliver(client, admin, f"/inventory/{lamp['id']}", 5)
    EventsOut(LogPublisher(), streamed.for_store).process(stream_records(streamed))
    assert [m["To"] for m in mails(outbox)] == [came_back.email]
    requests = streamed.query_page(
        streamed.keys.product_partition(lamp["id"]), sort=Sort.begins_with(NOTIFY_PREFIX), limit=10
    )[0]
    assert requests == []  # the opted-out shopper's request is spent too, unmailed


def test_asking_as_it_comes_back_is_told_it_is_in_stock_not_left_waiting(
    streamed: Table, client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    """The shopper's request is read as sold out; before it is written, a delivery lands
    and its StockBackIn is handled (nobody had asked yet). Written anyway, the request would
    wait for the next time the lamp sells out and comes back, its shopper told it would be
    mailed: the request is written only while the lamp is still sold out."""
    from app.events.publishing import LogPublisher
    from tests.support.mail import mails

    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    lamp = create_product(client, admin, name="Moon Lamp", stock=0)
    consumer = EventsOut(LogPublisher(), streamed.for_store)
    consumer.process(stream_records(streamed))

    def delivered_and_announced() -> None:
        deliver(client, admin, f"/inventory/{lamp['id']}", 5)
        consumer.process(stream_records(streamed))

    key = streamed.keys.back_in_stock_request(lamp["id"], shopper.id)
    with meanwhile(streamed.client, key, delivered_and_announced) as done:
        asked = client.post(f"/products/{lamp['id']}/back-in-stock", headers=shopper.headers)
    assert done == [None]
    assert asked.status_code == 409, asked.status_code
    assert asked.json()["code"] == "in_stock"
    assert streamed.get(key) is None
    assert mails(outbox) == []


def test_a_product_with_options_is_asked_for_while_every_variant_is_sold_out(
    streamed: Table, client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    """Its availability is its variants': asked while none is left, mailed when one is back."""
    from app.events.publishing import LogPublisher
    from tests.support.mail import mails

    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    sizes = ("M", "L")
    body = {
        "name": "Tee",
        "category": "Shirts",
        "options": [{"name": "Size", "values": list(sizes)}],
        "variants": [{"options": {"Size": size}, "price": "9.00", "stock": 0} for size in sizes],
    }
    made = client.post("/products", headers=admin.headers, json=body)
    assert made.status_code == 201, made.text
    tee = made.json()
    path = f"/products/{tee['id']}/back-in-stock"
    assert client.post(path, headers=shopper.headers).status_code == 204
    medium = tee["variants"][0]["id"]
    deliver(client, admin, f"/inventory/{tee['id']}/variants/{medium}", 2)
    EventsOut(LogPublisher(), streamed.for_store).process(stream_records(streamed))
    assert [m["To"] for m in mails(outbox)] == [shopper.email]
    refused = client.post(path, headers=shopper.headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "in_stock")


def test_asking_for_a_product_removed_meanwhile_is_404_and_keeps_nothing(
    streamed: Table, client: TestClient, accounts: Accounts
) -> None:
    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    lamp = create_product(client, admin, name="Moon Lamp", stock=0)

    def removed() -> None:
        assert client.delete(f"/products/{lamp['id']}", headers=admin.headers).status_code == 204

    key = streamed.keys.back_in_stock_request(lamp["id"], shopper.id)
    with meanwhile(streamed.client, key, removed) as done:
        asked = client.post(f"/products/{lamp['id']}/back-in-stock", headers=shopper.headers)
    assert done == [None]
    assert asked.status_code == 404, asked.status_code
    assert streamed.get(key) is None


def asked_then_back_in_stock(
    client: TestClient, accounts: Accounts
) -> tuple[Account, Account, dict[str, Any]]:
    """A lamp made sold out, a shopper asking to be told, then a delivery of 5: an admin,
    the shopper and the lamp."""
    admin, shopper = accounts.make(Role.ADMIN), accounts.make()
    lamp = create_product(client, admin, name="Moon Lamp", stock=0)
    asked = client.post(f"/products/{lamp['id']}/back-in-stock", headers=shopper.headers)
    assert asked.status_code == 204
    deliver(client, admin, f"/inventory/{lamp['id']}", 5)
    return admin, shopper, lamp


def deliver(client: TestClient, admin: Account, stock: str, units: int) -> None:
    """A delivery of `units` to `stock` (`/inventory/{id}`, or a variant's), by `admin`."""
    body = {"delta": units, "reason": "delivery"}
    adjusted = client.post(f"{stock}/adjustments", headers=admin.headers, json=body)
    assert adjusted.status_code == 200, adjusted.text


def test_two_consumers_of_one_batch_mail_the_asker_once(
    streamed: Table, client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    """Two Lambda copies read the same stream batch (a retry while the first still runs):
    the second mails and takes the request just before the first would take it, so the
    first finds it gone and sends nothing."""
    from app.events.publishing import LogPublisher
    from tests.support.mail import mails

    _, shopper, lamp = asked_then_back_in_stock(client, accounts)
    records = stream_records(streamed)
    first, second = (EventsOut(LogPublisher(), streamed.for_store) for _ in range(2))

    request = streamed.keys.back_in_stock_request(lamp["id"], shopper.id)
    with meanwhile(streamed.client, request, lambda: second.process(records)) as done:
        retry = first.process(records)

    assert (len(done), retry) == (1, [])
    assert [m["To"] for m in mails(outbox)] == [shopper.email]


def test_a_product_removed_before_its_back_in_stock_event_is_read_mails_nobody(
    streamed: Table, client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    from app.events.publishing import LogPublisher
    from tests.support.mail import mails

    admin, _, lamp = asked_then_back_in_stock(client, accounts)
    assert client.delete(f"/products/{lamp['id']}", headers=admin.headers).status_code == 204

    retry = EventsOut(LogPublisher(), streamed.for_store).process(stream_records(streamed))
    assert retry == []  # done with: no batch sent back to be read again, and again
    assert mails(outbox) == []


def test_a_count_and_a_spread_name_their_stock_changes_and_who_made_them(
    streamed: Table, client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    keeper = accounts.make(Role.STOCK_MANAGER)
    product = create_product(client, admin, stock=10)
    counted = client.put(
        f"/inventory/{product['id']}",
        headers=keeper.headers,
        json={"stock": 8, "reason": "count"},
    )
    assert counted.status_code == 200, counted.text
    spread = client.put(
        f"/inventory/{product['id']}/buckets", headers=admin.headers, json={"buckets": 2}
    )
    assert spread.status_code == 200, spread.text

    events = events_from(stream_records(streamed), actor_lookup(streamed.for_store))
    changes = [
        (e.detail["bucket"], e.detail["before"], e.detail["after"], e.detail["actor"].get("email"))
        for e in events
        if e.detail_type == "StockChanged"
    ]
    assert changes[0] == (0, None, {"stock": 10}, admin.email)  # created with its stock
    assert changes[1] == (0, {"stock": 10}, {"stock": 8}, keeper.email)  # the count
    # the spread moves half to a new bucket, in one write: the total stays 8
    assert sorted(changes[2:], key=repr) == sorted(
        [(0, {"stock": 8}, {"stock": 4}, admin.email), (1, None, {"stock": 4}, admin.email)],
        key=repr,
    )
    assert not [e for e in events if e.detail_type in ("StockLow", "StockOut", "StockBackIn")]
