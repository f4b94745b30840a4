"""Live stock: how fast a change reaches a subscriber, how much the stream consumer
sustains, and what pushing costs next to polling.

1. Write to subscriber, locally: uvicorn with LIVE_MODE=local (as `make run`) on DynamoDB
   Local; a WebSocket client subscribes to a product as the web app does; each of ROUNDS
   stock adjustments (1.2 s apart, so none is held back by the one-per-second rule) is
   timed from just before the request to the event's arrival. p50 and p95.
2. The consumer, in process: one batch of stream records touching PRODUCTS products, each
   read (strongly consistent BatchGetItem, 25 products a call) and published to a counting
   publisher. Events per second, and the read units one event costs as DynamoDB reports
   them (ReturnConsumedCapacity).
3. Cost, with list prices: one viewer for an hour, and a 50,000-viewer flash-sale hour on
   one product changing all the time, pushed (AWS AppSync Events) vs polled every 3 s
   through the edge (bench/cost_model.py's prices).

    .venv/bin/python -m bench.live_stock [--rounds N] [--products N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import dynamodb, new_table, percentile, result
from bench.cost_model import (
    DYNAMODB_READ_UNITS_PER_MILLION,
    HTTP_API_PER_MILLION,
    LAMBDA_ARM64_PER_GB_SECOND,
    LAMBDA_REQUESTS_PER_MILLION,
)
from bench.edge_costs import CLOUDFRONT_HTTPS_PER_MILLION, WAF_PER_MILLION

# AWS AppSync Events, us-east-1 list prices (2024-10 launch): every operation (a connect, a
# subscribe, a message published, a message delivered to a subscriber) $1.00 per million;
# connection time $0.08 per million minutes. Keep-alives are not billed.
APPSYNC_EVENTS_PER_MILLION_OPERATIONS = 1.00
APPSYNC_EVENTS_PER_MILLION_CONNECTION_MINUTES = 0.08
POLL_SECONDS = 3  # what the web app polled before (and still does where nothing is pushed)
POLL_DURATION_MS = 4.0  # a 304 through the Lambda handler (bench.cost_model measures ~3-4 ms)
POLL_READ_UNITS = 2  # the product's definition and its bucket, strongly consistent
LAMBDA_GB = 1.0
NORMAL_CHANGES_PER_HOUR = 12  # a product that sells every five minutes
FLASH_VIEWERS = 50_000
PROD_THROTTLE_RPS = 500  # infra/environments.toml, prod


def latency(endpoint: str, rounds: int) -> list[float]:
    import httpx

    from app.auth import repository
    from app.core.roles import Role
    from app.core.timeutil import now_iso
    from devtools import api_server, dynamodb_local, processes
    from devtools.live_client import LiveClient

    table = new_table("live")
    env = os.environ | {
        "CATALOG_TABLE": table.name,
        "DYNAMODB_ENDPOINT_URL": endpoint,
        "LIVE_MODE": "local",
        "LOG_LEVEL": "ERROR",
    }
    port = dynamodb_local.free_port()
    log = Path(tempfile.gettempdir()) / f"bench-live-{uuid.uuid4().hex[:6]}.log"
    server = api_server.start(env, port, log_path=log)
    url = f"http://127.0.0.1:{port}"
    delays: list[float] = []
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            email, password = f"admin-{uuid.uuid4().hex[:6]}@example.com", "bench-password"
            body = {"email": email, "password": password, "name": "Bench"}
            user_id = http.post("/auth/signup", json=body).json()["id"]
            user = repository.get(table, user_id=user_id)
            assert user is not None
            repository.change_role(table, user=user, role=Role.ADMIN, now=now_iso())
            token = http.post("/auth/login", data={"username": email, "password": password})
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            product = {"name": "Bench lamp", "price": "9.00", "category": "Bench", "stock": 1000}
            product_id = http.post("/products", headers=headers, json=product).json()["id"]
            info = http.get("/live").json()
            client = LiveClient(info)
            client.init()
            client.subscribe(info["channels"]["product_stock"].replace("{product_id}", product_id))
            client.events_for(1.5)  # the new product's first level
            for _ in range(rounds):
                began = time.perf_counter()
                http.post(
                    f"/inventory/{product_id}/adjustments",
                    headers=headers,
                    json={"delta": -1, "reason": "bench"},
                )
                client.next_event(timeout=5)
                delays.append(time.perf_counter() - began)
                time.sleep(1.2)
            client.close()
    finally:
        processes.stop(server)
        table.client.delete_table(TableName=table.name)
    return delays


class Counting:
    def __init__(self) -> None:
        self.events = 0

    def publish(self, channel: str, events: Sequence[str]) -> None:
        self.events += len(events)


def consumer(products: int) -> tuple[float, float]:
    """Events per second the consumer sustains, and read units per event."""
    from app.db.keys import BY_NAME
    from app.live.consumer import LiveStock
    from app.stock.reading import forget
    from bench.common import load_products

    table = new_table("consumer")
    load_products(table, products)
    ids: list[str] = []
    start: Any = None
    while len(ids) < products:
        items, start = table.query_page(
            table.keys.products_listing(), index=BY_NAME, limit=100, start_key=start
        )
        ids += [item["id"] for item in items]
        if start is None:
            break
    units = [0.0]

    def ask_capacity(params: dict[str, Any], **_: Any) -> None:
        params["ReturnConsumedCapacity"] = "TOTAL"

    def count_capacity(parsed: dict[str, Any], **_: Any) -> None:
        units[0] += sum(c.get("CapacityUnits", 0.0) for c in parsed.get("ConsumedCapacity", []))

    events = table.client.meta.events
    events.register("before-parameter-build.dynamodb.BatchGetItem", ask_capacity)
    events.register("after-call.dynamodb.BatchGetItem", count_capacity)
    records = []
    for n, product_id in enumerate(ids):
        key = table.keys.stock_bucket(product_id, 0)
        keys = {"PK": {"S": key["PK"]}, "SK": {"S": key["SK"]}}
        records.append(
            {"eventName": "MODIFY", "dynamodb": {"Keys": keys, "SequenceNumber": str(n)}}
        )
    publisher = Counting()
    forget()  # bucket counts unknown: as a fresh container
    live = LiveStock(publisher, table.for_store, interval=0.0)
    began = time.perf_counter()
    live.add(records)
    live.flush()
    took = time.perf_counter() - began
    assert publisher.events == len(ids), publisher.events
    return publisher.events / took, units[0] / publisher.events


def poll_cost_per_million() -> float:
    duration = POLL_DURATION_MS / 1000 * LAMBDA_GB * LAMBDA_ARM64_PER_GB_SECOND * 1e6
    return (
        CLOUDFRONT_HTTPS_PER_MILLION
        + WAF_PER_MILLION
        + HTTP_API_PER_MILLION
        + LAMBDA_REQUESTS_PER_MILLION
        + duration
        + POLL_READ_UNITS * DYNAMODB_READ_UNITS_PER_MILLION
    )


def push_cost(viewers: int, deliveries_per_viewer_hour: float, publishes_per_hour: float) -> float:
    operations = (
        viewers * (2 + deliveries_per_viewer_hour) + publishes_per_hour
    )  # connect, subscribe
    return (
        operations * APPSYNC_EVENTS_PER_MILLION_OPERATIONS / 1e6
        + viewers * 60 * APPSYNC_EVENTS_PER_MILLION_CONNECTION_MINUTES / 1e6
    )


def costs() -> None:
    per_poll = poll_cost_per_million() / 1e6
    polls_per_viewer_hour = 3600 / POLL_SECONDS
    print(
        f"\ncost (USD), list prices; a 304 poll through CloudFront, WAF, the API and Lambda: "
        f"${per_poll * 1e6:.2f} per million"
    )
    one_poll = polls_per_viewer_hour * per_poll
    one_push = push_cost(1, NORMAL_CHANGES_PER_HOUR, 0)
    print(
        f"  one viewer-hour, normal traffic ({NORMAL_CHANGES_PER_HOUR} changes/h):"
        f" poll every {POLL_SECONDS} s ${one_poll:.6f}, push ${one_push:.6f}"
    )
    flash_poll = FLASH_VIEWERS * polls_per_viewer_hour * per_poll
    asked = FLASH_VIEWERS / POLL_SECONDS
    refused = max(0.0, 1 - PROD_THROTTLE_RPS / asked)
    flash_push = push_cost(FLASH_VIEWERS, 3600, 3600)  # one event a second, to everyone
    flash_push_3s = push_cost(FLASH_VIEWERS, 1200, 1200)
    print(f"  {FLASH_VIEWERS:,} viewers of one product changing all hour:")
    print(
        f"    poll every {POLL_SECONDS} s: ${flash_poll:,.2f} ({asked:,.0f} requests/s against "
        f"prod's {PROD_THROTTLE_RPS} rps throttle: {refused:.0%} answered 429)"
    )
    print(f"    push, one event a second (the contract): ${flash_push:,.2f}, every viewer served")
    print(f"    push, were events merged to one per 3 s: ${flash_push_3s:,.2f}")
    result("live: viewer-hour, push / poll", one_push / one_poll, "<=", None)
    result("live: flash-sale hour, push at 1/s (USD)", flash_push, "<=", None)
    result("live: flash-sale hour, poll every 3 s (USD)", flash_poll, "<=", None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--products", type=int, default=300)
    args = parser.parse_args()
    with dynamodb() as endpoint:
        delays = latency(endpoint, args.rounds)
        rate, units = consumer(args.products)
    p50, p95 = percentile(delays, 0.5) * 1000, percentile(delays, 0.95) * 1000
    print(
        f"write -> subscriber, locally ({args.rounds} changes): p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    print(
        f"consumer: {rate:,.0f} events/s in one process ({args.products} products, each read"
        f" when published); {units:.2f} read units per event"
    )
    result("live: write -> subscriber p95 (ms)", p95, "<=", 2000)
    result("live: write -> subscriber p50 (ms)", p50, "<=", None)
    result("live: consumer events/s", rate, ">=", None)
    result("live: read units per event", units, "<=", None)
    costs()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
