"""HTTP layer for the catalog: anyone reads, admins write."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.auth.dependencies import PUBLIC, CurrentUser, allow
from app.core.blocking import blocking
from app.core.config import get_settings
from app.core.params import ResourceId
from app.core.responses import problem_responses
from app.core.roles import Role
from app.db.pagination import Page, PageCursor, PageLimit
from app.db.table import TableDep
from app.products import service
from app.products.schemas import (
    ImageUpload,
    ImageUploadRequest,
    Product,
    ProductCreate,
    ProductUpdate,
)

public_router = APIRouter(prefix="/products", tags=["products"], dependencies=[PUBLIC])
admin_router = APIRouter(
    prefix="/products",
    tags=["products"],
    dependencies=[allow(Role.ADMIN)],
    responses=problem_responses(401, 403),
)

LIVE = "no-cache"  # stock is live: revalidate before reuse


@public_router.get("", responses=problem_responses(422), summary="Browse or search the catalog")
async def list_products(
    table: TableDep,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
    category: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Case-insensitive name prefix."),
    ] = None,
) -> Page[Product]:
    settings = get_settings()
    products, next_cursor = await blocking(
        service.list_page, table, category=category, name_prefix=q, limit=limit, cursor=cursor
    )
    return Page[Product](
        items=[service.public(p, settings) for p in products], next_cursor=next_cursor
    )


@public_router.get("/{product_id}", responses=problem_responses(404))
async def get_product(product_id: ResourceId, table: TableDep, response: Response) -> Product:
    product = await blocking(service.get, table, product_id)
    response.headers["ETag"] = product.etag
    response.headers["Cache-Control"] = LIVE
    return service.public(product, get_settings())


@admin_router.post("", status_code=status.HTTP_201_CREATED, responses=problem_responses(409, 422))
async def create_product(
    body: ProductCreate, table: TableDep, principal: CurrentUser, response: Response
) -> Product:
    product = await blocking(service.create, table, body, actor_id=principal.id)
    response.headers["Location"] = f"/products/{product.id}"
    response.headers["ETag"] = product.etag
    return service.public(product, get_settings())


@admin_router.patch(
    "/{product_id}",
    responses=problem_responses(404, 409, 412, 422),
    summary="Edit a product (not its stock); If-Match makes the edit conditional",
)
async def update_product(
    product_id: ResourceId,
    body: ProductUpdate,
    table: TableDep,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Product:
    product = await blocking(service.update, table, product_id, body, if_match=if_match)
    response.headers["ETag"] = product.etag
    return service.public(product, get_settings())


@admin_router.delete(
    "/{product_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def delete_product(product_id: ResourceId, table: TableDep) -> None:
    await blocking(service.delete, table, product_id, get_settings())


@admin_router.post(
    "/{product_id}/image-upload",
    responses=problem_responses(404, 422),
    summary="Get a presigned POST to upload the product's image straight to S3",
)
async def start_image_upload(
    product_id: ResourceId, body: ImageUploadRequest, table: TableDep
) -> ImageUpload:
    return await blocking(service.start_image_upload, table, product_id, body, get_settings())
