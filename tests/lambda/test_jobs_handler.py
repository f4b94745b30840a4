"""The jobs function as AWS runs an import: the start queues the plan on SQS, the plan
queues one message per chunk, each message is a Lambda invocation (SQS event) -- and a
chunk's last delivery reports what it cannot write instead of failing for ever."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app import jobs_handler
from app.core.config import get_settings
from app.core.roles import Role
from app.db.table import Table
from app.products.images import s3_client
from app.transfer import exports, import_chunks, runner, upsert
from tests.api.test_imports import csv_bytes, upload
from tests.conftest import reset_caches
from tests.support.accounts import Accounts
from tests.support.catalog import create_product
from tests.support.lambda_runtime import lambda_context

pytestmark = pytest.mark.dynamodb


class Queue:
    """The jobs queue at SQS's API boundary: what was sent, in order."""

    def __init__(self) -> None:
        self.bodies: list[str] = []

    def send_message(self, *, QueueUrl: str, MessageBody: str) -> None:  # noqa: N803
        self.bodies.append(MessageBody)

    def send_message_batch(
        self,
        *,
        QueueUrl: str,  # noqa: N803
        Entries: list[dict[str, str]],  # noqa: N803
    ) -> dict[str, Any]:
        assert len(Entries) <= 10
        self.bodies += [entry["MessageBody"] for entry in Entries]
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}


def invoke(queue: Queue, *, received: int = 1) -> list[dict[str, Any]]:
    """Each message now on the queue as a Lambda invocation of its own (an SQS event);
    those that fail go back on the queue, as SQS would deliver them again. The jobs
    handled."""
    handled: list[dict[str, Any]] = []
    failed: list[str] = []
    waiting, queue.bodies = queue.bodies, []
    for body in waiting:
        record = {
            "messageId": f"m-{len(handled)}",
            "body": body,
            "attributes": {"ApproximateReceiveCount": str(received)},
        }
        answer = jobs_handler.handler({"Records": [record]}, lambda_context("r-1"))
        if answer["batchItemFailures"]:
            failed.append(body)
        else:
            handled.append(json.loads(body))
    queue.bodies += failed
    return handled


def test_an_import_runs_as_queued_plan_and_chunks(
    client: TestClient, accounts: Accounts, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = accounts.make(Role.ADMIN)
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 2)
    monkeypatch.setattr(jobs_handler, "environment_table", lambda: table)
    rows = [
        {"handle": f"h{n}", "name": f"Item {n}", "category": "C", "price": "1.00", "stock": "1"}
        for n in range(5)
    ]
    import_id = upload(client, admin, csv_bytes(rows))
    real = upsert.upsert

    def third_fails(table: Table, product: Any, *args: Any, **kwargs: Any) -> Any:
        if product.handle == "h2":
            raise RuntimeError("DynamoDB is down")
        return real(table, product, *args, **kwargs)

    queue = Queue()
    monkeypatch.setattr(runner, "sqs_client", lambda: queue)
    monkeypatch.setenv("JOBS_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/jobs")
    reset_caches()
    started = client.post(f"/admin/imports/{import_id}/start", headers=admin.headers)
    assert (started.status_code, started.json()["status"]) == (202, "queued")
    assert [m["kind"] for m in invoke(queue)] == ["import"]  # the plan, which queues 3 chunks
    assert [json.loads(body)["chunk"] for body in queue.bodies] == [0, 1, 2]
    monkeypatch.setattr(upsert, "upsert", third_fails)
    assert [m["chunk"] for m in invoke(queue)] == [0, 2]  # chunk 1 fails: back on the queue
    running = client.get(f"/admin/imports/{import_id}", headers=admin.headers).json()
    assert (running["status"], running["rows_done"]) == ("running", 3)  # chunk by chunk
    assert [m["chunk"] for m in invoke(queue, received=2)] == []  # fails again
    assert [m["chunk"] for m in invoke(queue, received=3)] == [1]  # its last delivery reports

    report = client.get(f"/admin/imports/{import_id}", headers=admin.headers).json()
    assert (report["status"], report["rows_total"], report["rows_done"]) == ("done", 5, 5)
    assert (report["created"], report["failed"]) == (4, 1)
    assert report["errors"] == [
        {"row": 4, "column": "handle", "message": "could not be written; retry"}
    ]
    names = {p["name"] for p in client.get("/products", params={"limit": 50}).json()["items"]}
    assert names == {"Item 0", "Item 1", "Item 3", "Item 4"}


class FailingUploads:
    """The images bucket's S3 client, whose next `failures` uploads fail (S3 throttling,
    a network fault); it counts the uploads it lets through."""

    def __init__(self, real: Any, failures: int) -> None:
        self.real, self.failures, self.uploads = real, failures, 0

    def upload_file(self, *args: Any, **kwargs: Any) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("S3 is unreachable")
        self.uploads += 1
        self.real.upload_file(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def queued_export(
    client: TestClient, admin: Any, queue: Queue, monkeypatch: pytest.MonkeyPatch, failures: int
) -> tuple[str, FailingUploads]:
    s3 = FailingUploads(s3_client(get_settings().s3_endpoint_url, "us-east-1"), failures)
    monkeypatch.setattr(exports, "s3_client", lambda *_: s3)
    started = client.post("/admin/exports", headers=admin.headers)
    assert started.status_code == 202, started.text
    assert [json.loads(body)["kind"] for body in queue.bodies] == ["export"]
    return started.json()["id"], s3


@pytest.fixture
def jobs_queue(table: Table, monkeypatch: pytest.MonkeyPatch) -> Queue:
    queue = Queue()
    monkeypatch.setattr(jobs_handler, "environment_table", lambda: table)
    monkeypatch.setattr(runner, "sqs_client", lambda: queue)
    monkeypatch.setenv("JOBS_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/jobs")
    reset_caches()
    return queue


def test_an_export_that_fails_keeps_running_until_its_retry_and_is_written_once(
    client: TestClient, accounts: Accounts, jobs_queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first delivery fails: the admin's page is not told it failed (the retry is
    coming), the retry writes it, and the same message delivered once more after that
    writes nothing: the file a download link names stays the one it was."""
    admin = accounts.make(Role.ADMIN)
    create_product(client, admin, name="Lamp", stock=3)
    export_id, s3 = queued_export(client, admin, jobs_queue, monkeypatch, failures=1)
    message = list(jobs_queue.bodies)

    assert invoke(jobs_queue) == []  # failed: back on the queue
    seen = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()
    assert (seen["status"], seen["url"]) == ("running", None)
    assert [job["id"] for job in invoke(jobs_queue, received=2)] == [export_id]
    done = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()
    assert (done["status"], done["rows"], s3.uploads) == ("done", 1, 1)
    assert "Lamp" in httpx.get(done["url"]).text

    jobs_queue.bodies = message  # SQS delivers at least once
    assert [job["id"] for job in invoke(jobs_queue)] == [export_id]
    again = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()
    assert (again["status"], again["rows"], s3.uploads) == ("done", 1, 1)


def test_an_export_whose_last_delivery_fails_is_failed(
    client: TestClient, accounts: Accounts, jobs_queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = accounts.make(Role.ADMIN)
    export_id, s3 = queued_export(client, admin, jobs_queue, monkeypatch, failures=runner.ATTEMPTS)
    for received in range(1, runner.ATTEMPTS + 1):
        assert invoke(jobs_queue, received=received) == []
        seen = client.get(f"/admin/exports/{export_id}", headers=admin.headers).json()
        expected = "failed" if received == runner.ATTEMPTS else "running"
        assert (seen["status"], seen["url"], s3.uploads) == (expected, None, 0)
