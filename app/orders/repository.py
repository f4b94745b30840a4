"""DynamoDB access for orders and idempotency records.

Orders live in `order_shards` partitions by a hash of their id (ids sort by time): the
store's list of every order is one Query per partition, merged; a user's orders are one
Query of the BY_NAME index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.db import transactions as tx
from app.db.codec import RawItem
from app.db.expressions import Update
from app.db.keys import BY_NAME, ORDER_PREFIX
from app.db.sharding import MergedListing, merged_page
from app.db.table import Table
from app.orders.schemas import IdempotencyRecord, OrderRecord, OrderStatus

_ORDER_FIELDS = set(OrderRecord.model_fields)
_STATUS = {"#status": "status"}


def from_item(item: dict[str, Any]) -> OrderRecord:
    return OrderRecord.model_validate({k: v for k, v in item.items() if k in _ORDER_FIELDS})


def get(table: Table, *, order_id: str) -> OrderRecord | None:
    item = table.get(table.keys.order(order_id))
    return from_item(item) if item else None


def put_action(table: Table, order: OrderRecord) -> tx.Action:
    keys = table.keys
    item = {
        **keys.order(order.id),
        **order.model_dump(),
        **keys.order_index_attributes(order_id=order.id, user_id=order.user_id),
    }
    return tx.put(table.name, item)


def idempotency_put_action(table: Table, record: IdempotencyRecord, *, now: int) -> tx.Action:
    """Claim the key unless a live claim exists (an expired one, not yet swept by TTL, may
    be taken over)."""
    item = {**table.keys.idempotency(record.user_id, record.key), **record.model_dump()}
    action = tx.put(table.name, item, new=False)
    condition = Update().condition("attribute_not_exists(PK) OR {expires_at} <= {now}", now=now)
    action["Put"].update(condition.condition_request())
    return action


def idempotency_from_item(item: dict[str, Any]) -> IdempotencyRecord:
    return IdempotencyRecord.model_validate(
        {k: v for k, v in item.items() if k in IdempotencyRecord.model_fields}
    )


def get_idempotency(table: Table, *, user_id: str, key: str) -> IdempotencyRecord | None:
    item = table.get(table.keys.idempotency(user_id, key))
    return idempotency_from_item(item) if item else None


def cancel_action(table: Table, order: OrderRecord, now: str) -> tx.Action:
    update = Update().set({"status": "cancelled", "cancelled_at": now, "updated_at": now})
    update.condition("{status} = {placed}", placed="placed")
    return tx.update(table.name, table.keys.order(order.id), update)


def user_page(
    table: Table,
    *,
    user_id: str,
    limit: int,
    start_key: RawItem | None,
    status: OrderStatus | None = None,
) -> tuple[list[OrderRecord], RawItem | None]:
    """A user's orders, newest first: one Query on BY_NAME (a status filter may take more
    reads when many orders of the other status come first)."""
    values: dict[str, Any] = {":pk": table.keys.user_orders_listing(user_id)}
    if status is not None:
        values[":status"] = status
    items, next_key = table.query_page(
        index=BY_NAME,
        key_condition="GSI1PK = :pk",
        values=values,
        limit=limit,
        start_key=start_key,
        forward=False,
        names=_STATUS if status else None,
        item_filter="#status = :status" if status else None,
    )
    return [from_item(item) for item in items], next_key


def store_page(
    table: Table, *, statuses: Sequence[OrderStatus], limit: int, after: str | None
) -> tuple[list[OrderRecord], str | None]:
    """Every order of the store (of these statuses), newest first: one Query per
    partition, in parallel, merged."""
    one_status = len(statuses) == 1
    listing = MergedListing(
        partitions=table.keys.orders_partitions(),
        descending=True,
        below=ORDER_PREFIX + "\x7f",
        item_filter="#status = :status" if one_status else None,
        names=_STATUS if one_status else {},
        values={":status": statuses[0]} if one_status else {},
    )
    items, last = merged_page(table, listing, limit=limit, after=after)
    return [from_item(item) for item in items], str(last) if last is not None else None
