"""Reading the audit log (admins of the store)."""

from __future__ import annotations

from functools import partial

from app.audit import repository
from app.audit.schemas import AuditEntry, Entity
from app.db.pagination import paginate
from app.db.table import Table


def list_page(
    table: Table, *, actor: str | None, entity: Entity | None, limit: int, cursor: str | None
) -> tuple[list[AuditEntry], str | None]:
    """The store's audit entries, newest first, optionally one actor's or one entity's."""
    return paginate(
        cursor,
        scope=table.keys.audit_scope(actor, entity),
        fetch=partial(repository.page, table, actor=actor, entity=entity, limit=limit),
    )
