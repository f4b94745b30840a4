"""Live stock under `make run`'s set-up: uvicorn with LIVE_MODE=local serves AppSync Events'
WebSocket protocol at /event/realtime, fed from DynamoDB Local's stream; a Python WebSocket
client (devtools/live_client.py) subscribes like the web app does."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from app.core.roles import Role
from app.db.keys import Keys
from app.db.table import Table, dynamodb_client
from app.stores import service as stores
from app.stores.schemas import StoreCreate
from devtools import api_server, dynamodb_local, processes
from devtools.live_client import LiveClient
from tests.support.accounts import Account, Accounts
from tests.support.catalog import product_body
from tests.support.server import server_env

pytestmark = pytest.mark.dynamodb

OTHER_STORE = "north"


class Shop:
    def __init__(self, url: str, table: Table) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=10)
        self.table = table
        accounts = Accounts(self.http, table)  # type: ignore[arg-type]
        self.admin = accounts.make(Role.ADMIN)
        self.buyers = [accounts.make() for _ in range(8)]
        self.info = self.http.get("/live").json()

    def product(self, stock: int) -> str:
        response = self.http.post(
            "/products", headers=self.admin.headers, json=product_body(stock=stock)
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def channel(self, product_id: str) -> str:
        return str(self.info["channels"]["product_stock"]).replace("{product_id}", product_id)

    def buy(
        self, product_id: str, quantity: int = 1, buyer: Account | None = None
    ) -> dict[str, Any]:
        buyer = buyer or self.buyers[0]
        body = {"items": [{"product_id": product_id, "quantity": quantity}]}
        response = self.http.post("/orders", headers=buyer.headers, json=body)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture(scope="module")
def shop(
    dynamodb_endpoint: str, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Shop]:
    name = f"live-{uuid.uuid4().hex[:10]}"
    table = Table(
        client=dynamodb_client(dynamodb_endpoint, "us-east-1"), name=name, keys=Keys("default")
    )
    table.create()
    stores.create(table.for_store("P"), StoreCreate(slug=OTHER_STORE, name="North"))
    env = server_env(
        table=name,
        dynamodb_endpoint=dynamodb_endpoint,
        s3_endpoint=s3_endpoint,
        LIVE_MODE="local",
        LIVE_KEEPALIVE_SECONDS="1",
    )
    port = dynamodb_local.free_port()
    log = tmp_path_factory.mktemp("live") / "api.log"
    process = api_server.start(env, port, log_path=log)
    try:
        yield Shop(f"http://127.0.0.1:{port}", table)
    finally:
        processes.stop(process)
        table.client.delete_table(TableName=name)


@pytest.fixture
def live(shop: Shop) -> Iterator[LiveClient]:
    client = LiveClient(shop.info)
    client.init()
    yield client
    client.close()


def test_live_says_where_and_how_to_subscribe(shop: Shop) -> None:
    port = shop.url.rsplit(":", 1)[1]
    assert shop.info == {
        "protocol": "aws-appsync-events",
        "realtime_url": f"ws://127.0.0.1:{port}/event/realtime",
        "auth": {"host": f"127.0.0.1:{port}", "x-api-key": "da2-local"},
        "channels": {"product_stock": "/stock/default/{product_id}"},
    }
    other = shop.http.get("/live", headers={"X-Store": OTHER_STORE}).json()
    assert other["channels"]["product_stock"] == f"/stock/{OTHER_STORE}/{{product_id}}"


def test_the_protocol_messages(shop: Shop) -> None:
    client = LiveClient(shop.info)
    try:
        # before connection_init, a subscription is refused
        client.send(
            {
                "type": "subscribe",
                "id": "early",
                "channel": "/stock/default/x",
                "authorization": client.auth,
            }
        )
        early = client.receive()
        assert early["type"] == "subscribe_error"
        assert early["id"] == "early"
        ack = client.init()
        assert ack == {"type": "connection_ack", "connectionTimeoutMs": 300000}
        assert client.receive(timeout=3) == {"type": "ka"}  # every LIVE_KEEPALIVE_SECONDS

        def refused(channel: str, authorization: dict[str, str] | None = None) -> str:
            client.send(
                {
                    "type": "subscribe",
                    "id": "s1",
                    "channel": channel,
                    "authorization": authorization or client.auth,
                }
            )
            answer = client.expect("subscribe_error")
            assert answer["id"] == "s1"
            return str(answer["errors"][0]["errorType"])

        assert (
            refused("/stock/default/x", {"x-api-key": "da2-wrong", "host": "h"})
            == "UnauthorizedException"
        )
        assert refused("/orders/default/x") == "NamespaceNotFoundException"
        assert refused("stock/no-leading-slash") == "BadRequestException"
        assert refused("/stock/a b") == "BadRequestException"
        subscription = client.subscribe("/stock/default/*")
        client.send(
            {
                "type": "subscribe",
                "id": subscription,
                "channel": "/stock/default/x",
                "authorization": client.auth,
            }
        )
        assert client.expect("subscribe_error")["errors"][0]["errorType"] == "BadRequestException"
        client.send({"type": "unsubscribe", "id": subscription})
        assert client.expect("unsubscribe_success") == {
            "type": "unsubscribe_success",
            "id": subscription,
        }
        client.send({"type": "unsubscribe", "id": subscription})
        assert client.expect("unsubscribe_error")["id"] == subscription
        client.send(
            {
                "type": "publish",
                "id": "p1",
                "channel": "/stock/default/x",
                "events": ["{}"],
                "authorization": client.auth,
            }
        )
        published = client.expect("publish_error")
        assert published["id"] == "p1"
        assert published["errors"][0]["errorType"] == "UnauthorizedException"
        client.send({"type": "no-such-thing"})
        assert client.expect("error")["errors"][0]["errorType"] == "UnsupportedOperation"
    finally:
        client.close()


def test_a_connection_without_the_right_header_is_refused(shop: Shop) -> None:
    wrong = LiveClient(shop.info, auth={"host": "x", "x-api-key": "da2-wrong"})
    message = wrong.receive()
    assert message["type"] == "connection_error"
    assert message["errors"][0]["errorType"] == "UnauthorizedException"
    wrong.close()
    from websockets.sync.client import connect

    with (  # no aws-appsync-event-ws subprotocol: no handshake
        pytest.raises(InvalidStatus),
        connect(shop.info["realtime_url"], subprotocols=["graphql-ws"]),  # type: ignore[list-item]
    ):
        pass


def seen_within(live: LiveClient, seconds: float, product_id: str) -> tuple[dict[str, Any], float]:
    began = time.monotonic()
    event = live.next_event(timeout=seconds)
    assert event["product_id"] == product_id
    return event, time.monotonic() - began


def test_every_kind_of_stock_change_reaches_a_subscriber_with_the_total(
    shop: Shop, live: LiveClient
) -> None:
    product = shop.product(stock=10)
    live.subscribe(shop.channel(product))
    created, _ = seen_within(live, 2.0, product)  # a new product's first level
    assert (created["stock"], created["in_stock"]) == (10, True)
    time.sleep(1.0)
    headers = shop.admin.headers

    def level_after(change: Any) -> tuple[dict[str, Any], float]:
        change()
        return seen_within(live, 2.0, product)

    order = {}

    def purchase() -> None:
        order.update(shop.buy(product, 2))

    steps = [
        ("purchase", purchase, 8),
        (
            "cancel",
            lambda: shop.http.post(f"/orders/{order['id']}/cancel", headers=shop.buyers[0].headers),
            10,
        ),
        (
            "set",
            lambda: shop.http.put(
                f"/inventory/{product}", headers=headers, json={"stock": 7, "reason": "count"}
            ),
            7,
        ),
        (
            "adjust",
            lambda: shop.http.post(
                f"/inventory/{product}/adjustments",
                headers=headers,
                json={"delta": 5, "reason": "delivery"},
            ),
            12,
        ),
        (
            "spread",
            lambda: shop.http.put(
                f"/inventory/{product}/buckets", headers=headers, json={"buckets": 4}
            ),
            12,
        ),
        ("purchase from a spread product", lambda: shop.buy(product, 3), 9),
    ]
    for name, change, expected in steps:
        event, took = level_after(change)
        # a spread product's buckets each hold a part: the event carries the sum
        assert (event["stock"], event["in_stock"], took < 2.0) == (expected, True, True), name
        time.sleep(1.0)  # the next change is not coalesced with this one
    shop.http.put(f"/inventory/{product}", headers=headers, json={"stock": 0, "reason": "count"})
    event, _ = seen_within(live, 2.0, product)
    assert (event["stock"], event["in_stock"]) == (0, False)
    time.sleep(1.0)
    assert shop.http.delete(f"/products/{product}", headers=headers).status_code == 204
    event, took = seen_within(live, 2.0, product)
    assert event["deleted"] is True
    assert took < 2.0


def test_a_rush_of_purchases_is_coalesced_and_the_last_level_is_right(
    shop: Shop, live: LiveClient
) -> None:
    product = shop.product(stock=200)
    live.subscribe(shop.channel(product))
    assert seen_within(live, 2.0, product)[0]["stock"] == 200
    time.sleep(1.0)

    def buy(n: int) -> None:
        shop.buy(product, 1, buyer=shop.buyers[n % len(shop.buyers)])

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(buy, range(100)))
    rush = time.monotonic() - began
    events = live.events_for(rush + 2.5)
    assert events
    assert events[-1]["stock"] == 100
    # at most one event per second of the rush (the first change at once, the rest held back
    # and sent with the level read when due), whatever its hundred changes
    assert len(events) <= int(rush) + 2, (len(events), rush)
    assert [e["stock"] for e in events] == sorted((e["stock"] for e in events), reverse=True)


def test_another_stores_subscribers_never_see_this_stores_changes(
    shop: Shop, live: LiveClient
) -> None:
    product = shop.product(stock=5)
    other_store = live.subscribe(f"/stock/{OTHER_STORE}/*")
    this_one = live.subscribe(shop.channel(product))
    assert seen_within(live, 2.0, product)[0]["stock"] == 5
    time.sleep(1.0)
    shop.buy(product, 1)
    events = live.events_for(2.5)
    assert [(e["_id"], e["stock"]) for e in events] == [(this_one, 4)]
    assert other_store not in {e["_id"] for e in events}


def test_a_wildcard_subscription_takes_every_product_of_the_store(
    shop: Shop, live: LiveClient
) -> None:
    first, second = shop.product(stock=3), shop.product(stock=4)
    time.sleep(2.0)  # their first levels are out before the subscription
    everything = live.subscribe("/stock/default/*")
    shop.buy(first, 1)
    shop.buy(second, 1)
    events = {e["product_id"]: e for e in live.events_for(2.5)}
    assert {pid: (e["stock"], e["_id"]) for pid, e in events.items()} == {
        first: (2, everything),
        second: (3, everything),
    }
