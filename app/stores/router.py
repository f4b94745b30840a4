"""HTTP layer for stores: the resolved store's public face (anyone), and the platform's
management of stores (platform admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response, status

from app.core import etags
from app.core.roles import Role
from app.db.pagination import Page
from app.http.access import PUBLIC, CurrentUser, allow
from app.http.blocking import blocking
from app.http.conditional import IfMatchHeader
from app.http.params import CurrentStore, PageCursor, PageLimit, PlatformTableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.stores import service
from app.stores.schemas import (
    SLUG_PATTERN,
    Store,
    StoreCreate,
    StorePublic,
    StoreRecord,
    StoreUpdate,
)

store_router = APIRouter(tags=["stores"], dependencies=[PUBLIC])
platform_router = APIRouter(
    tags=["platform"],
    dependencies=[allow(Role.PLATFORM_ADMIN)],
    responses=problem_responses(401, 403),
)
SlugPath = Annotated[str, Path(pattern=SLUG_PATTERN, description="The store's slug.")]


def _store(record: StoreRecord) -> Store:
    return Store.model_validate(record.model_dump())


@store_router.get("", responses=problem_responses(403, 404), summary="The store you are in")
async def current_store(store: CurrentStore) -> StorePublic:
    return StorePublic(slug=store.slug, name=store.name, currency=store.settings.currency)


@platform_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(409, 422),
    summary="Create a store",
)
async def create_store(body: StoreCreate, table: PlatformTableDep, response: Response) -> Store:
    record = await blocking(service.create, table, body)
    response.headers["Location"] = f"/platform/stores/{record.slug}"
    response.headers["ETag"] = etags.strong(record.version)
    return _store(record)


@platform_router.get("", responses=problem_responses(422), summary="Every store, by slug")
async def list_stores(
    table: PlatformTableDep, limit: PageLimit = 20, cursor: PageCursor = None
) -> Page[Store]:
    stores, next_cursor = await blocking(service.list_stores, table, limit=limit, cursor=cursor)
    return Page[Store](items=[_store(s) for s in stores], next_cursor=next_cursor)


@platform_router.get("/{slug}", responses=problem_responses(404))
async def get_store(slug: SlugPath, table: PlatformTableDep, response: Response) -> Store:
    record = await blocking(service.get, table, slug)
    response.headers["ETag"] = etags.strong(record.version)
    return _store(record)


@platform_router.patch(
    "/{slug}",
    responses=problem_responses(404, 409, 412, 422),
    summary="Rename, suspend or resume a store, or change its domains and settings",
    description=(
        "A suspension takes effect within 30 seconds everywhere (each server reads a store"
        " again after that; docs/ARCHITECTURE.md, Stores)."
    ),
)
async def update_store(
    slug: SlugPath,
    body: StoreUpdate,
    table: PlatformTableDep,
    response: Response,
    if_match: IfMatchHeader,
    principal: CurrentUser,
) -> Store:
    record = await blocking(
        service.update, table, slug, body, if_match=if_match, actor_id=principal.id
    )
    response.headers["ETag"] = etags.strong(record.version)
    return _store(record)
