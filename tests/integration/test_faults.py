"""Fault injection: the Nth DynamoDB (or S3) call of a request fails with each error class
DynamoDB and S3 answer with. Whatever call fails, the answer is right (the success, or
503 problem+json with Retry-After -- never 500), and the stored data stays consistent."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core import faults as app_faults
from app.core.roles import Role
from app.db.table import Table
from app.products.images import s3_client
from tests.support.accounts import Account, Accounts
from tests.support.catalog import create_product
from tests.support.faults import DYNAMODB_ERRORS, S3_ERRORS, Faults
from tests.support.invariants import check_invariants
from tests.support.stock import stock_of

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@dataclass
class World:
    client: TestClient
    table: Table
    accounts: Accounts
    admin: Account
    shopper: Account
    bucket: str
    s3_endpoint: str

    def product(self, **fields: Any) -> dict[str, Any]:
        return create_product(self.client, self.admin, **fields)

    def image_keys(self) -> set[str]:
        listing = s3_client(self.s3_endpoint, "us-east-1").list_objects_v2(Bucket=self.bucket)
        return {o["Key"] for o in listing.get("Contents", [])}


Act = Callable[[World], Any]  # prepares what it needs (no faults), returns the request to fault


def _post_signup(w: World) -> Callable[[], Any]:
    body = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "long-enough-pw",
        "name": "N",
    }
    return lambda: w.client.post("/auth/signup", json=body)


def _log_in(w: World) -> Callable[[], Any]:
    account = w.accounts.sign_up()  # a fresh one each time: the log-in throttle counts too
    form = {"username": account.email, "password": account.password}
    return lambda: w.client.post("/auth/login", data=form)


def _log_in_wrong(w: World) -> Callable[[], Any]:
    form = {"username": w.accounts.sign_up().email, "password": "not the password"}
    return lambda: w.client.post("/auth/login", data=form)


def _create_product(w: World) -> Callable[[], Any]:
    body = {
        "name": "Faulty",
        "price": "3.00",
        "category": "Faults",
        "sku": uuid.uuid4().hex[:12],
        "stock": 4,
    }
    return lambda: w.client.post("/products", headers=w.admin.headers, json=body)


def _update_product(w: World) -> Callable[[], Any]:
    product = w.product(category="Before")
    body = {"category": "After", "sku": uuid.uuid4().hex[:12], "name": "Renamed"}
    return lambda: w.client.patch(f"/products/{product['id']}", headers=w.admin.headers, json=body)


def _delete_product(w: World) -> Callable[[], Any]:
    product = w.product()
    return lambda: w.client.delete(f"/products/{product['id']}", headers=w.admin.headers)


def _confirm_image(w: World) -> Callable[[], Any]:
    product = w.product()
    url = f"/products/{product['id']}"
    first = w.client.post(
        f"{url}/image-upload",
        headers=w.admin.headers,
        json={"content_type": "image/png", "content_length": len(PNG)},
    ).json()
    httpx.post(first["url"], data=first["fields"], files={"file": ("a.png", PNG, "image/png")})
    w.client.put(f"{url}/image", headers=w.admin.headers, json={"upload_key": first["upload_key"]})
    second = w.client.post(
        f"{url}/image-upload",
        headers=w.admin.headers,
        json={"content_type": "image/png", "content_length": len(PNG)},
    ).json()
    httpx.post(second["url"], data=second["fields"], files={"file": ("b.png", PNG, "image/png")})
    return lambda: w.client.put(
        f"{url}/image", headers=w.admin.headers, json={"upload_key": second["upload_key"]}
    )


def _set_stock(w: World) -> Callable[[], Any]:
    product = w.product(stock=5)
    return lambda: w.client.put(
        f"/inventory/{product['id']}", headers=w.admin.headers, json={"stock": 9, "reason": "count"}
    )


def _adjust_stock(w: World) -> Callable[[], Any]:
    product = w.product(stock=5)
    return lambda: w.client.post(
        f"/inventory/{product['id']}/adjustments",
        headers=w.admin.headers,
        json={"delta": -2, "reason": "broken"},
    )


def _purchase(w: World) -> Callable[[], Any]:
    first, second = w.product(stock=5), w.product(stock=5)
    body = {
        "items": [
            {"product_id": first["id"], "quantity": 2},
            {"product_id": second["id"], "quantity": 1},
        ]
    }
    headers = {**w.shopper.headers, "Idempotency-Key": uuid.uuid4().hex}
    return lambda: w.client.post("/orders", headers=headers, json=body)


def _cancel(w: World) -> Callable[[], Any]:
    product = w.product(stock=5)
    body = {"items": [{"product_id": product["id"], "quantity": 2}]}
    order = w.client.post("/orders", headers=w.shopper.headers, json=body).json()
    return lambda: w.client.post(f"/orders/{order['id']}/cancel", headers=w.shopper.headers)


def _health(w: World) -> Callable[[], Any]:
    return lambda: w.client.get("/health")


SCENARIOS: dict[str, tuple[Act, int]] = {
    "health check": (_health, 200),
    "sign-up": (_post_signup, 201),
    "log-in": (_log_in, 200),
    "log-in, wrong password": (_log_in_wrong, 401),
    "product create": (_create_product, 201),
    "product update": (_update_product, 200),
    "product delete": (_delete_product, 204),
    "image confirm": (_confirm_image, 200),
    "stock set": (_set_stock, 200),
    "stock adjust": (_adjust_stock, 200),
    "purchase": (_purchase, 201),
    "cancel": (_cancel, 200),
}


@pytest.fixture(autouse=True)
def no_retry_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore pauses up to seconds between attempts at a throttle; what is tested here is
    what happens, not how long it takes (the kill-and-restart test keeps the pauses)."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture
def world(
    client: TestClient, table: Table, accounts: Accounts, bucket: str, s3_endpoint: str
) -> World:
    return World(
        client, table, accounts, accounts.make(Role.ADMIN), accounts.make(), bucket, s3_endpoint
    )


@pytest.fixture
def dynamodb_faults(table: Table) -> Iterator[Faults]:
    faults = Faults(table.client, "dynamodb")
    yield faults
    faults.close()


@pytest.fixture
def s3_faults(world: World) -> Iterator[Faults]:
    faults = Faults(s3_client(world.s3_endpoint, "us-east-1"), "s3")
    yield faults
    faults.close()


def assert_dependency_problem(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["code"] in {"service_unavailable", "outcome_unknown", "contention"}


def calls_of(faults: Faults, act: Callable[[], Any], expected: int) -> int:
    with faults.counting() as calls:
        assert act().status_code == expected
    return len(calls)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_an_outage_from_any_call_on_is_a_503_and_leaves_the_data_consistent(
    world: World, dynamodb_faults: Faults, scenario: str
) -> None:
    prepare, expected = SCENARIOS[scenario]
    count = calls_of(dynamodb_faults, prepare(world), expected)
    answers: dict[int, int] = {}
    for kind in DYNAMODB_ERRORS:
        for nth in range(1, count + 1):
            act = prepare(world)
            with dynamodb_faults.failing(kind, from_call=nth):
                response = act()
            if response.status_code != expected:
                assert_dependency_problem(response)
            answers[response.status_code] = answers.get(response.status_code, 0) + 1
            check_invariants(world.table, image_keys=world.image_keys())
    assert 503 in answers, answers  # the faults really reached the request


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_one_failed_attempt_is_retried_unseen(
    world: World, dynamodb_faults: Faults, scenario: str
) -> None:
    prepare, expected = SCENARIOS[scenario]
    count = calls_of(dynamodb_faults, prepare(world), expected)
    for nth in range(1, count + 1):
        act = prepare(world)
        with dynamodb_faults.failing("throttling", from_call=nth, only_that_one=True):
            assert act().status_code == expected
    check_invariants(world.table, image_keys=world.image_keys())


@pytest.mark.parametrize("kind", S3_ERRORS)
def test_s3_faults_while_confirming_an_image(world: World, s3_faults: Faults, kind: str) -> None:
    count = calls_of(s3_faults, _confirm_image(world), 200)
    for nth in range(1, count + 1):
        act = _confirm_image(world)
        with s3_faults.failing(kind, from_call=nth):
            response = act()
        if response.status_code != 200:
            assert_dependency_problem(response)
        check_invariants(world.table, image_keys=world.image_keys())


def test_a_purchase_whose_answer_is_lost_is_found_again_with_its_key(
    world: World, dynamodb_faults: Faults
) -> None:
    """The transaction commits, the answer never comes back: 503 outcome_unknown; the
    retry with the same Idempotency-Key returns the very order and sells nothing more."""
    product = world.product(stock=5)
    body = {"items": [{"product_id": product["id"], "quantity": 2}]}
    headers = {**world.shopper.headers, "Idempotency-Key": "lost-answer-1"}
    with dynamodb_faults.counting() as calls:
        probe = world.client.post(
            "/orders", headers={**headers, "Idempotency-Key": "probe"}, json=body
        )
    assert probe.status_code == 201
    write = calls.index("TransactWriteItems") + 1
    with dynamodb_faults.failing("timeout", from_call=write, after_send=True):
        lost = world.client.post("/orders", headers=headers, json=body)
    assert lost.status_code == 503
    assert lost.json()["code"] == "outcome_unknown"
    assert "Idempotency-Key" in lost.json()["detail"]
    assert stock_of(world.table, product["id"]) == 1
    again = world.client.post("/orders", headers=headers, json=body)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert stock_of(world.table, product["id"]) == 1
    check_invariants(world.table)


@pytest.mark.parametrize("kind", DYNAMODB_ERRORS)
def test_a_purchase_of_the_last_units_is_made_when_its_listing_copies_cannot_follow(
    world: World, dynamodb_faults: Faults, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Emptying a product flips its `in_stock`; its search entries follow after the
    purchase's transaction (app/stock/listing.py). An outage that starts just then fails
    the follow-up, not the purchase: 201, the order and the stock as sold, the miss logged."""

    def last_units() -> tuple[dict[str, Any], Callable[[], Any]]:
        product = world.product(stock=2)
        body = {"items": [{"product_id": product["id"], "quantity": 2}]}
        return product, lambda: world.client.post(
            "/orders", headers=world.shopper.headers, json=body
        )

    _, probe = last_units()
    with dynamodb_faults.counting() as calls:
        assert probe().status_code == 201
    # the last two calls: the product read again, its search entries written
    assert calls[-2:] == ["GetItem", "TransactWriteItems"], calls
    follow_up = len(calls) - 1

    product, buy = last_units()
    with dynamodb_faults.failing(kind, from_call=follow_up):
        bought = buy()
    assert bought.status_code == 201, bought.text
    assert any("listing copies not updated" in r.getMessage() for r in caplog.records)
    order = world.client.get(f"/orders/{bought.json()['id']}", headers=world.shopper.headers)
    assert order.status_code == 200
    after = world.client.get(f"/products/{product['id']}").json()
    assert (after["stock"], after["in_stock"]) == (0, False)
    check_invariants(world.table)


