"""HTTP layer for catalog exports (admins of the store)."""

from __future__ import annotations

from fastapi import status
from pydantic import BaseModel, Field

from app.core.roles import Role
from app.http.access import CurrentUser, allow
from app.http.blocking import blocking
from app.http.params import ResourceId, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.transfer import exports

exports_router = APIRouter(
    tags=["admin"], dependencies=[allow(Role.ADMIN)], responses=problem_responses(401, 403)
)


class ExportStarted(BaseModel):
    id: str


class Export(BaseModel):
    id: str
    status: str = Field(description="queued, running, done or failed")
    rows: int = Field(description="Products written so far.")
    url: str | None = Field(None, description="A presigned download (an hour), when done.")


@exports_router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Export the store's catalog and stock as CSV (a job: see GET /admin/exports/{id})",
)
async def start_export(table: TableDep, principal: CurrentUser) -> ExportStarted:
    return ExportStarted(id=await blocking(exports.start, table, actor_id=principal.id))


@exports_router.get(
    "/{export_id}", responses=problem_responses(404), summary="An export's progress and file"
)
async def get_export(export_id: ResourceId, table: TableDep) -> Export:
    return Export(**await blocking(exports.get, table, export_id))
