"""AWS Lambda entry point for webhook deliveries: the SQS queue the stream's consumer fills
(app/webhooks/fanout.py).

Each message is one event for one webhook. Delivered (or no longer wanted): the message is
done. Failed: its visibility timeout becomes the backoff (app/webhooks/delivery.py) and it
is reported as a batch item failure, so SQS hands it over again when the wait is over. 24
hours after its first attempt it is moved to the dead-letter queue. A message this code
cannot handle at all fails as it is and reaches the dead-letter queue through the queue's
redrive policy (maxReceiveCount).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from app.core import caches
from app.db.table import Table, environment_table
from app.webhooks import delivery

logger = Logger(service="catalog-webhooks")
metrics = Metrics(namespace="Catalog", service="catalog-webhooks")


def _table_for_store(store: str) -> Table:
    return environment_table().for_store(store)


@lru_cache(maxsize=1)
def _sqs() -> Any:
    return boto3.client("sqs")


caches.register("webhook_handler sqs", _sqs.cache_clear)


def process(
    records: list[dict[str, Any]],
    *,
    table_for_store: Callable[[str], Table],
    queue_url: str,
    dead_letter_url: str,
    sqs: Any,
    attempt: Any = delivery.attempt,
    allow_loopback: bool = False,
) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    outcomes: dict[str, int] = {}
    for record in records:
        try:
            item = json.loads(record["body"])
            outcome = attempt(table_for_store, item, allow_loopback=allow_loopback)
        except Exception:
            logger.exception("webhook delivery could not be handled")
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        outcomes[outcome.kind] = outcomes.get(outcome.kind, 0) + 1
        if outcome.kind == "retry":
            sqs.change_message_visibility(
                QueueUrl=queue_url,
                ReceiptHandle=record["receiptHandle"],
                VisibilityTimeout=outcome.delay,
            )
            failures.append({"itemIdentifier": record["messageId"]})
        elif outcome.kind == "dead":
            sqs.send_message(QueueUrl=dead_letter_url, MessageBody=record["body"])
    for kind, count in outcomes.items():
        metrics.add_metric(name=f"Webhook{kind.title()}", unit=MetricUnit.Count, value=count)
    return {"batchItemFailures": failures}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process(
        event.get("Records", []),
        table_for_store=_table_for_store,
        queue_url=os.environ["WEBHOOK_QUEUE_URL"],
        dead_letter_url=os.environ["WEBHOOK_DEAD_LETTER_URL"],
        sqs=_sqs(),
    )
