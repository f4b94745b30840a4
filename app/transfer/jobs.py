"""A job (an export, an import) as stored: one item, its progress moved by ADDs, kept a
week (TTL)."""

from __future__ import annotations

from typing import Any, Literal

from app.core.errors import NotFoundError
from app.core.timeutil import now_epoch, now_iso
from app.db import transactions as tx
from app.db.codec import serialize
from app.db.expressions import Update
from app.db.table import Table

JobKind = Literal["export", "import"]
JOB_DAYS = 7


class JobNotFoundError(NotFoundError):
    code, title = "job_not_found", "Not found"


def create(table: Table, *, job_id: str, kind: JobKind, actor_id: str, **fields: Any) -> None:
    item = {
        **table.keys.job(job_id),
        "id": job_id,
        "kind": kind,
        "status": "queued",
        "rows": 0,
        "created_at": now_iso(),
        "created_by": actor_id,
        "expires_at": expiry(),
        **fields,
    }
    tx.write(table.client, [tx.put(table.name, item)])


def expiry() -> int:
    """When a job's items go (DynamoDB's TTL): a week on."""
    return now_epoch() + JOB_DAYS * 86_400


def get(table: Table, job_id: str, kind: JobKind) -> dict[str, Any]:
    item = table.get(table.keys.job(job_id))
    if item is None or item.get("kind") != kind:
        raise JobNotFoundError(f"No {kind} {job_id}.")
    return item


def update(table: Table, job_id: str, **fields: Any) -> None:
    changes = Update().set({**fields, "updated_at": now_iso()})
    table.client.update_item(
        TableName=table.name, Key=serialize(table.keys.job(job_id)), **changes.request()
    )


def update_if(table: Table, job_id: str, changes: Update) -> bool:
    """Apply `changes` (with their condition) to the job: False when the condition failed."""
    try:
        table.client.update_item(
            TableName=table.name, Key=serialize(table.keys.job(job_id)), **changes.request()
        )
    except table.client.exceptions.ConditionalCheckFailedException:
        return False
    return True
