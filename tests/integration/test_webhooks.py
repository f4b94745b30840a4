"""Webhooks end to end on DynamoDB Local: registered by an admin, fed from the real change
stream, delivered signed to a receiver on this machine, retried while it is down,
dead-lettered after 24 hours, never sent to a private address or to another store."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient
from moto import mock_aws

from app import webhook_handler
from app.core.roles import Role
from app.db.table import Table
from app.events.catalog import CatalogEvent
from app.events.publishing import EventsOut, LogPublisher
from app.webhooks import delivery, repository
from app.webhooks.delivery import Outcome
from app.webhooks.fanout import fan_out
from app.webhooks.queues import LocalDeliveries
from tests.integration.test_events_out import stream_records
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.clock import Clock
from tests.support.http import stored_item
from tests.support.receiver import Received, receiver

pytestmark = pytest.mark.dynamodb


def verify(secret: str, received: Received, tolerance: int = 300) -> dict[str, Any]:
    """What a receiver does, written from the contract alone: split the header, recompute
    the HMAC over "<t>.<body>", compare in constant time, refuse an old timestamp."""
    fields = dict(part.split("=", 1) for part in received.headers["catalog-signature"].split(","))
    timestamp = int(fields["t"])
    assert abs(time.time() - timestamp) < tolerance
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + received.body, hashlib.sha256)
    assert hmac.compare_digest(mac.hexdigest(), fields["v1"])
    return json.loads(received.body)


class Queued:
    """A delivery queue that keeps what it is given (the test attempts them by hand)."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def send(self, messages: Any) -> None:
        self.messages += messages


