"""HTTP layer for catalog exports and imports (admins of the store)."""

from __future__ import annotations

from typing import Literal

from fastapi import status
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.core.roles import Role
from app.http.access import CurrentUser, allow
from app.http.blocking import blocking
from app.http.params import ResourceId, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.transfer import exports, imports

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


imports_router = APIRouter(
    tags=["admin"], dependencies=[allow(Role.ADMIN)], responses=problem_responses(401, 403)
)


class ImportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: StrictBool = Field(
        default=False, description="Check and count what the file would do; write nothing."
    )


class ImportUpload(BaseModel):
    """A presigned POST: send `fields` plus the file (last, as `file`) as
    multipart/form-data to `url`, at most 100 MB, within the hour."""

    url: str
    fields: dict[str, str]


class ImportCreated(BaseModel):
    id: str
    upload: ImportUpload


class ImportProblem(BaseModel):
    row: int = Field(description="The file's row: 1 is the header, 2 the first product row.")
    column: str
    message: str


class Import(BaseModel):
    id: str
    status: Literal["uploading", "queued", "running", "done", "failed"]
    dry_run: bool
    rows_total: int = Field(description="Rows in the file (known once it is checked).")
    rows_done: int
    created: int
    updated: int
    unchanged: int
    failed: int = Field(description="Rows not imported (each has its problem in `errors`).")
    errors: list[ImportProblem] = Field(description="The first 1,000 problems, by row.")


@imports_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Import a catalog CSV: get an upload for the file, then start the import",
)
async def create_import(
    table: TableDep, principal: CurrentUser, request: ImportCreate | None = None
) -> ImportCreated:
    dry_run = request.dry_run if request else False
    created = await blocking(imports.create, table, dry_run=dry_run, actor_id=principal.id)
    return ImportCreated.model_validate(created)


@imports_router.post(
    "/{import_id}/start",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(404, 409, 422),
    summary="Start an uploaded import (a job: follow it with GET /admin/imports/{id})",
)
async def start_import(import_id: ResourceId, table: TableDep) -> Import:
    return Import.model_validate(await blocking(imports.start, table, import_id))


@imports_router.get(
    "/{import_id}", responses=problem_responses(404), summary="An import's progress and report"
)
async def get_import(import_id: ResourceId, table: TableDep) -> Import:
    return Import.model_validate(await blocking(imports.get, table, import_id))
