"""AWS Lambda entry point for the table's change stream (DynamoDB Streams).

Lambda's event source mapping hands over batches of records (a one-second batching window,
only stock buckets, products and orders: infra/template.yaml's filter); the consumers
publish each changed product's level to AWS AppSync Events (app/live/) and the catalog's
events to the stack's EventBridge bus (app/events/), queuing the webhooks' deliveries
(app/webhooks/). What could not be published is
reported as a partial batch failure from its first record on, so Lambda retries from there;
levels are absolute and events carry their record's id, so a replay does no harm.

No API settings: this function holds no signing keys and serves no requests; it reads its
table, region and Event API from its own environment.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import boto3  # noqa: F401 - every batch reads the table: load the SDK with the container
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from app.core import caches
from app.db.table import Table, environment_table
from app.events.publishing import EventBridgePublisher, EventsOut
from app.live.appsync import AppSyncPublisher
from app.live.consumer import LiveStock
from app.webhooks.queues import SqsDeliveries

logger = Logger(service="catalog-stream")
metrics = Metrics(namespace="Catalog", service="catalog-stream")


def _table_for_store(store: str) -> Table:
    return environment_table().for_store(store)


@lru_cache(maxsize=1)
def live_stock() -> LiveStock:
    """One per container: its coalescer remembers what was published, across batches."""
    publisher = AppSyncPublisher(os.environ["LIVE_HTTP_DOMAIN"], os.environ["AWS_REGION"])
    return LiveStock(publisher, _table_for_store)


@lru_cache(maxsize=1)
def events_out() -> EventsOut:
    return EventsOut(
        EventBridgePublisher(os.environ["EVENT_BUS_NAME"]),
        _table_for_store,
        webhooks=SqsDeliveries(os.environ["WEBHOOK_QUEUE_URL"]),
    )


def _forget_consumers() -> None:
    live_stock.cache_clear()
    events_out.cache_clear()


caches.register("stream_handler consumers", _forget_consumers)


def process(
    records: list[dict[str, Any]], live: LiveStock, events: EventsOut | None = None
) -> dict[str, Any]:
    """Live stock first (its levels are absolute), then the catalog's events (each with
    its record's id: at least once). A failure of either retries the batch from the first
    record it could not handle."""
    before = live.published
    live.add(records)
    failed = live.drain()
    metrics.add_metric(
        name="LiveEventsPublished", unit=MetricUnit.Count, value=live.published - before
    )
    if events is not None:
        published = events.published
        failed += events.process(records)
        metrics.add_metric(
            name="CatalogEventsPublished", unit=MetricUnit.Count, value=events.published - published
        )
    if failed:
        first = min(failed, key=int)
        logger.warning(
            "live stock: %d product(s) not published; retrying from %s", len(failed), first
        )
        return {"batchItemFailures": [{"itemIdentifier": first}]}
    return {"batchItemFailures": []}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process(event.get("Records", []), live_stock(), events_out())
