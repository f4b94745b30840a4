"""Problem details for every kind of error, request ids, and GET /health."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from app.auth import repository
from app.core import caches
from tests.support.http import assert_problem


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/no/such/route"), 404, "not_found")
    assert body["instance"] == "/no/such/route"


def test_wrong_method_is_a_problem(client: TestClient) -> None:
    response = client.delete("/health")
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]


def test_validation_errors_list_the_fields(client: TestClient) -> None:
    response = client.post("/auth/signup", json={"email": "a@example.com"})
    body = assert_problem(response, 422, "validation_error")
    assert {error["field"] for error in body["errors"]} == {"password", "name"}
    assert body["detail"].startswith(("password", "name"))


def test_a_validator_s_message_is_given_in_its_own_words(client: TestClient) -> None:
    body = assert_problem(client.get("/products", params={"q": "lamp\x00"}), 422)
    [error] = body["errors"]
    assert (error["field"], error["message"], error["type"]) == (
        "q",
        "must not contain control characters",
        "value_error",
    )
    assert body["detail"] == "q: must not contain control characters"


def test_malformed_json_is_a_problem(client: TestClient) -> None:
    response = client.post(
        "/auth/signup", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_problem(response, 422, "validation_error")


def test_unexpected_errors_are_500_without_internals(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("secret internals: table=users password=hunter2")

    monkeypatch.setattr(repository, "get_by_email", explode)
    logging.getLogger("app").propagate = True  # let caplog see the JSON logger's records
    try:
        with caplog.at_level(logging.ERROR, logger="app"):
            response = client.post(
                "/auth/login", data={"username": "a@example.com", "password": "whatever"}
            )
    finally:
        logging.getLogger("app").propagate = False
    body = assert_problem(response, 500, "internal_error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    request_id = response.headers["x-request-id"]
    assert body["request_id"] == request_id
    logged = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert logged
    assert logged[0].exc_info is not None


def test_request_id_is_echoed_or_made_up(client: TestClient) -> None:
    assert (
        client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    generated = client.get("/health", headers={"X-Request-ID": "bad id\n"}).headers["x-request-id"]
    assert generated != "bad id\n"
    assert len(generated) == 32


def test_health_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_503_when_dynamodb_is_down(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devtools.dynamodb_local import free_port

    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    caches.reset()
    assert_problem(client.get("/health"), 503, "service_unavailable")


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/auth/login" in spec["paths"]
    assert spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]["type"] == "oauth2"
