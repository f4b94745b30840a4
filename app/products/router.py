"""HTTP layer for the catalog: anyone reads, admins write."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Query, Response, status

from app.auth.dependencies import PUBLIC, CurrentUser, allow
from app.core import etags
from app.core.blocking import blocking
from app.core.config import get_settings
from app.core.params import ResourceId
from app.core.responses import problem_responses
from app.core.roles import Role
from app.core.routing import APIRouter
from app.db.pagination import Page, PageCursor, PageLimit
from app.db.table import TableDep
from app.products import categories, service
from app.products.schemas import (
    CategoryList,
    ImageConfirm,
    ImageUpload,
    ImageUploadRequest,
    Label,
    Product,
    ProductCreate,
    ProductUpdate,
    SearchText,
)

public_router = APIRouter(prefix="/products", tags=["products"], dependencies=[PUBLIC])
categories_router = APIRouter(prefix="/categories", tags=["products"], dependencies=[PUBLIC])
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
    category: Annotated[Label | None, Query()] = None,
    q: Annotated[SearchText | None, Query(description="Case-insensitive name prefix.")] = None,
) -> Page[Product]:
    settings = get_settings()
    products, next_cursor = await blocking(
        service.list_page, table, category=category, name_prefix=q, limit=limit, cursor=cursor
    )
    return Page[Product](
        items=[service.public(p, settings) for p in products], next_cursor=next_cursor
    )


@categories_router.get("", summary="Categories with their product counts, by name")
async def list_categories(table: TableDep) -> CategoryList:
    return CategoryList(items=await blocking(categories.list_all, table))


@public_router.get(
    "/{product_id}",
    response_model=Product,
    responses={
        304: {"description": "Not modified: the product and its stock are as in If-None-Match"},
        **problem_responses(404),
    },
    summary="A product with its live stock; If-None-Match makes re-reads cheap",
)
async def get_product(
    product_id: ResourceId,
    table: TableDep,
    response: Response,
    if_none_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Any:
    product = await blocking(service.get, table, product_id)
    headers = {"ETag": product.etag, "Cache-Control": LIVE}
    if if_none_match is not None and etags.if_none_match_hits(if_none_match, product.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    response.headers.update(headers)
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


@admin_router.put(
    "/{product_id}/image",
    responses=problem_responses(404, 422),
    summary="Make an uploaded file the product's image (checked; the previous one is deleted)",
)
async def set_image(
    product_id: ResourceId, body: ImageConfirm, table: TableDep, response: Response
) -> Product:
    settings = get_settings()
    product = await blocking(service.set_image, table, product_id, body.upload_key, settings)
    response.headers["ETag"] = product.etag
    return service.public(product, settings)


@admin_router.delete(
    "/{product_id}/image",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
    summary="Remove the product's image",
)
async def delete_image(product_id: ResourceId, table: TableDep) -> None:
    await blocking(service.remove_image, table, product_id, get_settings())
