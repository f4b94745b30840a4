"""Shared fixtures: one DynamoDB Local for the session, a fresh table for each test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core import caches
from app.core.config import Settings, get_settings
from app.db.table import Table, get_table
from devtools import dynamodb_local, processes
from tests.support.accounts import Accounts

TEST_JWT_SECRET = "test-secret-" + "x" * 40

# the longest tests (a minute or more, or half a minute, each): started first, so that no
# worker is still on one of them long after the other has run out of tests
LONGEST_FIRST = (
    "tests/integration/test_schemathesis.py",
    "tests/integration/test_local_run.py",
    "tests/integration/test_kill_restart.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order


@pytest.fixture(scope="session")
def dynamodb_endpoint() -> Iterator[str]:
    """DynamoDB Local in memory on a free port for the whole test session (or the server
    named by TEST_DYNAMODB_ENDPOINT, e.g. one started by docker compose)."""
    external = os.environ.get("TEST_DYNAMODB_ENDPOINT")
    if external:
        yield external
        return
    port = dynamodb_local.free_port()
    process = dynamodb_local.start(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        processes.stop(process)


@pytest.fixture(autouse=True)
def blocking_work_on_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts as under uvicorn: blocking work on worker threads (importing the
    Lambda handler switches the process to inline; the Lambda tests ask for that)."""
    from app.http import blocking

    monkeypatch.setattr(blocking, "_inline", False)


def reset_caches() -> None:
    caches.reset()


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Test settings without any AWS endpoint (for unit tests)."""
    for name, value in {
        "APP_ENV": "test",
        "JWT_SECRET": TEST_JWT_SECRET,
        "AWS_REGION": "us-east-1",
        "CATALOG_TABLE": "unused",
        # argon2id still, at a cost that keeps the suite fast
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_PARALLELISM": "1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DYNAMODB_ENDPOINT_URL", raising=False)
    reset_caches()
    yield
    reset_caches()


@pytest.fixture
def settings(app_env: None) -> Settings:
    return get_settings()


@pytest.fixture
def table(
    app_env: None, dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Table]:
    """A new, empty table on DynamoDB Local, and settings pointing at it."""
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", dynamodb_endpoint)
    monkeypatch.setenv("CATALOG_TABLE", f"test-{uuid.uuid4().hex[:12]}")
    reset_caches()
    table = get_table()
    table.create(stream=False)  # a stream per test table slows DynamoDB Local down (table.py)
    yield table
    table.client.delete_table(TableName=table.name)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server (an HTTP endpoint, so presigned URLs really work) on a free port."""
    from moto.server import ThreadedMotoServer

    port = dynamodb_local.free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, app_env: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty images bucket, and settings pointing at it."""
    from app.products.images import s3_client

    name = f"images-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("IMAGES_BUCKET", name)
    reset_caches()
    s3_client(s3_endpoint, "us-east-1").create_bucket(Bucket=name)
    return name


@pytest.fixture
def client(table: Table, bucket: str) -> Iterator[TestClient]:
    from app.main import app

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def accounts(client: TestClient, table: Table) -> Accounts:
    return Accounts(client, table)


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: TestClient) -> Path:
    """Mail into a folder (tests/support/mail.py reads it), links to the public URL."""
    folder = tmp_path / "outbox"
    monkeypatch.setenv("MAIL_OUTBOX_DIR", str(folder))
    monkeypatch.setenv("PUBLIC_APP_URL", "https://shop.example.com")
    reset_caches()
    return folder


@pytest.fixture
def secrets_manager(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's Secrets Manager (eu-west-1), with no JWT_SECRET in the environment."""
    from moto import mock_aws

    monkeypatch.delenv("JWT_SECRET", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        import boto3

        yield boto3.client("secretsmanager", region_name="eu-west-1")
