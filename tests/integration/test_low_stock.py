"""Low stock, from DynamoDB Local's real change stream: one `StockLow` event and one mail to
the store's stock managers and admins per crossing below the threshold -- not again until
the stock has risen above it -- whatever the buckets, replays or unsubscribes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from app.events.catalog import CatalogEvent
from app.events.publishing import EventsOut
from tests.integration.test_events_out import stream_records
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.mail import mails

pytestmark = pytest.mark.dynamodb

UNSUBSCRIBE = re.compile(
    r"https://shop\.example\.com/app/unsubscribe#topic=([a-z_]+)&user=([^&\s]+)&token=(\S+)"
)


class Kept:
    """An event publisher that keeps what it is given."""

    def __init__(self) -> None:
        self.events: list[CatalogEvent] = []

    def publish(self, events: Any) -> list[CatalogEvent]:
        self.events += events
        return []


@pytest.fixture
def streamed(table: Table) -> Table:
    table.create()
    return table


def settle(consumer: EventsOut, table: Table) -> None:
    """Process the whole stream twice over (a replay each time): the marks the first pass
    writes are themselves stream records, which the second pass reads."""
    for _ in range(2):
        consumer.process(stream_records(table))


def buy(client: TestClient, buyer: Account, product_id: str, quantity: int) -> None:
    body = {"items": [{"product_id": product_id, "quantity": quantity}]}
    assert client.post("/orders", headers=buyer.headers, json=body).status_code == 201


def adjust(client: TestClient, admin: Account, product_id: str, delta: int) -> None:
    body = {"delta": delta, "reason": "delivery"}
    answer = client.post(f"/inventory/{product_id}/adjustments", headers=admin.headers, json=body)
    assert answer.status_code == 200, answer.text


def low_events(kept: Kept, product_id: str) -> list[CatalogEvent]:
    found = [e for e in kept.events if e.detail_type == "StockLow"]
    return list({e.id: e for e in found if e.detail["product_id"] == product_id}.values())


def test_one_stock_low_and_one_mail_per_crossing(
    streamed: Table, client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    admin = accounts.make(Role.ADMIN)
    keeper = accounts.make(Role.STOCK_MANAGER)
    accounts.make(Role.USER)  # a shopper: never told
    buyer = accounts.make()
    vase = create_product(client, admin, name="Blue Vase", stock=8)  # threshold: 5
    kept = Kept()
    consumer = EventsOut(kept, streamed.for_store)

    buy(client, buyer, vase["id"], 2)  # 6: above
    settle(consumer, streamed)
    assert low_events(kept, vase["id"]) == []
    assert mails(outbox) == []

    buy(client, buyer, vase["id"], 2)  # 4: the crossing
    buy(client, buyer, vase["id"], 1)  # 3: still low, no second crossing
    settle(consumer, streamed)
    (low,) = low_events(kept, vase["id"])
    assert low.detail["after"] == {"stock": 4, "threshold": 5}  # down to 4 at the crossing
    assert low.detail["actor"] == {"id": buyer.id, "email": buyer.email}
    sent = mails(outbox)
    assert sorted(m["To"] for m in sent) == sorted([admin.email, keeper.email])
    assert all(m["Subject"].startswith("Low stock: Blue Vase") for m in sent)
    assert f"https://shop.example.com/app/inventory/{vase['id']}" in sent[0].get_content()
    # the audit log says so too
    audit = client.get("/admin/audit?entity=stock", headers=admin.headers).json()["items"]
    assert [e["action"] for e in audit].count("low") == 1

    adjust(client, admin, vase["id"], +1)  # 4: up, but still low: nothing
    settle(consumer, streamed)
    assert len(low_events(kept, vase["id"])) == 1
    assert len(mails(outbox)) == 2

    # the stock manager unsubscribes by the link in their mail
    (mine,) = [m for m in sent if m["To"] == keeper.email]
    topic, user_id, token = UNSUBSCRIBE.search(mine.get_content()).groups()  # type: ignore[union-attr]
    assert (topic, user_id) == ("low_stock", keeper.id)
    forged = {"topic": topic, "user_id": user_id, "token": token[:-2] + "xx"}
    refused = client.post("/notifications/unsubscribe", json=forged)
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_token")
    body = {"topic": topic, "user_id": user_id, "token": token}
    assert client.post("/notifications/unsubscribe", json=body).status_code == 204
    assert client.post("/notifications/unsubscribe", json=body).status_code == 204  # again: fine

    adjust(client, admin, vase["id"], +10)  # 14: above again
    buy(client, buyer, vase["id"], 10)  # 4: a new crossing
    settle(consumer, streamed)
    assert len(low_events(kept, vase["id"])) == 2
    later = mails(outbox)[2:]
    assert [m["To"] for m in later] == [admin.email]  # the stock manager opted out


def test_a_product_spread_over_buckets_is_low_by_its_total(
    streamed: Table, client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    admin = accounts.make(Role.ADMIN)
    buyer = accounts.make()
    jug = create_product(client, admin, name="Jug", stock=12)
    spread = client.put(
        f"/inventory/{jug['id']}/buckets", headers=admin.headers, json={"buckets": 4}
    )
    assert spread.status_code == 200, spread.text
    kept = Kept()
    consumer = EventsOut(kept, streamed.for_store)
    settle(consumer, streamed)
    # one bucket emptied (3 -> 0) is not the product: 9 left in all
    for _ in range(3):
        buy(client, buyer, jug["id"], 1)
    settle(consumer, streamed)
    level = client.get(f"/inventory/{jug['id']}", headers=admin.headers).json()["stock"]
    assert level == 9
    assert low_events(kept, jug["id"]) == []
    for _ in range(4):  # 5: at the threshold
        buy(client, buyer, jug["id"], 1)
    settle(consumer, streamed)
    (low,) = low_events(kept, jug["id"])
    assert low.detail["after"] == {"stock": 5, "threshold": 5}
    assert [m["To"] for m in mails(outbox)] == [admin.email]


def test_a_store_threshold_and_a_removed_product(
    streamed: Table, client: TestClient, accounts: Accounts, outbox: Path
) -> None:
    admin = accounts.make(Role.ADMIN)
    buyer = accounts.make()
    operator = accounts.make(Role.PLATFORM_ADMIN)
    settings = client.patch(
        "/platform/stores/default",
        headers=operator.headers,
        json={"settings": {"low_stock_threshold": 1}},
    )
    assert settings.status_code == 200, settings.text
    cup = create_product(client, admin, name="Cup", stock=3)
    buy(client, buyer, cup["id"], 1)  # 2: above this store's threshold of 1
    kept = Kept()
    consumer = EventsOut(kept, streamed.for_store)
    settle(consumer, streamed)
    assert low_events(kept, cup["id"]) == []
    buy(client, buyer, cup["id"], 1)  # 1
    assert client.delete(f"/products/{cup['id']}", headers=admin.headers).status_code == 204
    settle(consumer, streamed)  # gone before its mark: nothing to tell, nothing fails
    assert mails(outbox) == []


def test_a_mail_that_cannot_be_sent_is_counted_and_the_others_still_go(
    streamed: Table,
    client: TestClient,
    accounts: Accounts,
    outbox: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The mail service refuses the stock manager's mail: the admin's still goes, the
    failure is logged and counted (MailFailures alarms someone), and the crossing stays
    marked mailed -- a replay sends nobody a second mail (at most one per crossing)."""
    from app.core import mail, metrics

    admin = accounts.make(Role.ADMIN)
    keeper = accounts.make(Role.STOCK_MANAGER)
    vase = create_product(client, admin, name="Blue Vase", stock=6)  # threshold: 5
    counted: list[str] = []
    monkeypatch.setattr(metrics, "_sinks", [lambda name, value: counted.append(name)])
    real_send = mail.send

    def refusing(*, to: str, **fields: Any) -> None:
        if to == keeper.email:
            raise OSError("the mail service refused it")
        real_send(to=to, **fields)

    monkeypatch.setattr(mail, "send", refusing)
    consumer = EventsOut(Kept(), streamed.for_store)
    buy(client, accounts.make(), vase["id"], 2)  # 4: the crossing

    with caplog.at_level("ERROR", logger="app.notifications.subscriptions"):
        settle(consumer, streamed)
    assert [m["To"] for m in mails(outbox)] == [admin.email]
    assert counted.count(metrics.MAIL_FAILURES) == 1
    assert [r.getMessage() for r in caplog.records] == ["low_stock mail failed"]
    monkeypatch.setattr(mail, "send", real_send)
    settle(consumer, streamed)
    assert [m["To"] for m in mails(outbox)] == [admin.email]
