"""HTTP layer for the catalog: anyone reads, admins write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request, Response, status

from app.auth.schemas import Principal
from app.core.errors import ForbiddenError
from app.core.etags import IfMatch
from app.core.roles import Role
from app.db.pagination import Page
from app.db.table import Table
from app.http.access import PUBLIC, CurrentUser, allow, staff_principal
from app.http.blocking import blocking
from app.http.caching import cacheable
from app.http.conditional import IfMatchHeader
from app.http.params import CurrentStore, PageCursor, PageLimit, ResourceId, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.products import categories, service, variant_editing
from app.products.schemas import (
    CategoryList,
    ImageConfirm,
    ImageUpload,
    ImageUploadRequest,
    Label,
    Product,
    ProductCreate,
    ProductStatus,
    ProductSummary,
    ProductUpdate,
    ProductWithStock,
    SearchText,
    VariantCreate,
    VariantUpdate,
)


@dataclass(frozen=True)
class ProductEdit:
    """What every edit of a product works with: the store's table, the admin making it and
    the If-Match they sent; `answer` makes the edit and answers the product after it."""

    table: Table
    principal: Principal
    if_match: IfMatch | None
    response: Response

    async def answer(self, edit: Callable[..., ProductWithStock], *args: Any) -> Product:
        found = await blocking(
            edit, self.table, *args, if_match=self.if_match, actor_id=self.principal.id
        )
        return _answer(self.response, found)


async def product_edit(
    table: TableDep, principal: CurrentUser, if_match: IfMatchHeader, response: Response
) -> ProductEdit:
    return ProductEdit(table, principal, if_match, response)


Editing = Annotated[ProductEdit, Depends(product_edit)]

public_router = APIRouter(tags=["products"], dependencies=[PUBLIC])
categories_router = APIRouter(tags=["products"], dependencies=[PUBLIC])
admin_router = APIRouter(
    tags=["products"],
    dependencies=[allow(Role.ADMIN)],
    responses=problem_responses(401, 403),
)

# How long shared caches (CloudFront) may keep anonymous catalog reads. The product page
# polls every 3 s: with 2 s here, the stock it shows is at most 5 s old.
PRODUCT_MAX_AGE = 2
LISTING_MAX_AGE = 10  # listings show availability only, which changes at sell-outs
CATEGORIES_MAX_AGE = 30
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: as named by If-None-Match (no body)"}
}
IfNoneMatch = Annotated[str | None, Header(max_length=200)]


def _shared(request: Request) -> bool:
    """Whether shared caches may keep the answer: not for a caller with a token (the web
    app sends one when it wants the latest, e.g. an admin reloading a product to edit)."""
    return "authorization" not in request.headers


@public_router.get(
    "",
    response_model=Page[ProductSummary],
    responses={**NOT_MODIFIED, **problem_responses(403, 422)},
    summary="Browse or search the catalog",
)
async def list_products(
    request: Request,
    table: TableDep,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
    category: Annotated[Label | None, Query()] = None,
    q: Annotated[
        SearchText | None,
        Query(
            description="The start of any word of the name, or several words in a row "
            "(case- and accent-insensitive), or an exact SKU."
        ),
    ] = None,
    shown: Annotated[
        ProductStatus | None,
        Query(
            alias="status",
            description="Staff only for draft and archived (shoppers see active products).",
        ),
    ] = None,
    if_none_match: IfNoneMatch = None,
) -> Any:
    if shown not in (None, "active") and await staff_principal(request, table) is None:
        raise ForbiddenError("Only stock managers and admins see draft and archived products.")
    products, next_cursor = await blocking(
        service.list_page,
        table,
        category=category,
        q=q,
        limit=limit,
        cursor=cursor,
        status=shown or "active",
    )
    page = Page[ProductSummary](
        items=[service.summary(p) for p in products], next_cursor=next_cursor
    )
    return cacheable(
        page, max_age=LISTING_MAX_AGE, if_none_match=if_none_match, shared=_shared(request)
    )


@categories_router.get(
    "",
    response_model=CategoryList,
    responses=NOT_MODIFIED,
    summary="Categories with their product counts, by name",
)
async def list_categories(
    request: Request, table: TableDep, if_none_match: IfNoneMatch = None
) -> Any:
    found = CategoryList(items=await blocking(categories.list_all, table))
    return cacheable(
        found, max_age=CATEGORIES_MAX_AGE, if_none_match=if_none_match, shared=_shared(request)
    )


@public_router.get(
    "/{product_id}",
    response_model=Product,
    responses={**NOT_MODIFIED, **problem_responses(404)},
    summary="A product with its live stock; If-None-Match makes re-reads cheap",
)
async def get_product(
    request: Request, product_id: ResourceId, table: TableDep, if_none_match: IfNoneMatch = None
) -> Any:
    product, stock = await blocking(service.get, table, product_id)
    if not service.for_sale(product) and await staff_principal(request, table) is None:
        raise service.ProductNotFoundError(product_id)  # drafts are staff's only
    return cacheable(
        service.public(product, stock),
        max_age=PRODUCT_MAX_AGE,
        if_none_match=if_none_match,
        etag=service.etag(product, stock),
        shared=_shared(request),
    )


@admin_router.post("", status_code=status.HTTP_201_CREATED, responses=problem_responses(409, 422))
async def create_product(
    body: ProductCreate,
    table: TableDep,
    store: CurrentStore,
    principal: CurrentUser,
    response: Response,
) -> Product:
    created = await blocking(service.create, table, body, actor_id=principal.id, store=store)
    answer = _answer(response, created)
    response.headers["Location"] = f"/products/{answer.id}"
    return answer


@admin_router.patch(
    "/{product_id}",
    responses=problem_responses(404, 409, 412, 422),
    summary="Edit a product (not its stock); If-Match makes the edit conditional",
)
async def update_product(product_id: ResourceId, body: ProductUpdate, edit: Editing) -> Product:
    return await edit.answer(service.update, product_id, body)


@admin_router.delete(
    "/{product_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def delete_product(product_id: ResourceId, table: TableDep, principal: CurrentUser) -> None:
    await blocking(service.delete, table, product_id, actor_id=principal.id)


@admin_router.post(
    "/{product_id}/image-upload",
    responses=problem_responses(404, 422),
    summary="Get a presigned POST to upload the product's image straight to S3",
)
async def start_image_upload(
    product_id: ResourceId, body: ImageUploadRequest, table: TableDep
) -> ImageUpload:
    return await blocking(service.start_image_upload, table, product_id, body)


@admin_router.put(
    "/{product_id}/image",
    responses=problem_responses(404, 422),
    summary="Make an uploaded file the product's image (checked; the previous one is deleted)",
)
async def set_image(
    product_id: ResourceId,
    body: ImageConfirm,
    table: TableDep,
    response: Response,
    principal: CurrentUser,
) -> Product:
    found = await blocking(
        service.set_image, table, product_id, body.upload_key, actor_id=principal.id
    )
    return _answer(response, found)


@admin_router.delete(
    "/{product_id}/image",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
    summary="Remove the product's image",
)
async def delete_image(product_id: ResourceId, table: TableDep, principal: CurrentUser) -> None:
    await blocking(service.remove_image, table, product_id, actor_id=principal.id)


@admin_router.post(
    "/{product_id}/variants",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(404, 409, 412, 422),
    summary="Add a variant to a product with options; If-Match of the product",
)
async def add_variant(product_id: ResourceId, body: VariantCreate, edit: Editing) -> Product:
    return await edit.answer(variant_editing.add, product_id, body)


@admin_router.patch(
    "/{product_id}/variants/{variant_id}",
    responses=problem_responses(404, 409, 412, 422),
    summary="Change a variant's SKU or price (its stock: /inventory); If-Match of the product",
)
async def update_variant(
    product_id: ResourceId, variant_id: ResourceId, body: VariantUpdate, edit: Editing
) -> Product:
    return await edit.answer(variant_editing.update, product_id, variant_id, body)


@admin_router.delete(
    "/{product_id}/variants/{variant_id}",
    responses=problem_responses(404, 409, 412),
    summary="Remove a variant (its ledger stays); If-Match of the product",
)
async def remove_variant(product_id: ResourceId, variant_id: ResourceId, edit: Editing) -> Product:
    return await edit.answer(variant_editing.remove, product_id, variant_id)


def _answer(response: Response, found: ProductWithStock) -> Product:
    """The product as it is now, with its ETag (definition and stock versions)."""
    product, stock = found
    response.headers["ETag"] = service.etag(product, stock)
    return service.public(product, stock)
