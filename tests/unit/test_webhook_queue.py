"""On AWS, webhook deliveries wait in the stack's SQS queue: every one sent, ten to a
request (SQS's batch limit), and a batch SQS refuses in part is an error, so the change
stream's batch is retried rather than deliveries lost."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.core import caches
from app.webhooks import queues
from app.webhooks.queues import SqsDeliveries


def _deliveries(count: int) -> list[dict[str, Any]]:
    return [{"event_id": f"ev-{n}", "webhook_id": "wh-1", "attempt": 0} for n in range(count)]


def _drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    bodies = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in batch:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_every_delivery_reaches_the_queue_ten_to_a_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    messages = _deliveries(23)
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="deliveries")["QueueUrl"]
        batches: list[int] = []
        sqs.meta.events.register(
            "before-parameter-build.sqs.SendMessageBatch",
            lambda params, **_: batches.append(len(params["Entries"])),
        )
        SqsDeliveries(url, client=sqs).send(messages)
        received = _drain(sqs, url)
    assert batches == [10, 10, 3]
    assert sorted(received, key=lambda m: int(m["event_id"][3:])) == messages


class PartlyRefusing:
    def send_message_batch(self, *, QueueUrl: str, Entries: list[Any]) -> dict[str, Any]:  # noqa: N803 - boto3's names
        return {
            "Successful": [{"Id": entry["Id"]} for entry in Entries[1:]],
            "Failed": [{"Id": Entries[0]["Id"], "SenderFault": False, "Code": "InternalError"}],
        }


def test_a_batch_refused_in_part_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="SQS refused 1 webhook deliveries"):
        SqsDeliveries("https://sqs.example/q", client=PartlyRefusing()).send(_deliveries(3))


def test_the_stack_s_queue_is_used_where_one_is_configured(
    app_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(queues.delivery_queue(), queues.LocalDeliveries)
    monkeypatch.setenv("WEBHOOK_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/deliveries")
    caches.reset()
    queue = queues.delivery_queue()
    assert isinstance(queue, SqsDeliveries)
    assert queue.queue_url == "https://sqs.us-east-1.amazonaws.com/1/deliveries"


def test_under_make_run_a_delivery_is_tried_again_when_due_and_a_dead_one_is_kept() -> None:
    """The local queue keeps SQS's schedule with its own clock: a retry waits its delay, an
    attempt that raises waits 60 s, a dead delivery stays in `dead`."""
    import threading

    from app.webhooks.delivery import Outcome
    from app.webhooks.queues import LocalDeliveries

    now = [0.0]
    plans: dict[str, list[Any]] = {
        "ev-a": [RuntimeError("receiver unreachable"), Outcome("retry", 5), Outcome("delivered")],
        "ev-b": [Outcome("dead")],
    }
    tried: list[tuple[str, float]] = []
    settled = threading.Semaphore(0)

    def attempt(message: dict[str, Any]) -> Outcome:
        tried.append((message["event_id"], now[0]))
        settled.release()
        step = plans[message["event_id"]].pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    queue = LocalDeliveries(attempt, clock=lambda: now[0])

    def after(seconds: float, attempts: int, *, then_pending: int) -> None:
        now[0] += seconds
        queue.send([])  # wakes the worker to look at the clock again
        for _ in range(attempts):
            assert settled.acquire(timeout=5)
        deadline = time.monotonic() + 5  # the worker files each outcome after its attempt
        while queue.pending() != then_pending or (attempts and len(queue.dead) < 1):
            assert time.monotonic() < deadline, (queue.pending(), queue.dead)
            time.sleep(0.001)

    queue.send([{"event_id": "ev-a"}, {"event_id": "ev-b"}])
    after(0, 2, then_pending=1)
    after(59, 0, then_pending=1)  # the raising attempt waits 60 s
    assert [event for event, _ in tried] == ["ev-a", "ev-b"]
    after(1, 1, then_pending=1)
    after(5, 1, then_pending=0)
    assert tried == [("ev-a", 0), ("ev-b", 0), ("ev-a", 60), ("ev-a", 65)]
    assert queue.dead == [{"event_id": "ev-b"}]
