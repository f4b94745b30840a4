"""The stream and webhook functions as AWS invokes them, configured only by the environment
infra/template.yaml (and the Lambda runtime) gives them.

The stream function gets a batch of the table's stream records in the event Lambda's
DynamoDB event source mapping hands over (the shape of `sam local generate-event dynamodb
update`); the webhook function gets the messages the stream function queued, as Lambda's
SQS event source mapping hands them over (`... sqs receive-message`). The live level goes to
AppSync Events (its HTTP endpoint answered here), the catalog's events to the EventBridge
bus and the webhooks' deliveries to their SQS queue (moto); the table is DynamoDB Local's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from fastapi.testclient import TestClient
from moto import mock_aws

from app import stream_handler, webhook_handler
from app.core import caches
from app.core.roles import Role
from app.db.table import Table
from app.live import channels
from app.live.local_stream import every_record
from app.webhooks import delivery, targets
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.faults import aws_response
from tests.support.lambda_runtime import lambda_context

pytestmark = pytest.mark.dynamodb

EVENTS = Path(__file__).parent / "events"
STREAM_SAMPLE = json.loads((EVENTS / "dynamodb-update.json").read_text())
SQS_SAMPLE = json.loads((EVENTS / "sqs-receive-message.json").read_text())
LIVE_DOMAIN = "example1234.appsync-api.us-east-1.amazonaws.com"
REGION = "us-east-1"


def stream_event(table: Table, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The records as Lambda delivers them: JSON, the creation time in epoch seconds, the
    stream's ARN on each; every field the sample's records of their kind have."""
    arn = table.client.describe_table(TableName=table.name)["Table"]["LatestStreamArn"]

    def as_delivered(record: dict[str, Any]) -> dict[str, Any]:
        stamp: datetime = record["dynamodb"]["ApproximateCreationDateTime"]
        dynamodb = {**record["dynamodb"], "ApproximateCreationDateTime": int(stamp.timestamp())}
        return {**record, "dynamodb": dynamodb, "eventSourceARN": arn}

    event = json.loads(json.dumps({"Records": [as_delivered(r) for r in records]}))
    samples = {sample["eventName"]: sample for sample in STREAM_SAMPLE["Records"]}
    for record in event["Records"]:
        sample = samples[record["eventName"]]  # an INSERT, a MODIFY or a REMOVE
        assert record.keys() >= sample.keys()
        assert record["dynamodb"].keys() >= sample["dynamodb"].keys()
    return event


