"""Live stock's pure parts: channels, what a stream batch says, coalescing, signing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.live import channels
from app.live.coalescing import Coalescer
from app.live.stream import touched_products
from tests.support.clock import Clock


def record(pk: str, sk: str, event: str = "MODIFY", sequence: str = "1") -> dict[str, Any]:
    return {
        "eventName": event,
        "dynamodb": {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}, "SequenceNumber": sequence},
    }


def test_a_batch_names_the_products_whose_stock_changed_once_each() -> None:
    batch = [
        record("S#default#PRODUCT#p1", "STOCK", "INSERT", "10"),
        record("S#default#PRODUCT#p1#3", "STOCK", sequence="11"),  # another bucket of p1
        record("S#north#PRODUCT#p1", "STOCK", sequence="12"),  # the same id in another store
        record("S#default#PRODUCT#p2", "PRODUCT", sequence="13"),  # an edit: stock unchanged
        record("S#default#PRODUCT#p3", "PRODUCT", "REMOVE", "14"),  # gone
        record("S#default#PRODUCT#p1", "LEDGER#2026#x", sequence="15"),
        record("S#default#ORDERS#3", "ORDER#o1", "INSERT", "16"),
        record("P#STORE#north", "STORE", sequence="17"),
    ]
    assert [(t.store, t.product_id, t.first_sequence) for t in touched_products(batch)] == [
        ("default", "p1", "10"),
        ("north", "p1", "12"),
        ("default", "p3", "14"),
    ]


@pytest.mark.parametrize(
    ("subscribed", "published", "taken"),
    [
        ("/stock/default/p1", "/stock/default/p1", True),
        ("/stock/default/p1", "/stock/default/p2", False),
        ("/stock/default/*", "/stock/default/p2", True),
        ("/stock/default/*", "/stock/north/p2", False),
        ("/stock/*", "/stock/north/p2", True),
        ("/stock/default/*", "/stock/default", False),
    ],
)
def test_channels_match_as_appsync_does(subscribed: str, published: str, taken: bool) -> None:
    pattern = channels.segments(subscribed, wildcard=True)
    target = channels.segments(published, wildcard=False)
    assert pattern is not None
    assert target is not None
    assert channels.matches(pattern, target) is taken


@pytest.mark.parametrize(
    "channel", ["stock/x", "/", "/stock/a b", "/stock/" + "x" * 51, "/a/b/c/d/e/f", "/stock/*/x"]
)
def test_what_is_not_a_channel(channel: str) -> None:
    assert channels.segments(channel, wildcard=True) is None


def test_events_are_json_strings_with_the_level_and_whether_it_is_in_stock() -> None:
    assert json.loads(channels.stock_event("p1", 0, "t")) == {
        "product_id": "p1",
        "stock": 0,
        "in_stock": False,
        "at": "t",
    }
    assert json.loads(channels.deleted_event("p1", "t")) == {
        "product_id": "p1",
        "deleted": True,
        "at": "t",
    }


def test_a_hundred_changes_within_a_second_make_two_sends() -> None:
    clock = Clock(100.0)
    coalescer: Coalescer[str] = Coalescer(1.0, clock)
    sends = []
    for _n in range(100):  # one change every 10 ms, a flush after each (as the poller does)
        coalescer.add("p1")
        sends += [(clock(), key) for key in coalescer.take_due()]
        clock.now += 0.01
    assert len(sends) == 1  # the first at once; the other 99 wait for the second to pass
    assert coalescer.next_due_in() == pytest.approx(0.0, abs=1e-9)
    sends += [(clock(), key) for key in coalescer.take_due()]
    assert [key for _, key in sends] == ["p1", "p1"]
    assert sends[1][0] - sends[0][0] >= 1.0
    assert coalescer.take_due() == []
    assert coalescer.next_due_in() is None


def test_a_product_held_back_is_never_lost_and_others_are_not_held() -> None:
    clock = Clock(0.0)
    coalescer: Coalescer[str] = Coalescer(1.0, clock)
    coalescer.add("p1")
    assert coalescer.take_due() == ["p1"]
    clock.now += 0.3
    coalescer.add("p1")
    coalescer.add("p2")
    assert coalescer.take_due() == ["p2"]  # p2 had no event yet
    assert coalescer.next_due_in() == pytest.approx(0.7)
    clock.now += 0.7
    assert coalescer.take_due() == ["p1"]


def test_a_failed_send_is_pending_again_and_due_at_once() -> None:
    clock = Clock(0.0)
    coalescer: Coalescer[str] = Coalescer(1.0, clock)
    coalescer.add("p1")
    taken = coalescer.take_due()
    coalescer.give_back(taken)
    assert coalescer.next_due_in() == 0.0
    assert coalescer.take_due() == ["p1"]


def test_appsync_publishes_are_signed_for_appsync_with_the_functions_credentials() -> None:
    import boto3

    from app.live.appsync import AppSyncPublisher

    session = boto3.Session(
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="eu-west-1"
    )
    publisher = AppSyncPublisher(
        "abc.appsync-api.eu-west-1.amazonaws.com", "eu-west-1", session=session
    )
    request = publisher.signed_request("/stock/default/p1", ['{"stock":1}'])
    assert request.url == "https://abc.appsync-api.eu-west-1.amazonaws.com/event"
    assert json.loads(request.body) == {"channel": "/stock/default/p1", "events": ['{"stock":1}']}
    authorization = request.headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/appsync/aws4_request" in authorization
    assert "X-Amz-Date" in request.headers
