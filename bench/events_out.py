"""Events out: what the stream consumer sustains, and what a million changes cost on AWS.

1. Locally, in one process, on DynamoDB Local: PRODUCTS products are created and PURCHASES
   one-line purchases made through the API (a TestClient), with one webhook subscribed to
   every event; the table's stream is then read and handed to the consumer
   (app/events/publishing.py) in one batch, as the stream function gets it: events
   derived, published (to a counting publisher: EventBridge is not emulated), the webhook's
   deliveries recorded and queued (to a list: SQS is not emulated either), audit entries
   written, low-stock marks kept. Events per second, and the write units per event as
   DynamoDB reports them (ReturnConsumedCapacity).
2. Cost per million changes, list prices: EventBridge PutEvents, the audit entry, the
   stream function's time (from 1), and per webhook subscribed: the delivery's record and
   its updates, SQS requests, the webhook function's invocation and time.

    .venv/bin/python -m bench.events_out [--products N] [--purchases N]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Any

from bench.common import app_for, dynamodb, new_table, result
from bench.cost_model import (
    DYNAMODB_READ_UNITS_PER_MILLION,
    DYNAMODB_WRITE_UNITS_PER_MILLION,
    LAMBDA_ARM64_PER_GB_SECOND,
    LAMBDA_REQUESTS_PER_MILLION,
)

EVENTBRIDGE_PER_MILLION = 1.00  # custom events, 64 KB chunks (one per event here)
SQS_PER_MILLION_REQUESTS = 0.40  # standard queue, after the free tier
STREAM_FUNCTION_GB = 0.5  # infra/template.yaml, StreamFunction MemorySize
WEBHOOK_FUNCTION_GB = 0.25
WEBHOOK_POST_MS = 150.0  # an assumed receiver: 150 ms to answer over TLS
WEBHOOK_BATCH = 10  # messages per webhook function invocation (BatchSize), at best


class Counting:
    def __init__(self) -> None:
        self.events = 0

    def publish(self, events: Any) -> list[Any]:
        self.events += len(events)
        return []


class Queued:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def send(self, messages: Any) -> None:
        self.messages += messages


@dataclass(frozen=True)
class Measured:
    events: int
    bare_rate: float  # events/s, no webhook
    rate: float  # events/s, one webhook subscribed to everything
    bare_writes: float  # write units per event, no webhook
    bare_reads: float
    hook_writes: float  # more write units per event for the webhook


def history(products: int, purchases: int) -> tuple[Any, list[dict[str, Any]]]:
    """A fresh table with its stream, the products made and bought through the API (one
    webhook subscribed to everything), and every record its stream then holds."""
    from app.auth import repository
    from app.core.roles import Role
    from app.core.timeutil import now_iso
    from app.events.catalog import DETAIL_TYPES
    from app.live.local_stream import every_record

    table = new_table("events")
    table.create()  # the stream
    client = app_for(table)
    admin = {"email": "bench-admin@example.com", "password": "bench-password-1", "name": "B"}
    client.post("/auth/signup", json=admin).raise_for_status()
    user = repository.get_by_email(table, email=admin["email"])
    assert user is not None
    repository.change_role(table, user=user, role=Role.ADMIN, now=now_iso())
    login = client.post(
        "/auth/login", data={"username": admin["email"], "password": admin["password"]}
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    hook = {"url": "http://127.0.0.1:9/bench", "events": list(DETAIL_TYPES)}
    client.post("/admin/webhooks", headers=headers, json=hook).raise_for_status()
    ids = []
    for n in range(products):
        body = {"name": f"Bench {n}", "price": "3.00", "category": "Bench", "stock": 1000}
        answer = client.post("/products", headers=headers, json=body)
        answer.raise_for_status()
        ids.append(answer.json()["id"])
    for n in range(purchases):
        order = {"items": [{"product_id": ids[n % products], "quantity": 1}]}
        client.post("/orders", headers=headers, json=order).raise_for_status()
    return table, every_record(table)


def consume(products: int, purchases: int) -> Measured:
    from app.events.publishing import EventsOut

    table, records = history(products, purchases)
    units = {"read": 0.0, "write": 0.0}

    def ask_capacity(params: dict[str, Any], **_: Any) -> None:
        params["ReturnConsumedCapacity"] = "TOTAL"

    def count_capacity(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        kind = "read" if model.name in ("GetItem", "BatchGetItem", "Query") else "write"
        consumed = parsed.get("ConsumedCapacity", [])
        consumed = consumed if isinstance(consumed, list) else [consumed]
        units[kind] += sum(c.get("CapacityUnits", 0.0) for c in consumed)

    hooks = table.client.meta.events
    hooks.register("before-parameter-build.dynamodb", ask_capacity)
    hooks.register("after-call.dynamodb", count_capacity)
    # first without the webhook's deliveries, then (the same records again: a replay for
    # the audit log, new for the deliveries) with them
    plain = EventsOut(Counting(), table.for_store)
    began = time.perf_counter()
    assert plain.process(records) == []
    bare = time.perf_counter() - began
    bare_units = dict(units)
    publisher, queue = Counting(), Queued()
    consumer = EventsOut(publisher, table.for_store, webhooks=queue)
    units.update(read=0.0, write=0.0)
    began = time.perf_counter()
    failed = consumer.process(records)
    took = time.perf_counter() - began
    assert failed == [], failed
    events = publisher.events
    assert len(queue.messages) == events, (len(queue.messages), events)
    return Measured(
        events=events,
        bare_rate=events / bare,
        rate=events / took,
        bare_writes=bare_units["write"] / events,
        bare_reads=bare_units["read"] / events,
        hook_writes=(units["write"] - bare_units["write"]) / events,
    )


def cost_per_million(m: Measured) -> None:
    stream_ms = 1000 / m.bare_rate
    stream_lambda = stream_ms / 1000 * STREAM_FUNCTION_GB * LAMBDA_ARM64_PER_GB_SECOND * 1e6
    base = {
        "EventBridge PutEvents": EVENTBRIDGE_PER_MILLION,
        "stream function time": stream_lambda,
        "DynamoDB writes (the audit entry)": m.bare_writes * DYNAMODB_WRITE_UNITS_PER_MILLION,
        "DynamoDB reads (actors, webhooks, stock totals)": m.bare_reads
        * DYNAMODB_READ_UNITS_PER_MILLION,
    }
    # per webhook subscribed, per event: SendMessageBatch (1/10 of a request), receive and
    # delete by the event source mapping (~2/10), one delivery attempt: the webhook and
    # delivery read (2 x 0.5 RU... strongly consistent: 1 RU each), the attempt's update
    # (1 WU), the function's invocation (1/10) and time (the POST)
    webhook = (
        m.hook_writes * DYNAMODB_WRITE_UNITS_PER_MILLION  # the delivery's record
        + 0.3 * SQS_PER_MILLION_REQUESTS
        + 2 * DYNAMODB_READ_UNITS_PER_MILLION
        + 1 * DYNAMODB_WRITE_UNITS_PER_MILLION
        + LAMBDA_REQUESTS_PER_MILLION / WEBHOOK_BATCH
        + WEBHOOK_POST_MS / 1000 * WEBHOOK_FUNCTION_GB * LAMBDA_ARM64_PER_GB_SECOND * 1e6
    )
    print("\ncost per million changes (USD, list prices, us-east-1):")
    for name, value in base.items():
        print(f"  {name:48s} {value:8.2f}")
    total = sum(base.values())
    print(f"  {'events out, no webhook':48s} {total:8.2f}")
    print(f"  {'each webhook subscribed to every event, add':48s} {webhook:8.2f}")
    result("events: cost per million changes (USD)", total, "<=", None)
    result("events: per webhook, per million changes (USD)", webhook, "<=", None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--purchases", type=int, default=300)
    args = parser.parse_args()
    with dynamodb():
        m = consume(args.products, args.purchases)
    print(
        f"consumer: {m.events} events in one batch, in one process on DynamoDB Local:"
        f" {m.bare_rate:,.0f} events/s published and audited ({m.bare_writes:.2f} write,"
        f" {m.bare_reads:.2f} read units per event); {m.rate:,.0f} events/s with one"
        f" webhook's deliveries recorded and queued too (+{m.hook_writes:.2f} write units)"
    )
    result("events: consumer events/s", m.bare_rate, ">=", None)
    result("events: consumer events/s, one webhook", m.rate, ">=", None)
    result("events: write units per event", m.bare_writes, "<=", None)
    cost_per_million(m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
