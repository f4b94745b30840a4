"""DynamoDB access for orders and idempotency records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.db.codec import RawItem, serialize
from app.db.expressions import Update
from app.db.sharding import MergedListing, merged_page
from app.db.table import Table
from app.orders.schemas import IdempotencyRecord, OrderRecord, OrderStatus

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
        "GSI1SK": listing_sort_key(order),
        "GSI2PK": table.keys.order_listing_of(order.id, order.status),
        "GSI2SK": listing_sort_key(order),
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


def listing_sort_key(order: OrderRecord) -> str:
    """Orders sort by time, then id (unique: a merged listing's cursor relies on it)."""
    return f"{order.created_at}#{order.id}"


def cancel_action(table: Table, order: OrderRecord, now: str) -> dict[str, Any]:
    update = Update().set(
        {
            "status": "cancelled",
            "cancelled_at": now,
            "updated_at": now,
            # the store-wide listing keeps orders by status: move it to the cancelled ones
            "GSI2PK": table.keys.order_listing_of(order.id, "cancelled"),
            "GSI2SK": listing_sort_key(order),
        }
    )
    update.condition("{status} = {placed}", placed="placed")
    return {
        "Update": {
            "TableName": table.name,
            "Key": serialize(table.keys.order(order.id)),
            **update.request(),
        }
    }


def list_page(
    table: Table,
    *,
    user_id: str,
    limit: int,
    start_key: RawItem | None,
    status: OrderStatus | None = None,
) -> tuple[list[OrderRecord], RawItem | None]:
    """A user's orders, newest first: one Query on GSI1 (a status filter may take more
    when many orders of the other status come first)."""
    values: dict[str, Any] = {":pk": table.keys.user_orders_listing(user_id)}
    if status is not None:
        values[":status"] = status
    items, next_key = table.query_page(
        index="GSI1",
        key_condition="GSI1PK = :pk",
        values=values,
        limit=limit,
        start_key=start_key,
        forward=False,
        names={"#status": "status"} if status else None,
        item_filter="#status = :status" if status else None,
    )
    return [from_item(item) for item in items], next_key


def store_page(
    table: Table, *, statuses: Sequence[OrderStatus], limit: int, after: str | None
) -> tuple[list[OrderRecord], str | None]:
    """Every order of the store with one of `statuses`, newest first: one Query per shard,
    in parallel, merged."""
    listing = MergedListing(
        index="GSI2", partitions=table.keys.orders_listings(statuses), descending=True
    )
    items, last = merged_page(table, listing, limit=limit, after=after)
    return [from_item(item) for item in items], last
