"""The audit log's entries: one Query per partition, in parallel, merged newest first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.audit.schemas import AuditEntry
from app.db.codec import RawItem
from app.db.keys import AUDIT_PREFIX
from app.db.sharding import MergedListing, merged_page
from app.db.table import Filter, Table

FIELDS = set(AuditEntry.model_fields)


def _filter(actor: str | None, entity: str | None) -> Filter | None:
    conditions, values = [], {}
    if actor is not None:
        conditions.append("actor_id = :actor")
        values[":actor"] = actor
    if entity is not None:
        conditions.append("entity = :entity")
        values[":entity"] = entity
    return Filter(" AND ".join(conditions), values=values) if conditions else None


def page(
    table: Table, *, actor: str | None, entity: str | None, limit: int, start_key: RawItem | None
) -> tuple[list[AuditEntry], RawItem | None]:
    listing = MergedListing(
        partitions=table.keys.audit_partitions(),
        descending=True,
        below=AUDIT_PREFIX + "\x7f",
        item_filter=_filter(actor, entity),
    )
    items, next_key = merged_page(table, listing, limit=limit, start_key=start_key)
    return [_entry(item) for item in items], next_key


def _entry(item: dict[str, Any]) -> AuditEntry:
    return AuditEntry.model_validate({k: _json(v) for k, v in item.items() if k in FIELDS})


def _json(value: Any) -> Any:
    """As the event said it: numbers as numbers (DynamoDB gives Decimals back; money was
    written as text and stays so)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value
