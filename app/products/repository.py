"""DynamoDB access for products and their SKU claims."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from app.core.errors import ConflictError
from app.db.codec import RawItem, deserialize, serialize
from app.db.expressions import Update
from app.db.keys import NAME_ID_SEPARATOR, name_sort_key
from app.db.table import Table
from app.db.transactions import (
    TransactionCancelled,
    is_condition_failure,
    transact_write,
    write,
)
from app.inventory import ledger
from app.products import categories
from app.products.schemas import ProductRecord


class SkuTakenError(ConflictError):
    code, title = "sku_taken", "SKU already in use"


class ProductChangedError(Exception):
    """The product is gone or its version moved since it was read."""


_FIELDS = set(ProductRecord.model_fields)


def from_item(item: dict[str, Any]) -> ProductRecord:
    return ProductRecord.model_validate({k: v for k, v in item.items() if k in _FIELDS})


def index_attributes(table: Table, product: ProductRecord) -> dict[str, str]:
    """Listing keys: by name (GSI1), by category and name (GSI2), by stock level (GSI3)."""
    sort_key = f"{name_sort_key(product.name)}{NAME_ID_SEPARATOR}{product.id}"
    return {
        "GSI1PK": table.keys.products_listing(),
        "GSI1SK": sort_key,
        "GSI2PK": table.keys.category_listing(product.category),
        "GSI2SK": sort_key,
        "GSI3PK": table.keys.stock_listing(),
    }


def _sku_claim(table: Table, sku: str, product_id: str) -> dict[str, Any]:
    return {
        "Put": {
            "TableName": table.name,
            "Item": serialize({**table.keys.sku(sku), "product_id": product_id}),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }


def _sku_release(table: Table, sku: str, product_id: str) -> dict[str, Any]:
    return {
        "Delete": {
            "TableName": table.name,
            "Key": serialize(table.keys.sku(sku)),
            "ConditionExpression": "product_id = :id",
            "ExpressionAttributeValues": serialize({":id": product_id}),
        }
    }


def get(table: Table, *, product_id: str) -> ProductRecord | None:
    item = table.get(table.keys.product(product_id))
    return from_item(item) if item else None


def put_new(table: Table, *, product: ProductRecord, initial: ledger.LedgerEntry | None) -> None:
    """Store a new product with its SKU claim, its category count and its initial stock
    entry, all or nothing."""
    item = {
        **table.keys.product(product.id),
        **product.model_dump(),
        **index_attributes(table, product),
    }
    actions: list[dict[str, Any]] = [
        {
            "Put": {
                "TableName": table.name,
                "Item": serialize(item),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
        categories.count_action(table, product.category, +1),
    ]
    if initial is not None:
        actions.append(ledger.put_action(table, initial))
    if product.sku:
        actions.append(_sku_claim(table, product.sku, product.id))
    try:
        transact_write(table.client, actions)
    except TransactionCancelled as cancelled:
        if product.sku and cancelled.condition_failed(len(actions) - 1):
            raise SkuTakenError(f"SKU {product.sku} is already in use.") from cancelled
        raise


def _category_moves(table: Table, before: str, after: str) -> list[dict[str, Any]]:
    if before == after:
        return []
    if categories.same(before, after):
        return [categories.rename_action(table, after)]
    return [
        categories.count_action(table, before, -1),
        categories.count_action(table, after, +1),
    ]


def update(table: Table, *, current: ProductRecord, updated: ProductRecord) -> None:
    """Write the catalog fields of `updated` if the product is still at `current.version`,
    with the SKU claims and category counts that move with them. Stock is not touched: it
    changes only through the inventory, concurrently with this."""
    changes = Update().set(
        {
            **updated.model_dump(include=set(CATALOG_FIELDS) | {"version", "updated_at"}),
            **index_attributes(table, updated),
        }
    )
    changes.condition("{version} = {seen}", seen=current.version)
    actions: list[dict[str, Any]] = [
        {
            "Update": {
                "TableName": table.name,
                "Key": serialize(table.keys.product(current.id)),
                **changes.request(),
            }
        }
    ]
    claims_sku = bool(updated.sku) and current.sku != updated.sku
    if claims_sku and updated.sku:
        actions.append(_sku_claim(table, updated.sku, current.id))
    if current.sku and current.sku != updated.sku:
        actions.append(_sku_release(table, current.sku, current.id))
    actions.extend(_category_moves(table, current.category, updated.category))
    try:
        write(table.client, actions)
    except TransactionCancelled as cancelled:
        if cancelled.condition_failed(0):
            raise ProductChangedError from cancelled
        if claims_sku and cancelled.condition_failed(1):
            raise SkuTakenError(f"SKU {updated.sku} is already in use.") from cancelled
        raise


CATALOG_FIELDS = ("name", "description", "price", "currency", "category", "tags", "sku")


def set_image(
    table: Table, *, product_id: str, key: str | None, now: str
) -> tuple[ProductRecord, ProductRecord]:
    """Point the product at another image (None: no image). Returns the product before and
    after, so the caller can delete the image it had."""
    update = Update().set({"image_key": key, "updated_at": now}).add("version", 1)
    update.condition("attribute_exists(PK)")
    try:
        response = table.client.update_item(
            TableName=table.name,
            Key=serialize(table.keys.product(product_id)),
            **update.request(),
            ReturnValues="ALL_OLD",
        )
    except ClientError as error:
        if is_condition_failure(error):
            raise ProductChangedError from error
        raise
    before = from_item(deserialize(response["Attributes"]))
    after = before.model_copy(
        update={"image_key": key, "updated_at": now, "version": before.version + 1}
    )
    return before, after


def delete(table: Table, *, product: ProductRecord) -> None:
    """Remove the product as it was read (its version), freeing its SKU and leaving its
    category's count."""
    actions: list[dict[str, Any]] = [
        {
            "Delete": {
                "TableName": table.name,
                "Key": serialize(table.keys.product(product.id)),
                "ConditionExpression": "version = :seen",
                "ExpressionAttributeValues": serialize({":seen": product.version}),
            }
        },
        categories.count_action(table, product.category, -1),
    ]
    if product.sku:
        actions.append(_sku_release(table, product.sku, product.id))
    try:
        transact_write(table.client, actions)
    except TransactionCancelled as cancelled:
        if cancelled.any_condition_failed:
            raise ProductChangedError from cancelled
        raise


def list_page(
    table: Table,
    *,
    category: str | None,
    name_prefix: str | None,
    limit: int,
    start_key: RawItem | None,
) -> tuple[list[ProductRecord], RawItem | None]:
    """One Query on the name index (GSI1) or, with a category, the category index (GSI2)."""
    index, partition = (
        ("GSI2", table.keys.category_listing(category))
        if category
        else ("GSI1", table.keys.products_listing())
    )
    condition = f"{index}PK = :pk"
    values: dict[str, Any] = {":pk": partition}
    if name_prefix:
        condition += f" AND begins_with({index}SK, :prefix)"
        values[":prefix"] = name_sort_key(name_prefix)
    items, next_key = table.query_page(
        index=index, key_condition=condition, values=values, limit=limit, start_key=start_key
    )
    return [from_item(item) for item in items], next_key


def listing_scope(table: Table, *, category: str | None, name_prefix: str | None) -> str:
    """What a products cursor is bound to: the index, partition and search prefix."""
    partition = table.keys.category_listing(category) if category else table.keys.products_listing()
    return f"products|{partition}|{name_sort_key(name_prefix or '')}"
