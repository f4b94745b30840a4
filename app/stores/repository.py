"""DynamoDB access for stores: the store items, the domain claims that make a host name
select one store, and the list of stores (all under the platform prefix `P#`)."""

from __future__ import annotations

from typing import Any

from app.core.errors import ConflictError
from app.db import transactions as tx
from app.db.codec import RawItem
from app.db.expressions import Update
from app.db.keys import BY_NAME, domain_key, store_index_attributes, store_key, stores_listing
from app.db.table import Table
from app.db.transactions import TransactionCancelled
from app.stores.schemas import StoreRecord

_FIELDS = set(StoreRecord.model_fields)


class StoreExistsError(ConflictError):
    code, title = "store_exists", "A store with this slug exists"


class DomainTakenError(ConflictError):
    code, title = "domain_taken", "A host name selects another store"


class StoreChangedError(Exception):
    """The store changed since it was read."""


def from_item(item: dict[str, Any]) -> StoreRecord:
    return StoreRecord.model_validate({k: v for k, v in item.items() if k in _FIELDS})


def get(table: Table, slug: str) -> StoreRecord | None:
    item = table.get(store_key(slug))
    return from_item(item) if item else None


def slug_for_domain(table: Table, host: str) -> str | None:
    item = table.get(domain_key(host))
    return str(item["slug"]) if item else None


def _claim(table: Table, host: str, slug: str) -> tx.Action:
    return tx.put(table.name, {**domain_key(host), "slug": slug})


def _release(table: Table, host: str, slug: str) -> tx.Action:
    return tx.delete(table.name, domain_key(host), Update().condition("{slug} = {s}", s=slug))


def _domain_failure(record: StoreRecord, cancelled: TransactionCancelled, first: int) -> None:
    for index, host in enumerate(record.domains):
        if cancelled.condition_failed(first + index):
            raise DomainTakenError(f"{host} already selects another store.") from cancelled


def put_new(table: Table, record: StoreRecord) -> None:
    """The store and its domain claims, all or nothing; a slug or host already taken: 409."""
    item = {
        **store_key(record.slug),
        **record.model_dump(mode="json"),
        **store_index_attributes(record.slug),
    }
    actions = [tx.put(table.name, item), *(_claim(table, h, record.slug) for h in record.domains)]
    try:
        tx.write(table.client, actions)
    except TransactionCancelled as cancelled:
        if cancelled.condition_failed(0):
            raise StoreExistsError(f"A store {record.slug} exists.") from cancelled
        _domain_failure(record, cancelled, first=1)
        raise


UPDATED_FIELDS = ("name", "status", "domains", "settings", "version", "updated_at", "changed_by")


def update(table: Table, *, current: StoreRecord, updated: StoreRecord) -> None:
    """Write `updated` if the store is still as read, moving its domain claims with it."""
    changes = Update().set(updated.model_dump(mode="json", include=set(UPDATED_FIELDS)))
    changes.condition("{version} = {seen}", seen=current.version)
    added = [h for h in updated.domains if h not in current.domains]
    removed = [h for h in current.domains if h not in updated.domains]
    actions = [
        tx.update(table.name, store_key(current.slug), changes),
        *(_claim(table, h, current.slug) for h in added),
        *(_release(table, h, current.slug) for h in removed),
    ]
    try:
        tx.write(table.client, actions)
    except TransactionCancelled as cancelled:
        if cancelled.condition_failed(0):
            raise StoreChangedError from cancelled
        _domain_failure(updated.model_copy(update={"domains": added}), cancelled, first=1)
        raise


def list_page(
    table: Table, *, limit: int, start_key: RawItem | None
) -> tuple[list[StoreRecord], RawItem | None]:
    items, next_key = table.query_page(
        stores_listing(),
        index=BY_NAME,
        limit=limit,
        start_key=start_key,
    )
    return [from_item(item) for item in items], next_key
