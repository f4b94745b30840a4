"""Log-ins are counted per client address, and the address is one the client cannot choose.

Under `make run` (uvicorn, nothing in front) uvicorn believed X-Forwarded-For from
127.0.0.1, so every spoofed address got a fresh log-in budget. Now nothing forwarded is
believed unless a proxy is configured (CLIENT_ADDRESS_HEADER), as on AWS, where CloudFront's
viewer function writes the address."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.db.keys import Keys
from app.db.table import Table, dynamodb_client
from devtools import api_server, dynamodb_local, processes
from tests.support.server import server_env


@pytest.fixture
def server(
    dynamodb_endpoint: str, s3_endpoint: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    name = f"address-{uuid.uuid4().hex[:10]}"
    table = Table(
        client=dynamodb_client(dynamodb_endpoint, "us-east-1"), name=name, keys=Keys("default")
    )
    table.create()
    settings = getattr(request, "param", {})
    env = server_env(
        table=name, dynamodb_endpoint=dynamodb_endpoint, s3_endpoint=s3_endpoint, **settings
    )
    port = dynamodb_local.free_port()
    process = api_server.start(env, port, log_path=tmp_path / "api.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        processes.stop(process)
        table.client.delete_table(TableName=name)


def guesses(url: str, email: str, headers_for: list[dict[str, str]]) -> list[int]:
    return [
        httpx.post(
            f"{url}/auth/login", data={"username": email, "password": "a-wrong-guess"}, headers=h
        ).status_code
        for h in headers_for
    ]


def sign_up(url: str, email: str) -> None:
    body = {"email": email, "password": "the-right-password", "name": "Owner"}
    assert httpx.post(f"{url}/auth/signup", json=body).status_code == 201


def test_a_spoofed_x_forwarded_for_buys_no_fresh_budget(server: str) -> None:
    sign_up(server, "owner@example.com")
    spoofed = [{"X-Forwarded-For": f"198.51.100.{n}"} for n in range(1, 9)]
    statuses = guesses(server, "owner@example.com", spoofed)
    assert statuses == [401] * 5 + [429] * 3  # one address: the server's peer, 127.0.0.1


@pytest.mark.parametrize("server", [{"CLIENT_ADDRESS_HEADER": "x-viewer-address"}], indirect=True)
def test_the_header_a_configured_proxy_writes_is_the_address(server: str) -> None:
    """As on AWS: the proxy's header counts (and X-Forwarded-For still does not)."""
    sign_up(server, "owner@example.com")
    one = [
        {"x-viewer-address": "198.51.100.1", "X-Forwarded-For": f"203.0.113.{n}"} for n in range(6)
    ]
    assert guesses(server, "owner@example.com", one) == [401] * 5 + [429]
    other = [{"x-viewer-address": "198.51.100.2"}]
    assert guesses(server, "owner@example.com", other) == [401]
