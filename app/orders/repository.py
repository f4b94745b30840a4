"""DynamoDB access for orders and idempotency records."""

from __future__ import annotations

from typing import Any

from app.db.codec import RawItem, serialize
from app.db.expressions import Update
from app.db.table import Table
from app.orders.schemas import IdempotencyRecord, OrderRecord

_ORDER_FIELDS = set(OrderRecord.model_fields)


def from_item(item: dict[str, Any]) -> OrderRecord:
    return OrderRecord.model_validate({k: v for k, v in item.items() if k in _ORDER_FIELDS})


def get(table: Table, *, order_id: str) -> OrderRecord | None:
    item = table.get(table.keys.order(order_id))
    return from_item(item) if item else None


def put_action(table: Table, order: OrderRecord) -> dict[str, Any]:
    item = {
        **table.keys.order(order.id),
        **order.model_dump(),
        "GSI1PK": table.keys.user_orders_listing(order.user_id),
        "GSI1SK": f"{order.created_at}#{order.id}",
    }
    return {
        "Put": {
            "TableName": table.name,
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }


def idempotency_put_action(table: Table, record: IdempotencyRecord, *, now: int) -> dict[str, Any]:
    """Claim the key unless a live claim exists (an expired one, not yet swept by TTL, may
    be taken over)."""
    item = {**table.keys.idempotency(record.user_id, record.key), **record.model_dump()}
    return {
        "Put": {
            "TableName": table.name,
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(PK) OR expires_at <= :now",
            "ExpressionAttributeValues": serialize({":now": now}),
        }
    }


def idempotency_from_item(item: dict[str, Any]) -> IdempotencyRecord:
    return IdempotencyRecord.model_validate(
        {k: v for k, v in item.items() if k in IdempotencyRecord.model_fields}
    )


def get_idempotency(table: Table, *, user_id: str, key: str) -> IdempotencyRecord | None:
    item = table.get(table.keys.idempotency(user_id, key))
    return idempotency_from_item(item) if item else None


def cancel_action(table: Table, order: OrderRecord, now: str) -> dict[str, Any]:
    update = Update().set({"status": "cancelled", "cancelled_at": now, "updated_at": now})
    update.condition("{status} = {placed}", placed="placed")
    return {
        "Update": {
            "TableName": table.name,
            "Key": serialize(table.keys.order(order.id)),
            **update.request(),
        }
    }


def list_page(
    table: Table, *, user_id: str, limit: int, start_key: RawItem | None
) -> tuple[list[OrderRecord], RawItem | None]:
    """A user's orders, newest first: one Query on GSI1."""
    items, next_key = table.query_page(
        index="GSI1",
        key_condition="GSI1PK = :pk",
        values={":pk": table.keys.user_orders_listing(user_id)},
        limit=limit,
        start_key=start_key,
        forward=False,
    )
    return [from_item(item) for item in items], next_key
