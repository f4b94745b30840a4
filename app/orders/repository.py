"""DynamoDB access for orders and idempotency records.

Orders live in `order_shards` partitions by a hash of their id (ids sort by time): the
store's list of every order is one Query per partition, merged; a user's orders are one
Query of the BY_NAME index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.db import transactions as tx
from app.db.codec import RawItem
from app.db.expressions import Update
from app.db.keys import BY_NAME, IDEMPOTENCY, ORDER_PREFIX
from app.db.sharding import MergedListing, merged_page
from app.db.table import Filter, Table
from app.orders.schemas import IdempotencyRecord, OrderRecord, OrderStatus
from app.products.repository import from_item as product_from_item
from app.products.schemas import ProductRecord
from app.stock.commit import Snapshot
from app.stock.reading import read_definitions

_ORDER_FIELDS = set(OrderRecord.model_fields)


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


def cancel_action(table: Table, order: OrderRecord, now: str, actor_id: str) -> tx.Action:
    update = Update().set(
        {"status": "cancelled", "cancelled_at": now, "updated_at": now, "cancelled_by": actor_id}
    )
    update.condition("{status} = {placed}", placed="placed")
    return tx.update(table.name, table.keys.order(order.id), update)


def _status_filter(status: OrderStatus | None) -> Filter | None:
    if status is None:
        return None
    return Filter("#status = :status", names={"#status": "status"}, values={":status": status})


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
    items, next_key = table.query_page(
        table.keys.user_orders_listing(user_id),
        index=BY_NAME,
        limit=limit,
        start_key=start_key,
        forward=False,
        item_filter=_status_filter(status),
    )
    return [from_item(item) for item in items], next_key


def store_page(
    table: Table, *, status: OrderStatus | None, limit: int, start_key: RawItem | None
) -> tuple[list[OrderRecord], RawItem | None]:
    """Every order of the store (or those of one status), newest first: one Query per
    partition, in parallel, merged."""
    listing = MergedListing(
        partitions=table.keys.orders_partitions(),
        descending=True,
        below=ORDER_PREFIX + "\x7f",
        item_filter=_status_filter(status),
    )
    items, next_key = merged_page(table, listing, limit=limit, start_key=start_key)
    return [from_item(item) for item in items], next_key


@dataclass(frozen=True)
class PurchaseRead:
    """What a purchase reads before it writes, in one round trip."""

    products: dict[str, ProductRecord]
    stock: Snapshot  # how many buckets each product has, not their levels
    claim: IdempotencyRecord | None  # a live claim of the purchase's key, if any


def read_for_purchase(
    table: Table, *, product_ids: Sequence[str], user_id: str, key: str | None, now: int
) -> PurchaseRead:
    """The products and any earlier claim of the Idempotency-Key, in one eventually
    consistent BatchGetItem; not the stock levels: a purchase takes its units without
    reading them first (app/stock/planning.py)."""
    claim_key = table.keys.idempotency(user_id, key) if key else None
    read = read_definitions(table, product_ids, also=[claim_key] if claim_key else [])
    claims = [idempotency_from_item(item) for item in read.others if item["SK"] == IDEMPOTENCY]
    live = next((claim for claim in claims if claim.expires_at > now), None)
    products = {pid: product_from_item(item) for pid, item in read.products.items()}
    return PurchaseRead(products=products, stock=dict(read.stock), claim=live)