def sqs_event(queue_url: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Received messages as Lambda delivers them (the sample's fields, these values)."""
    [sample] = SQS_SAMPLE["Records"]
    arn = boto3.client("sqs", region_name=REGION).get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    return {
        "Records": [
            {
                **sample,
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "md5OfBody": message["MD5OfBody"],
                "attributes": {**sample["attributes"], "ApproximateReceiveCount": "1"},
                "eventSourceARN": arn,
            }
            for message in messages
        ]
    }


class AppSyncEndpoint:
    """AppSync Events' HTTP endpoint, in place of the publisher's HTTP session: takes
    every publish, keeps what it was sent."""

    def __init__(self) -> None:
        self.requests: list[Any] = []

    def send(self, request: Any) -> AWSResponse:
        self.requests.append(request)
        events = json.loads(request.body)["events"]
        body = {"successful": [{"index": i} for i in range(len(events))], "failed": []}
        return aws_response(request.url, 200, json.dumps(body).encode())

    def published(self) -> list[tuple[str, dict[str, Any]]]:
        sent = [json.loads(request.body) for request in self.requests]
        return [(s["channel"], json.loads(e)) for s in sent for e in s["events"]]


@dataclass(frozen=True)
class Queues:
    webhooks: str
    dead_letters: str
    bus_copies: str  # every event on the bus, through a rule matching the catalog's source


@pytest.fixture
def aws(table: Table, dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Queues]:
    """The functions' environment, as the template and the runtime set it, over moto's
    EventBridge and SQS."""
    with mock_aws():
        # DynamoDB Local keeps a database per access key: the functions' clients sign with
        # the test table's (boto3's default session holds the credentials it first found)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        sqs = boto3.client("sqs", region_name=REGION)
        events = boto3.client("events", region_name=REGION)
        queues = Queues(
            *(sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("hooks", "dead", "copies"))
        )
        copies = sqs.get_queue_attributes(QueueUrl=queues.bus_copies, AttributeNames=["QueueArn"])
        events.create_event_bus(Name="catalog-events")
        events.put_rule(
            Name="all", EventBusName="catalog-events", EventPattern='{"source":["catalog"]}'
        )
        events.put_targets(
            Rule="all",
            EventBusName="catalog-events",
            Targets=[{"Id": "copies", "Arn": copies["Attributes"]["QueueArn"]}],
        )
        for name, value in {
            "AWS_DEFAULT_REGION": REGION,  # as the Lambda runtime sets it, with AWS_REGION
            "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint,  # the table: DynamoDB Local's
            "CATALOG_TABLE": table.name,
            "LIVE_HTTP_DOMAIN": LIVE_DOMAIN,
            "EVENT_BUS_NAME": "catalog-events",
            "WEBHOOK_QUEUE_URL": queues.webhooks,
            "WEBHOOK_DEAD_LETTER_URL": queues.dead_letters,
        }.items():
            monkeypatch.setenv(name, value)
        caches.reset()
        yield queues
    caches.reset()


def receive(queue_url: str) -> list[dict[str, Any]]:
    """Every message now visible on the queue, oldest first."""
    sqs = boto3.client("sqs", region_name=REGION)
    found: list[dict[str, Any]] = []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
        "Messages"
    ):
        found += messages
    return found


def bodies(queue_url: str) -> list[dict[str, Any]]:
    return [json.loads(message["Body"]) for message in receive(queue_url)]


@dataclass(frozen=True)
class Sale:
    admin: Account
    buyer: Account
    hook_id: str
    kettle: str
    appsync: AppSyncEndpoint
    answer: dict[str, Any]  # the stream function's


@pytest.fixture
def sale(
    client: TestClient,
    accounts: Accounts,
    table: Table,
    aws: Queues,
    monkeypatch: pytest.MonkeyPatch,
) -> Sale:
    """A webhook for StockChanged, a kettle stocked 5, two of them bought; the stream's
    records of all that, through the stream function."""
    table.create()  # turns the test table's stream on
    monkeypatch.setattr(targets, "system_resolver", lambda host, port: ["93.184.216.34"])
    admin, buyer = accounts.make(Role.ADMIN), accounts.make()
    hook = client.post(
        "/admin/webhooks",
        headers=admin.headers,
        json={"url": "https://hooks.example.com/in", "events": ["StockChanged"]},
    )
    assert hook.status_code == 201, hook.text
    kettle = create_product(client, admin, name="Kettle", stock=5)["id"]
    order = {"items": [{"product_id": kettle, "quantity": 2}]}
    assert client.post("/orders", headers=buyer.headers, json=order).status_code == 201
    event = stream_event(table, every_record(table))
    appsync = AppSyncEndpoint()
    monkeypatch.setattr(stream_handler.live_stock().publisher, "_http", appsync)
    answer = stream_handler.handler(event, lambda_context("stream-1"))
    return Sale(admin, buyer, hook.json()["id"], kettle, appsync, answer)


def test_a_purchase_goes_live_onto_the_bus_and_to_the_webhooks_queue(
    sale: Sale, aws: Queues
) -> None:
    assert sale.answer == {"batchItemFailures": []}
    # the level, signed with the function's credentials for AppSync in its region
    requests = sale.appsync.requests
    assert {request.url for request in requests} == {f"https://{LIVE_DOMAIN}/event"}
    for request in requests:
        assert f"/{REGION}/appsync/aws4_request" in request.headers["Authorization"]
    published = sale.appsync.published()
    assert {channel for channel, _ in published} == {channels.product_stock("default", sale.kettle)}
    assert [(e["product_id"], e["stock"]) for _, e in published][-1] == (sale.kettle, 3)
    # the catalog's events on the bus, from the source the rules match on
    on_bus = bodies(aws.bus_copies)
    assert {e["source"] for e in on_bus} == {"catalog"}
    assert {"ProductCreated", "StockChanged", "OrderPlaced"} <= {e["detail-type"] for e in on_bus}
    sold = [e["detail"] for e in on_bus if e["detail-type"] == "StockChanged"]
    assert [(d["product_id"], d["before"], d["after"]) for d in sold] == [
        (sale.kettle, None, {"stock": 5}),  # its first stock
        (sale.kettle, {"stock": 5}, {"stock": 3}),  # the purchase, made by the buyer
    ]
    assert sold[1]["actor"] == {"id": sale.buyer.id, "email": sale.buyer.email}
    # and one delivery queued for the webhook per StockChanged it subscribed to
    queued = bodies(aws.webhooks)
    assert {m["webhook_id"] for m in queued} == {sale.hook_id}
    assert sorted(m["event_id"] for m in queued) == sorted(d["event_id"] for d in sold)


def test_the_webhook_function_puts_a_refused_delivery_back_for_its_backoff(
    sale: Sale, aws: Queues, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook's name resolves somewhere private by the time its deliveries are made:
    nothing is sent, each message is reported failed with its visibility timeout set to
    the first backoff (SQS hands it over again then), and the delivery log says why."""
    monkeypatch.setattr(targets, "system_resolver", lambda host, port: ["10.0.0.5"])
    messages = receive(aws.webhooks)
    assert len(messages) == 2
    hidden: list[dict[str, Any]] = []
    sqs = webhook_handler._sqs()  # the function's own client: what it asks of SQS
    sqs.meta.events.register(
        "before-parameter-build.sqs.ChangeMessageVisibility",
        lambda params, **_: hidden.append(dict(params)),
    )

    answer = webhook_handler.handler(sqs_event(aws.webhooks, messages), lambda_context("hooks-1"))

    failed = [{"itemIdentifier": message["MessageId"]} for message in messages]
    assert answer == {"batchItemFailures": failed}
    assert sorted((h["ReceiptHandle"], int(h["VisibilityTimeout"])) for h in hidden) == sorted(
        (message["ReceiptHandle"], delivery.FIRST_DELAY_SECONDS) for message in messages
    )
    assert receive(aws.dead_letters) == []
    log = client.get(f"/admin/webhooks/{sale.hook_id}/deliveries", headers=sale.admin.headers)
    assert [(d["status"], d["attempts"]) for d in log.json()["items"]] == [("retrying", 1)] * 2
    assert all("private or reserved" in d["last_error"] for d in log.json()["items"])