def register(client: TestClient, admin: Account, url: str, events: list[str]) -> dict[str, Any]:
    answer = client.post(
        "/admin/webhooks", headers=admin.headers, json={"url": url, "events": events}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def posting(posted: list[Any], status: int) -> Callable[..., int]:
    """In place of the HTTP post: records what it was given and answers `status`."""

    def post(*args: Any) -> int:
        posted.append(args)
        return status

    return post


def test_a_purchase_reaches_the_webhook_signed_and_only_what_it_subscribed_to(
    table: Table, client: TestClient, accounts: Accounts
) -> None:
    table.create()  # the stream
    admin = accounts.make(Role.ADMIN)
    with receiver() as sink:
        hook = register(client, admin, sink.url, ["OrderPlaced"])
        assert hook["secret"].startswith("whsec_")
        assert len(hook["secret"]) > 40
        listed = client.get("/admin/webhooks", headers=admin.headers).json()["items"]
        assert listed == [{k: v for k, v in hook.items() if k != "secret"}]  # never again

        product = create_product(client, admin, stock=5)
        buyer = accounts.make()
        body = {"items": [{"product_id": product["id"], "quantity": 2}]}
        order = client.post("/orders", headers=buyer.headers, json=body).json()

        queue = LocalDeliveries(
            lambda item: delivery.attempt(table.for_store, item, allow_loopback=True)
        )
        consumer = EventsOut(LogPublisher(), table.for_store, webhooks=queue)
        records = stream_records(table)
        assert consumer.process(records) == []
        consumer.process(records)  # a replayed batch: nothing is sent twice
        (got,) = sink.wait_for(1)
        time.sleep(0.3)
        assert len(sink.received) == 1

    envelope = verify(hook["secret"], got)
    assert envelope["detail-type"] == "OrderPlaced"
    assert envelope["source"] == "catalog"
    assert envelope["store"] == "default"
    assert envelope["detail"]["order_id"] == order["id"]
    assert envelope["detail"]["actor"] == {"id": buyer.id, "email": buyer.email}
    assert got.headers["catalog-event-id"] == envelope["id"] == envelope["detail"]["event_id"]
    assert got.headers["content-type"] == "application/json"
    assert got.path == "/hook"

    deliveries = client.get(
        f"/admin/webhooks/{hook['id']}/deliveries", headers=admin.headers
    ).json()["items"]
    assert [
        (d["detail_type"], d["status"], d["attempts"], d["last_status_code"]) for d in deliveries
    ] == [("OrderPlaced", "delivered", 1, 200)]
    assert deliveries[0]["event_id"] == envelope["id"]


def test_a_receiver_down_for_a_while_gets_the_event_once_it_is_back(
    table: Table, client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    with receiver(statuses=[503, 500]) as sink:
        hook = register(client, admin, sink.url, ["ProductCreated"])
        queue = Queued()
        event = CatalogEvent(
            "ev-1",
            "ProductCreated",
            {"store": "default", "at": "2026-12-06T10:00:00+00:00", "product_id": "p1"},
            "1",
        )
        assert fan_out(table.for_store, [event], queue) == 1
        (item,) = queue.messages
        clock = [item["queued_at"]]

        def attempt() -> Outcome:
            return delivery.attempt(
                table.for_store, item, allow_loopback=True, now=lambda: clock[0]
            )

        assert attempt() == Outcome("retry", 30)  # 503
        clock[0] += 30
        assert attempt() == Outcome("retry", 60)  # 500
        shown = client.get(f"/admin/webhooks/{hook['id']}/deliveries", headers=admin.headers)
        (record,) = shown.json()["items"]
        assert (record["status"], record["attempts"], record["last_status_code"]) == (
            "retrying",
            2,
            500,
        )
        assert record["next_attempt_at"] is not None
        clock[0] += 60
        assert attempt() == Outcome("delivered")
        assert attempt() == Outcome("dropped")  # a duplicate message: delivered already
        assert len(sink.received) == 3
        assert len({r.headers["catalog-event-id"] for r in sink.received}) == 1
        verify(hook["secret"], sink.received[-1], tolerance=10**9)
    (record,) = client.get(
        f"/admin/webhooks/{hook['id']}/deliveries", headers=admin.headers
    ).json()["items"]
    assert (record["status"], record["attempts"], record["last_status_code"]) == (
        "delivered",
        3,
        200,
    )


def test_backoff_doubles_and_stops_at_24_hours(
    table: Table, client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    hook = register(client, admin, "http://127.0.0.1:9/nothing-listens", ["StockOut"])
    queue = Queued()
    event = CatalogEvent(
        "ev-2",
        "StockOut",
        {"store": "default", "at": "2026-12-06T10:00:00+00:00", "product_id": "p"},
        "1",
    )
    fan_out(table.for_store, [event], queue)
    (item,) = queue.messages
    clock = Clock(item["queued_at"])
    delays = []
    while True:
        outcome = delivery.attempt(table.for_store, item, allow_loopback=True, now=clock)
        if outcome.kind != "retry":
            break
        delays.append(outcome.delay)
        clock.now += outcome.delay
    assert outcome == Outcome("dead")
    assert delays[:5] == [30, 60, 120, 240, 480]
    assert max(delays) == 6 * 3600
    assert 24 * 3600 <= sum(delays) <= 24 * 3600 + 1
    (record,) = client.get(
        f"/admin/webhooks/{hook['id']}/deliveries", headers=admin.headers
    ).json()["items"]
    assert record["status"] == "failed"
    assert record["attempts"] == len(delays) + 1
    assert record["last_status_code"] is None
    assert "ConnectionRefused" in record["last_error"]


def queued_delivery(table: Table, event_id: str) -> dict[str, Any]:
    """One delivery of a StockOut event to every webhook subscribed, as queued."""
    queue = Queued()
    event = CatalogEvent(
        event_id,
        "StockOut",
        {"store": "default", "at": "2026-12-06T10:00:00+00:00", "product_id": "p"},
        "1",
    )
    fan_out(table.for_store, [event], queue)
    (item,) = queue.messages
    return item


@pytest.mark.parametrize("other_copy_ends", ["while this one posts", "after this one fails"])
def test_two_copies_of_a_message_never_undo_a_delivery(
    table: Table, client: TestClient, accounts: Accounts, other_copy_ends: str
) -> None:
    """SQS delivers a message at least once: two workers can attempt one delivery at once.
    One's success is recorded whatever the other saw; the other's failure, coming after
    it, is refused, and that copy is dropped rather than retried (which would send the
    event yet again)."""
    admin = accounts.make(Role.ADMIN)
    hook = register(client, admin, "http://127.0.0.1:9/flaky", ["StockOut"])
    item = queued_delivery(table, "ev-twice")
    outcomes: list[Outcome] = []

    def attempt(status: int, then: Callable[[], None] = lambda: None) -> Outcome:
        def post(*_: Any) -> int:
            then()
            return status

        return delivery.attempt(table.for_store, item, allow_loopback=True, post=post)

    if other_copy_ends == "while this one posts":
        # this copy has read the record (pending) when the other delivers it
        outcomes.append(attempt(503, then=lambda: outcomes.append(attempt(200))))
        assert outcomes == [Outcome("delivered"), Outcome("dropped")]
    else:
        # the other copy fails first (retrying), then this one delivers
        outcomes.append(attempt(200, then=lambda: outcomes.append(attempt(503))))
        assert outcomes == [Outcome("retry", 30), Outcome("delivered")]
    (record,) = client.get(
        f"/admin/webhooks/{hook['id']}/deliveries", headers=admin.headers
    ).json()["items"]
    assert (record["status"], record["last_status_code"]) == ("delivered", 200)
    assert record["attempts"] == 2 if other_copy_ends == "after this one fails" else 1
    assert record["next_attempt_at"] is None
    # a third copy, later: settled, nothing sent
    assert attempt(500) == Outcome("dropped")


def test_a_delivery_settled_meanwhile_is_not_cancelled_and_a_lost_one_not_made_up(
    table: Table, client: TestClient, accounts: Accounts
) -> None:
    """A record is changed only while it exists and, but for a success, only while it is
    still to be tried: a delivery whose webhook went is cancelled unless it was delivered,
    and an update never writes a record that is not there (a half item with no expiry)."""
    admin = accounts.make(Role.ADMIN)
    hook = register(client, admin, "http://127.0.0.1:9/gone", ["StockOut"])
    item = queued_delivery(table, "ev-settled")
    key = table.keys.delivery(item["webhook_id"], item["at"], item["event_id"])
    assert delivery.attempt(table.for_store, item, allow_loopback=True, post=posting([], 204))
    client.delete(f"/admin/webhooks/{hook['id']}", headers=admin.headers).raise_for_status()
    assert delivery.attempt(table.for_store, item, allow_loopback=True) == Outcome("dropped")
    assert stored_item(table, key)["status"] == "delivered"  # not turned into "cancelled"

    missing = table.keys.delivery(item["webhook_id"], item["at"], "ev-never-recorded")
    assert not repository.mark(table, missing, "cancelled")
    assert not repository.record_attempt(
        table, missing, status="delivered", status_code=200, error=None
    )
    assert not repository.record_attempt(
        table, missing, status="retrying", status_code=503, error="HTTP 503"
    )
    assert table.get(missing) is None


def test_the_sqs_worker_backs_off_dead_letters_and_lets_a_poisoned_message_fail(
    table: Table, client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    register(client, admin, "http://127.0.0.1:9/down", ["StockOut"])
    queue = Queued()
    events = [
        CatalogEvent(
            f"ev-{n}",
            "StockOut",
            {"store": "default", "at": f"2026-12-06T10:00:0{n}+00:00", "product_id": "p"},
            str(n),
        )
        for n in range(2)
    ]
    fan_out(table.for_store, events, queue)
    fresh, old = queue.messages
    old["queued_at"] -= 25 * 3600  # first tried more than 24 hours ago
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        dead_url = sqs.create_queue(QueueName="dead")["QueueUrl"]
        dead_arn = sqs.get_queue_attributes(QueueUrl=dead_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        url = sqs.create_queue(
            QueueName="deliveries",
            Attributes={
                "VisibilityTimeout": "1",
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dead_arn, "maxReceiveCount": "2"}
                ),
            },
        )["QueueUrl"]
        for body in (json.dumps(fresh), json.dumps(old), "{not json"):
            sqs.send_message(QueueUrl=url, MessageBody=body)

        def deliver_once() -> tuple[set[str], dict[str, str]]:
            """One batch through the worker, as Lambda's event source mapping runs it."""
            received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            records = [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                }
                for m in received.get("Messages", [])
            ]
            answer = webhook_handler.process(
                records,
                table_for_store=table.for_store,
                queue_url=url,
                dead_letter_url=dead_url,
                sqs=sqs,
                allow_loopback=True,
            )
            failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
            for record in records:  # as Lambda does: what did not fail is done
                if record["messageId"] not in failed:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=record["receiptHandle"])
            return failed, {r["body"]: r["messageId"] for r in records}

        failed, by_body = deliver_once()
        # the fresh one waits for its backoff, the poisoned one fails as it is, the one
        # first tried more than 24 hours ago goes to the dead-letter queue
        assert failed == {by_body[json.dumps(fresh)], by_body["{not json"]}
        dead = sqs.receive_message(QueueUrl=dead_url, MaxNumberOfMessages=10)["Messages"]
        assert [json.loads(m["Body"])["event_id"] for m in dead] == ["ev-1"]
        sqs.delete_message(QueueUrl=dead_url, ReceiptHandle=dead[0]["ReceiptHandle"])
        # the backoff is the message's visibility timeout: not back yet
        assert deliver_once()[1] == {}
        # the poisoned message, handed over again and again, ends in the dead-letter queue
        for _ in range(3):
            time.sleep(1.1)  # the queue's visibility timeout
            deliver_once()
        dead = sqs.receive_message(QueueUrl=dead_url, MaxNumberOfMessages=10).get("Messages", [])
        assert [m["Body"] for m in dead] == ["{not json"]


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",  # not https
        "https://169.254.169.254/latest/meta-data/",  # the metadata service
        "https://10.0.0.7/hook",
        "https://192.168.1.1/hook",
        "https://[::ffff:127.0.0.1]/hook",  # loopback hidden in IPv6
        "https://[fd00:ec2::254]/",  # the metadata service over IPv6
        "https://0.0.0.0/hook",
        "https://metadata.google.internal/",
        "https://user:password@hooks.example.com/",
        "ftp://hooks.example.com/",
        "http://10.0.0.7/hook",
    ],
)
def test_unsafe_urls_are_refused_and_nothing_is_written(
    table: Table, client: TestClient, accounts: Accounts, url: str
) -> None:
    admin = accounts.make(Role.ADMIN)
    answer = client.post(
        "/admin/webhooks", headers=admin.headers, json={"url": url, "events": ["OrderPlaced"]}
    )
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "unsafe_webhook_url"
    assert problem["errors"][0]["field"] == "url"
    assert client.get("/admin/webhooks", headers=admin.headers).json() == {"items": []}
    assert table.get(table.keys.webhook_counter()) is None


