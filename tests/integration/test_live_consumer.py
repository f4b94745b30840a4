"""The stream consumer (app/stream_handler.py, app/live/consumer.py) as Lambda runs it:
partial batch failures, retries and replays, against DynamoDB Local."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.roles import Role
from app.db.table import Table
from app.live.consumer import LiveStock, PublishError
from app.stream_handler import process
from tests.support.accounts import Accounts
from tests.support.catalog import create_product

pytestmark = pytest.mark.dynamodb


class Publisher:
    def __init__(self, failing: set[str] | None = None) -> None:
        self.failing = failing or set()
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def publish(self, channel: str, events: Sequence[str]) -> None:
        if any(channel.endswith(product) for product in self.failing):
            raise PublishError("AppSync answered 500")
        self.sent += [(channel, json.loads(event)) for event in events]


def bucket_record(table: Table, product_id: str, sequence: str, bucket: int = 0) -> dict[str, Any]:
    key = table.keys.stock_bucket(product_id, bucket)
    return {
        "eventName": "MODIFY",
        "dynamodb": {
            "Keys": {"PK": {"S": key["PK"]}, "SK": {"S": key["SK"]}},
            "SequenceNumber": sequence,
        },
    }


@pytest.fixture
def shop(client: TestClient, accounts: Accounts, table: Table) -> tuple[list[str], Table]:
    admin = accounts.make(Role.ADMIN)
    products = [create_product(client, admin, stock=stock)["id"] for stock in (10, 4)]
    buyer = accounts.make()
    body = {"items": [{"product_id": products[0], "quantity": 3}]}
    assert client.post("/orders", headers=buyer.headers, json=body).status_code == 201
    return products, table


def consumer(table: Table, publisher: Publisher) -> LiveStock:
    return LiveStock(publisher, table.for_store, interval=1.0)


def no_sleep(_: float) -> None:
    pass


def test_a_failed_publish_is_a_partial_batch_failure_from_that_products_first_record(
    shop: tuple[list[str], Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    (kettle, mug), table = shop
    batch = [
        bucket_record(table, mug, "100"),
        bucket_record(table, kettle, "101"),
        bucket_record(table, kettle, "102"),
    ]
    publisher = Publisher(failing={kettle})
    live = consumer(table, publisher)
    monkeypatch.setattr("app.live.consumer.time.sleep", no_sleep)
    answer = process(batch, live)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "101"}]}
    assert [(e["product_id"], e["stock"]) for _, e in publisher.sent] == [(mug, 4)]

    # Lambda retries from record 101 on: the kettle's level goes out, once
    publisher.failing.clear()
    assert process(batch[1:], live) == {"batchItemFailures": []}
    assert [(e["product_id"], e["stock"]) for _, e in publisher.sent][-1] == (kettle, 7)
    assert publisher.sent[-1][0] == f"/stock/default/{kettle}"


def test_a_replay_after_a_crash_sends_the_last_level_again_and_nothing_worse(
    shop: tuple[list[str], Table], client: TestClient, accounts: Accounts
) -> None:
    (kettle, _), table = shop
    first = Publisher()
    batch = [bucket_record(table, kettle, "200")]
    assert process(batch, consumer(table, first)) == {"batchItemFailures": []}
    # the container dies before Lambda records the batch as done; a new one gets it again,
    # by then the level moved on: it publishes the level as it is, never the old one
    admin = accounts.make(Role.ADMIN)
    body = {"stock": 2, "reason": "count"}
    assert client.put(f"/inventory/{kettle}", headers=admin.headers, json=body).status_code == 200
    replayed = Publisher()
    assert process(batch, consumer(table, replayed)) == {"batchItemFailures": []}
    assert [e["stock"] for _, e in first.sent] == [7]
    assert [e["stock"] for _, e in replayed.sent] == [2]


def test_a_product_removed_is_announced_as_deleted(
    shop: tuple[list[str], Table], client: TestClient, accounts: Accounts
) -> None:
    (kettle, _), table = shop
    admin = accounts.make(Role.ADMIN)
    assert client.delete(f"/products/{kettle}", headers=admin.headers).status_code == 204
    removed = {
        "eventName": "REMOVE",
        "dynamodb": {
            "Keys": {"PK": {"S": table.keys.product_partition(kettle)}, "SK": {"S": "PRODUCT"}},
            "SequenceNumber": "300",
        },
    }
    publisher = Publisher()
    assert process([removed], consumer(table, publisher)) == {"batchItemFailures": []}
    [(_, event)] = publisher.sent
    assert event["product_id"] == kettle
    assert event["deleted"] is True


def test_a_spread_product_is_published_with_the_sum_of_its_buckets(
    shop: tuple[list[str], Table], client: TestClient, accounts: Accounts
) -> None:
    (kettle, _), table = shop
    admin = accounts.make(Role.ADMIN)
    spread = client.put(f"/inventory/{kettle}/buckets", headers=admin.headers, json={"buckets": 3})
    assert spread.status_code == 200
    publisher = Publisher()
    # a record of bucket 2 alone: its own image holds a third; the event holds the sum
    assert process([bucket_record(table, kettle, "400", bucket=2)], consumer(table, publisher)) == {
        "batchItemFailures": []
    }
    assert [e["stock"] for _, e in publisher.sent] == [7]


def test_a_variant_s_level_goes_to_its_own_channel_and_its_product_s(
    client: TestClient, accounts: Accounts, table: Table
) -> None:
    from tests.api.test_variants import make_tshirt, variant

    shirt = make_tshirt(client, accounts.make(Role.ADMIN))
    blue_m = variant(shirt, Size="M", Colour="Blue")
    line = {"product_id": shirt["id"], "variant_id": blue_m["id"], "quantity": 4}
    assert (
        client.post("/orders", headers=accounts.make().headers, json={"items": [line]}).status_code
        == 201
    )
    publisher = Publisher()
    assert process([bucket_record(table, blue_m["id"], "500")], consumer(table, publisher)) == {
        "batchItemFailures": []
    }
    sent = [(channel.rsplit("/", 1)[-1], event) for channel, event in publisher.sent]
    assert [(c, e["product_id"], e.get("variant_id"), e["stock"]) for c, e in sent] == [
        (blue_m["id"], blue_m["id"], None, 26),
        (shirt["id"], shirt["id"], blue_m["id"], 26),
    ]


def test_a_table_made_before_the_stream_gets_one_from_create_table(dynamodb_endpoint: str) -> None:
    """`make run` keeps its data between runs: its table predates live stock."""
    from app.db.keys import Keys
    from app.db.table import dynamodb_client

    client = dynamodb_client(dynamodb_endpoint, "us-east-1")
    old = Table(client=client, name=f"old-{uuid.uuid4().hex[:8]}", keys=Keys("default"))
    assert old.create(stream=False) is True
    assert "LatestStreamArn" not in client.describe_table(TableName=old.name)["Table"]
    assert old.create() is False  # exists: left as it is, but for its stream
    described = client.describe_table(TableName=old.name)["Table"]
    assert described["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    client.delete_table(TableName=old.name)
