"""Catalog rules: creating, editing (optimistically), removing, listing, images."""

from __future__ import annotations

import uuid

from app.core import etags
from app.core.config import Settings
from app.core.errors import NotFoundError, PreconditionFailedError
from app.core.timeutil import now_iso
from app.db.pagination import paginate
from app.db.table import Table
from app.inventory import ledger
from app.products import images, repository
from app.products.repository import ProductChangedError
from app.products.schemas import (
    ImageUpload,
    ImageUploadRequest,
    Product,
    ProductCreate,
    ProductRecord,
    ProductUpdate,
)

MAX_UNCONDITIONAL_ATTEMPTS = 5
INITIAL_STOCK_REASON = "initial stock"


class ProductNotFoundError(NotFoundError):
    code, title = "product_not_found", "Product not found"

    def __init__(self, product_id: str) -> None:
        super().__init__(f"No product with id {product_id}.")


def public(product: ProductRecord, settings: Settings) -> Product:
    return Product(
        **product.model_dump(exclude={"image_key", "stock_seq", "stock_updated_at"}),
        image_url=images.url_for(product.image_key, settings),
    )


def get(table: Table, product_id: str) -> ProductRecord:
    product = repository.get(table, product_id=product_id)
    if product is None:
        raise ProductNotFoundError(product_id)
    return product


def create(
    table: Table, request: ProductCreate, *, actor_id: str, product_id: str | None = None
) -> ProductRecord:
    now = now_iso()
    product_id = product_id or str(uuid.uuid4())
    initial = None
    if request.stock > 0:
        initial = ledger.new_entry(
            product_id=product_id,
            kind="initial",
            delta=request.stock,
            stock_after=request.stock,
            reason=INITIAL_STOCK_REASON,
            actor_id=actor_id,
            at=now,
        )
    product = ProductRecord(
        id=product_id,
        **request.model_dump(),
        stock_seq=1 if initial else 0,
        version=1,
        created_at=now,
        updated_at=now,
    )
    repository.put_new(table, product=product, initial=initial)
    return product


def update(
    table: Table, product_id: str, request: ProductUpdate, *, if_match: str | None
) -> ProductRecord:
    """Apply a partial update. With If-Match, a stale version is 412 and nothing changes;
    without it, a concurrent edit is re-read and the change applied on top (bounded)."""
    for _ in range(MAX_UNCONDITIONAL_ATTEMPTS):
        current = get(table, product_id)
        if if_match is not None and not etags.if_match_allows(if_match, current.etag):
            raise PreconditionFailedError(
                f"The product is at version {current.version}; reload and try again."
            )
        updated = current.model_copy(
            update={**request.changes(), "version": current.version + 1, "updated_at": now_iso()}
        )
        try:
            repository.update(table, current=current, updated=updated)
        except ProductChangedError:
            if if_match is not None:
                raise PreconditionFailedError(
                    "The product changed while this request ran; reload and try again."
                ) from None
            continue
        return updated
    raise PreconditionFailedError("The product keeps changing; reload and try again.")


def delete(table: Table, product_id: str, settings: Settings) -> None:
    product = get(table, product_id)
    try:
        repository.delete(table, product=product)
    except ProductChangedError:
        raise ProductNotFoundError(product_id) from None
    images.delete(product.image_key, settings)


def list_page(
    table: Table,
    *,
    category: str | None,
    name_prefix: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[ProductRecord], str | None]:
    return paginate(
        cursor,
        scope=repository.listing_scope(table, category=category, name_prefix=name_prefix),
        fetch=lambda start: repository.list_page(
            table, category=category, name_prefix=name_prefix, limit=limit, start_key=start
        ),
    )


def start_image_upload(
    table: Table, product_id: str, request: ImageUploadRequest, settings: Settings
) -> ImageUpload:
    """Authorize one upload to a fresh key and point the product at it. The previous image,
    if any, is deleted: each product has one image."""
    key = images.new_key(product_id, request.content_type)
    upload = images.presigned_upload(
        key=key,
        content_type=request.content_type,
        content_length=request.content_length,
        settings=settings,
    )
    try:
        previous = repository.set_image(table, product_id=product_id, key=key, now=now_iso())
    except ProductChangedError:
        raise ProductNotFoundError(product_id) from None
    images.delete(previous, settings)
    return upload