def test_a_name_that_resolves_somewhere_private_is_refused_at_creation_and_at_delivery(
    table: Table, client: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.webhooks import targets

    answers = {"hooks.example.com": ["93.184.216.34"]}
    monkeypatch.setattr(targets, "system_resolver", lambda host, port: answers[host])
    admin = accounts.make(Role.ADMIN)
    url = "https://hooks.example.com/in"
    hook = register(client, admin, url, ["StockOut"])
    answers["private.example.com"] = ["10.1.2.3"]
    refused = client.post(
        "/admin/webhooks",
        headers=admin.headers,
        json={"url": "https://private.example.com/", "events": ["StockOut"]},
    )
    assert refused.status_code == 422
    # the name is rebound to the metadata address after the webhook was made
    answers["hooks.example.com"] = ["93.184.216.34", "169.254.169.254"]
    queue = Queued()
    event = CatalogEvent(
        "ev-r", "StockOut", {"store": "default", "at": "2026-12-06T10:00:00+00:00"}, "1"
    )
    fan_out(table.for_store, [event], queue)
    posted: list[Any] = []
    outcome = delivery.attempt(
        table.for_store,
        queue.messages[0],
        allow_loopback=False,
        post=posting(posted, 200),
    )
    assert outcome.kind == "retry"
    assert posted == []
    (record,) = client.get(
        f"/admin/webhooks/{hook['id']}/deliveries", headers=admin.headers
    ).json()["items"]
    assert record["status"] == "retrying"
    assert "private or reserved" in record["last_error"]
    # back to a public address: the delivery connects to the address it checked
    answers["hooks.example.com"] = ["93.184.216.34"]
    assert delivery.attempt(
        table.for_store,
        queue.messages[0],
        allow_loopback=False,
        post=posting(posted, 204),
    ) == Outcome("delivered")
    ((target, _body, headers),) = posted
    assert (target.address, target.host_header, target.path) == (
        "93.184.216.34",
        "hooks.example.com",
        "/in",
    )
    assert headers["Catalog-Event-Id"] == "ev-r"


def test_another_stores_events_never_reach_this_stores_webhooks(
    table: Table, client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    here = register(client, admin, "http://127.0.0.1:9/here", ["OrderPlaced"])
    north = table.for_store("north")
    repository.create(
        north,
        {
            "id": "01NORTHHOOK",
            "url": "http://127.0.0.1:9/north",
            "events": ["OrderPlaced"],
            "secret": "whsec_north",
            "created_at": "2026-12-06T00:00:00+00:00",
        },
    )
    events = [
        CatalogEvent(
            f"ev-{store}", "OrderPlaced", {"store": store, "at": "2026-12-06T10:00:00+00:00"}, "1"
        )
        for store in ("default", "north")
    ]
    queue = Queued()
    fan_out(table.for_store, events, queue)
    sent = sorted((m["store"], m["webhook_id"], m["event_id"]) for m in queue.messages)
    assert sent == [("default", here["id"], "ev-default"), ("north", "01NORTHHOOK", "ev-north")]
    assert [
        h["id"] for h in client.get("/admin/webhooks", headers=admin.headers).json()["items"]
    ] == [here["id"]]


def test_admins_only_at_most_ten_removal_and_a_test_event(
    table: Table, client: TestClient, accounts: Accounts
) -> None:
    admin = accounts.make(Role.ADMIN)
    for role in (Role.USER, Role.STOCK_MANAGER):
        other = accounts.make(role)
        assert client.get("/admin/webhooks", headers=other.headers).status_code == 403
        denied = client.post(
            "/admin/webhooks",
            headers=other.headers,
            json={"url": "http://127.0.0.1:9/", "events": ["OrderPlaced"]},
        )
        assert denied.status_code == 403
    assert client.get("/admin/webhooks").status_code == 401
    bad = client.post(
        "/admin/webhooks",
        headers=admin.headers,
        json={"url": "http://127.0.0.1:9/", "events": ["Nope"]},
    )
    assert bad.status_code == 422
    with receiver() as sink:
        hooks = [register(client, admin, f"{sink.url}/{n}", ["StockLow"]) for n in range(10)]
        too_many = client.post(
            "/admin/webhooks", headers=admin.headers, json={"url": sink.url, "events": ["StockLow"]}
        )
        assert too_many.status_code == 409
        assert too_many.json()["code"] == "too_many_webhooks"
        for hook in hooks[1:]:
            assert (
                client.delete(f"/admin/webhooks/{hook['id']}", headers=admin.headers).status_code
                == 204
            )
        gone = hooks[1]["id"]
        assert client.delete(f"/admin/webhooks/{gone}", headers=admin.headers).status_code == 404
        assert (
            client.get(f"/admin/webhooks/{gone}/deliveries", headers=admin.headers).status_code
            == 404
        )
        assert client.post(f"/admin/webhooks/{gone}/test", headers=admin.headers).status_code == 404
        assert stored_item(table, table.keys.webhook_counter())["webhooks"] == 1
        register(client, admin, sink.url, ["StockLow"])  # room again

        tested = client.post(f"/admin/webhooks/{hooks[0]['id']}/test", headers=admin.headers)
        assert tested.status_code == 202
        (got,) = sink.wait_for(1)
        envelope = verify(hooks[0]["secret"], got)
        assert envelope["detail-type"] == "WebhookTest"
        assert envelope["id"] == tested.json()["event_id"]
        assert envelope["detail"]["actor"] == {"id": admin.id, "email": admin.email}
        assert got.path == "/hook/0"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            (record,) = client.get(
                f"/admin/webhooks/{hooks[0]['id']}/deliveries", headers=admin.headers
            ).json()["items"]
            if record["status"] == "delivered":
                break
            time.sleep(0.05)
        assert (record["detail_type"], record["status"]) == ("WebhookTest", "delivered")
