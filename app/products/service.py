"""Catalog rules: creating, editing (optimistically), removing, listing, images."""

from __future__ import annotations

import uuid

from app.core import etags
from app.core.config import Settings
from app.core.errors import NotFoundError, PreconditionFailedError
from app.core.timeutil import now_iso
from app.db.pagination import paginate
from app.db.table import Table
from app.db.transactions import backoff
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

MAX_UNCONDITIONAL_ATTEMPTS = 8
INITIAL_STOCK_REASON = "initial stock"


class ImageNotFoundError(NotFoundError):
    code, title = "image_not_found", "Image not found"


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
        stock_updated_at=now if initial else None,
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
    for attempt in range(1, MAX_UNCONDITIONAL_ATTEMPTS + 1):
        current = get(table, product_id)
        if if_match is not None and not etags.if_match_allows_version(if_match, current.version):
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
            backoff(attempt)
            continue
        return updated
    raise PreconditionFailedError("The product keeps changing; reload and try again.")


def delete(table: Table, product_id: str, settings: Settings) -> None:
    """Remove the product; an edit that lands in between is re-read (its category may have
    moved), a removal in between is a 404."""
    for attempt in range(1, MAX_UNCONDITIONAL_ATTEMPTS + 1):
        product = get(table, product_id)
        try:
            repository.delete(table, product=product)
        except ProductChangedError:
            backoff(attempt)
            continue
        images.delete(product.image_key, settings)
        return
    raise PreconditionFailedError("The product keeps changing; reload and try again.")


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
    """Authorize one upload to a fresh key under the product's upload prefix. Nothing about
    the product changes until the upload is confirmed (`set_image`)."""
    get(table, product_id)
    return images.presigned_upload(
        key=images.new_upload_key(table.keys.store, product_id),
        content_type=request.content_type,
        content_length=request.content_length,
        settings=settings,
    )


def set_image(table: Table, product_id: str, upload_key: str, settings: Settings) -> ProductRecord:
    """Check the uploaded object and make it the product's image; the previous image is
    deleted. An object that is missing, too large or not really an image is refused (and
    removed)."""
    get(table, product_id)
    key = images.accept_upload(
        upload_key, store=table.keys.store, product_id=product_id, settings=settings
    )
    try:
        before, after = repository.set_image(table, product_id=product_id, key=key, now=now_iso())
    except ProductChangedError:
        images.delete(key, settings)
        raise ProductNotFoundError(product_id) from None
    images.delete(before.image_key, settings)
    return after


def remove_image(table: Table, product_id: str, settings: Settings) -> None:
    product = get(table, product_id)
    if product.image_key is None:
        raise ImageNotFoundError("The product has no image.")
    try:
        before, _ = repository.set_image(table, product_id=product_id, key=None, now=now_iso())
    except ProductChangedError:
        raise ProductNotFoundError(product_id) from None
    images.delete(before.image_key, settings)
