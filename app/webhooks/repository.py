"""Webhooks and their deliveries in the table.

A store's webhooks share one partition (`S#<store>#WEBHOOKS`), with a counter item that
holds their number: creating one is a transaction that raises the counter only while it
is below the limit, so concurrent creations cannot pass it. Each webhook's deliveries
have a partition of their own, sorted by their event's time, kept 30 days (TTL).
"""

from __future__ import annotations

from typing import Any

from app.core.errors import ConflictError, NotFoundError
from app.core.timeutil import now_epoch, now_iso
from app.db import transactions as tx
from app.db.codec import RawItem
from app.db.expressions import Update
from app.db.keys import DELIVERY_PREFIX, WEBHOOK_PREFIX
from app.db.table import Sort, Table
from app.db.transactions import TransactionCancelled
from app.webhooks.schemas import Delivery, Webhook

MAX_WEBHOOKS = 10  # a store's
DELIVERY_DAYS = 30


class WebhookNotFoundError(NotFoundError):
    code, title = "webhook_not_found", "Webhook not found"


class TooManyWebhooksError(ConflictError):
    code, title = "too_many_webhooks", "Too many webhooks"

    def __init__(self) -> None:
        super().__init__(f"A store has at most {MAX_WEBHOOKS} webhooks: remove one first.")


def webhook_of(item: dict[str, Any]) -> Webhook:
    return Webhook(
        id=item["id"], url=item["url"], events=list(item["events"]), created_at=item["created_at"]
    )


def create(table: Table, item: dict[str, Any]) -> None:
    counter = (
        Update()
        .add("webhooks", 1)
        .condition("attribute_not_exists({webhooks}) OR {webhooks} < {most}", most=MAX_WEBHOOKS)
    )
    try:
        tx.write(
            table.client,
            [
                tx.put(table.name, {**table.keys.webhook(item["id"]), **item}),
                tx.update(table.name, table.keys.webhook_counter(), counter),
            ],
        )
    except TransactionCancelled as cancelled:
        if cancelled.condition_failed(1):
            raise TooManyWebhooksError() from cancelled
        raise


def get(table: Table, webhook_id: str) -> dict[str, Any] | None:
    return table.get(table.keys.webhook(webhook_id))


def list_all(table: Table) -> list[dict[str, Any]]:
    """Every webhook of the store (at most MAX_WEBHOOKS: one Query)."""
    items, _ = table.query_page(
        table.keys.webhooks_partition(),
        sort=Sort.begins_with(WEBHOOK_PREFIX),
        limit=MAX_WEBHOOKS * 2,
        consistent=True,
    )
    return items


def delete(table: Table, webhook: dict[str, Any], *, actor_id: str) -> None:
    """Remove the webhook and lower the counter, together, with a day-long record of who
    removed it (the change stream tells the audit log)."""
    key = table.keys.webhook(webhook["id"])
    removal = {
        **table.keys.webhook_removal(webhook["id"]),
        "webhook": {"id": webhook["id"], "url": webhook["url"], "events": webhook["events"]},
        "removed_by": actor_id,
        "removed_at": now_iso(),
        "expires_at": now_epoch() + 86_400,
    }
    try:
        tx.write(
            table.client,
            [
                tx.delete(table.name, key, Update().condition("attribute_exists({PK})")),
                tx.update(table.name, table.keys.webhook_counter(), Update().add("webhooks", -1)),
                tx.put(table.name, removal, new=False),
            ],
        )
    except TransactionCancelled as cancelled:
        if cancelled.condition_failed(0):
            raise WebhookNotFoundError(f"No webhook {webhook['id']}.") from cancelled
        raise


# --- deliveries ------------------------------------------------------------------------


def delivery_key(table: Table, webhook_id: str, at: str, event_id: str) -> dict[str, str]:
    return table.keys.delivery(webhook_id, at, event_id)


def record_delivery(
    table: Table, *, webhook_id: str, event_id: str, detail_type: str, at: str
) -> bool:
    """Write the delivery's record, pending: True if it is to be queued -- new, or left
    untried by a batch that may have failed before queuing it; False for a replayed event
    already on its way."""
    item = {
        **delivery_key(table, webhook_id, at, event_id),
        "event_id": event_id,
        "detail_type": detail_type,
        "status": "pending",
        "attempts": 0,
        "at": at,
        "expires_at": now_epoch() + DELIVERY_DAYS * 86_400,
    }
    action = tx.put(table.name, item)
    action["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    try:
        tx.write(table.client, [action])
    except TransactionCancelled as cancelled:
        before = cancelled.old_item(0) or {}
        return before.get("status") == "pending" and not before.get("attempts")
    return True


def get_delivery(table: Table, key: dict[str, str]) -> dict[str, Any] | None:
    return table.get(key)


def record_attempt(
    table: Table,
    key: dict[str, str],
    *,
    status: str,
    status_code: int | None,
    error: str | None,
    next_attempt_at: str | None = None,
) -> bool:
    """Record an attempt and its outcome. Two copies of one message can attempt the same
    delivery at once: a success is always recorded (it is the truth, whatever the other
    copy saw), a failure only while the delivery is unsettled, so that it never turns a
    delivered record back into one to retry. False when the record was not changed: it is
    gone, or settled by the other copy."""
    changes = (
        Update()
        .add("attempts", 1)
        .set(
            {
                "status": status,
                "last_status_code": status_code,
                "last_error": error,
                "next_attempt_at": next_attempt_at,
                "attempted_at": now_iso(),
            }
        )
    )
    if status == "delivered":
        return table.update_if(key, changes.condition("attribute_exists({PK})").request())
    return table.update_if(key, _while_unsettled(changes).request())


def mark(table: Table, key: dict[str, str], status: str) -> bool:
    """Settle an unsettled delivery without an attempt (its webhook is gone): False when
    it is gone or settled already."""
    changes = Update().set({"status": status, "next_attempt_at": None})
    return table.update_if(key, _while_unsettled(changes).request())


def _while_unsettled(changes: Update) -> Update:
    """`changes`, on the condition that the delivery is still to be tried."""
    return changes.condition(
        "{status} IN ({pending}, {retrying})", pending="pending", retrying="retrying"
    )


def deliveries_page(
    table: Table, webhook_id: str, *, limit: int, start_key: RawItem | None
) -> tuple[list[Delivery], RawItem | None]:
    items, next_key = table.query_page(
        table.keys.deliveries_partition(webhook_id),
        sort=Sort.begins_with(DELIVERY_PREFIX),
        limit=limit,
        start_key=start_key,
        forward=False,
    )
    fields = set(Delivery.model_fields)
    return [
        Delivery.model_validate({k: v for k, v in item.items() if k in fields}) for item in items
    ], next_key