def test_no_attempt_starts_after_the_request_s_deadline(
    world: World, dynamodb_faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DynamoDB answers late, and with an error botocore would try again. Once the
    request's time is up no further attempt is sent: a purchase whose transaction went
    through answers 503 outcome_unknown (the same request again finds the order, sold
    once); a read answers 503 service_unavailable."""
    monkeypatch.setattr(app_faults, "REQUEST_BUDGET_SECONDS", 1.0)
    product = world.product(stock=5)
    body = {"items": [{"product_id": product["id"], "quantity": 2}]}
    headers = {**world.shopper.headers, "Idempotency-Key": "late-1"}
    with dynamodb_faults.counting() as calls:
        probe = world.client.post("/orders", headers={**headers, "Idempotency-Key": "p"}, json=body)
    assert probe.status_code == 201
    write = calls.index("TransactWriteItems") + 1
    # applied, then answered past the deadline
    with dynamodb_faults.failing("internal", from_call=write, after_send=True, delay=1.1):
        bought = world.client.post("/orders", headers=headers, json=body)
    assert dynamodb_faults.calls[write - 1 :] == ["TransactWriteItems"]  # no retry was sent
    assert bought.status_code == 503, bought.text
    assert bought.json()["code"] == "outcome_unknown"
    assert stock_of(world.table, product["id"]) == 1
    again = world.client.post("/orders", headers=headers, json=body)
    assert (again.status_code, again.headers["idempotent-replayed"]) == (201, "true")
    assert stock_of(world.table, product["id"]) == 1
    check_invariants(world.table)

    read = calls_of(dynamodb_faults, lambda: world.client.get(f"/products/{product['id']}"), 200)
    with dynamodb_faults.failing("internal", from_call=read, delay=1.1):
        answer = world.client.get(f"/products/{product['id']}")
    assert len(dynamodb_faults.calls) == read  # its last call, tried once
    assert_dependency_problem(answer)
    assert answer.json()["code"] == "service_unavailable"
