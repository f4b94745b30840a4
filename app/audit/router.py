"""HTTP layer for the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from app.audit import service
from app.audit.schemas import AuditEntry, Entity
from app.core.roles import Role
from app.core.text import ID_PATTERN
from app.db.pagination import Page
from app.http.access import allow
from app.http.blocking import blocking
from app.http.params import PageCursor, PageLimit, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter

router = APIRouter(
    tags=["admin"], dependencies=[allow(Role.ADMIN)], responses=problem_responses(401, 403)
)


@router.get(
    "",
    responses=problem_responses(422),
    summary="Who changed what in the store, newest first (from the catalog's events)",
)
async def list_audit(
    table: TableDep,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
    actor: Annotated[
        str | None, Query(pattern=ID_PATTERN, description="Only this person's changes.")
    ] = None,
    entity: Annotated[
        Entity | None, Query(description="Only changes of this kind of thing.")
    ] = None,
) -> Page[AuditEntry]:
    entries, next_cursor = await blocking(
        service.list_page, table, actor=actor, entity=entity, limit=limit, cursor=cursor
    )
    return Page[AuditEntry](items=entries, next_cursor=next_cursor)
