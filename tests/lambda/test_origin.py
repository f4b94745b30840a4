"""The API answers only through its site: an API Gateway event without CloudFront's secret
header is refused by the Lambda handler before any routing (app/core/origin.py), with
real API Gateway events (`sam local generate-event apigateway ...`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from app.core import caches, origin
from app.db.table import Table
from tests.support.accounts import Accounts
from tests.support.apigateway import body_of, http_api_event, rest_api_event
from tests.support.lambda_runtime import lambda_context


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Secret:
    """The Secrets Manager secret, as the function reads it; counts the reads."""

    def __init__(self, **values: str) -> None:
        self.values = values
        self.reads = 0

    def __call__(self) -> str:
        self.reads += 1
        return json.dumps(self.values)


@pytest.fixture
def secret() -> Secret:
    return Secret(current="new-value", previous="old-value")


@pytest.fixture(params=["http-api-v2", "rest-api-v1"])
def invoke(
    request: pytest.FixtureRequest,
    table: Table,
    secret: Secret,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., dict[str, Any]]:
    from app import lambda_handler
    from app.http import blocking

    monkeypatch.setattr(blocking, "_inline", True)
    monkeypatch.setattr(lambda_handler, "origin_secret", origin.OriginSecret(secret))
    make_event = http_api_event if request.param == "http-api-v2" else rest_api_event

    def call(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        event = make_event(method, path, **kwargs)
        return lambda_handler.handler(event, lambda_context("origin-check"))

    return call


def test_the_raw_api_url_is_refused(invoke: Callable[..., dict[str, Any]]) -> None:
    for path in ("/health", "/products", "/docs", "/no-such-route"):
        answer = invoke("GET", path)
        assert answer["statusCode"] == 403, path
        assert answer["headers"]["content-type"] == "application/problem+json"
        problem = json.loads(answer["body"])
        assert problem["code"] == "origin_not_verified"
        assert problem["status"] == 403
        assert "new-value" not in answer["body"]


def test_a_wrong_value_is_refused_too(invoke: Callable[..., dict[str, Any]]) -> None:
    answer = invoke("GET", "/health", headers={"X-Origin-Verify": "guess"})
    assert answer["statusCode"] == 403


@pytest.mark.parametrize("value", ["new-value", "old-value"])
def test_cloudfronts_header_is_served_current_or_previous(
    invoke: Callable[..., dict[str, Any]], value: str
) -> None:
    answer = invoke("GET", "/health", headers={"X-Origin-Verify": value})
    assert answer["statusCode"] == 200
    assert body_of(answer) == {"status": "ok"}


def test_a_refused_write_writes_nothing(
    invoke: Callable[..., dict[str, Any]], accounts: Accounts, table: Table
) -> None:
    body = json.dumps(
        {"email": "raw@example.com", "password": "a-long-password-1", "name": "Raw"}
    ).encode()
    headers = {"Content-Type": "application/json"}
    refused = invoke("POST", "/auth/signup", headers=headers, body=body)
    assert refused["statusCode"] == 403
    assert table.get(table.keys.email("raw@example.com")) is None
    headers["X-Origin-Verify"] = "new-value"
    assert invoke("POST", "/auth/signup", headers=headers, body=body)["statusCode"] == 201


def test_a_rotation_is_picked_up_without_a_restart() -> None:
    """Values are read once; a value not known makes the function read the secret again,
    at most once a minute (so a flood of wrong guesses costs one read a minute); a dropped
    value stops working within 5 minutes."""
    clock, secret = Clock(), Secret(current="one")
    check = origin.OriginSecret(secret, clock=clock)
    assert check.admits("one")
    assert secret.reads == 1
    secret.values = {"current": "two", "previous": "one"}  # rotate-origin-secret start
    assert check.admits("one")  # still known: no read
    assert not check.admits("two")  # unknown, but read less than a minute ago
    assert secret.reads == 1
    for _ in range(100):
        assert not check.admits("guess")
    assert secret.reads == 1
    clock.now += origin.REFRESH_SECONDS
    assert check.admits("two")
    assert secret.reads == 2
    secret.values = {"current": "two"}  # rotate-origin-secret finish
    clock.now += origin.MAX_AGE_SECONDS - 1
    assert check.admits("one")  # this container's copy, not 5 minutes old yet
    clock.now += 1
    assert not check.admits("one")
    assert check.admits("two")
    assert secret.reads == 3
    assert not check.admits(None)
    assert not check.admits("")


def test_no_secret_no_check(app_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under uvicorn (no ORIGIN_SECRET_ARN) nothing is checked; with one, the function
    reads that secret."""
    from app.core import config

    assert origin.from_settings(config.get_settings()) is None
    read: list[tuple[str, str]] = []

    def read_secret(arn: str, region: str) -> str:
        read.append((arn, region))
        return json.dumps({"current": "x"})

    monkeypatch.setattr(config, "read_secret", read_secret)
    monkeypatch.setenv("ORIGIN_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:origin")
    caches.reset()
    check = origin.from_settings(config.get_settings())
    assert check is not None
    assert check.admits("x")
    assert read == [("arn:aws:secretsmanager:eu-west-1:1:secret:origin", "us-east-1")]


def test_an_operation_event_is_the_deployments_not_a_request(
    table: Table, monkeypatch: pytest.MonkeyPatch, secret: Secret
) -> None:
    """`make deploy` invokes the function with {"operation": "bootstrap"}: it runs without
    the origin header (it is no HTTP request: API Gateway never sends that key)."""
    from app import lambda_handler

    monkeypatch.setattr(lambda_handler, "origin_secret", origin.OriginSecret(secret))
    done = lambda_handler.handler({"operation": "bootstrap"}, lambda_context("deploy"))
    assert done["operation"] == "bootstrap"
    assert any("smoke" in line for line in done["report"])
    with pytest.raises(ValueError, match="unknown operation"):
        lambda_handler.handler({"operation": "drop-table"}, lambda_context("deploy"))
