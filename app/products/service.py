"""Catalog rules: creating, editing (optimistically), removing, listing, images."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from app.core import etags
from app.core.config import get_settings
from app.core.errors import ConflictError, NotFoundError, PreconditionFailedError
from app.core.etags import IfMatch
from app.core.roles import SYSTEM_ACTOR
from app.core.timeutil import now_epoch, now_iso
from app.db.keys import search_key
from app.db.pagination import paginate
from app.db.table import Table
from app.db.transactions import Action, backoff
from app.products import images, repository
from app.products.repository import ProductChangedError
from app.products.schemas import (
    ImageUpload,
    ImageUploadRequest,
    Product,
    ProductCreate,
    ProductRecord,
    ProductStatus,
    ProductSummary,
    ProductUpdate,
)
from app.products.words import suffixes
from app.stock import changes
from app.stock.model import Bucket, LedgerEntry, ProductStock
from app.stores.schemas import StoreRecord

MAX_UNCONDITIONAL_ATTEMPTS = 8
INITIAL_STOCK_REASON = "initial stock"


class ImageNotFoundError(NotFoundError):
    code, title = "image_not_found", "Image not found"


class ProductNotFoundError(NotFoundError):
    code, title = "product_not_found", "Product not found"

    def __init__(self, product_id: str) -> None:
        super().__init__(f"No product with id {product_id}.")


# what a shopper sees as stored (the rest is worked out here)
_SHOWN = set(ProductSummary.model_fields) - {"image_url", "price_min", "price_max"}


def _shown(product: ProductRecord) -> dict[str, Any]:
    return product.model_dump(include=_SHOWN) | {
        "image_url": images.url_for(product.image_key, get_settings()),
        # a product's one variant: its own price (listings span a product's variants)
        "price_min": product.price,
        "price_max": product.price,
    }


def summary(product: ProductRecord) -> ProductSummary:
    return ProductSummary.model_validate(_shown(product))


def public(product: ProductRecord, stock: ProductStock) -> Product:
    return Product.model_validate(_shown(product) | {"stock": stock.total})


def etag(product: ProductRecord, stock: ProductStock) -> str:
    """Changes with the definition and with the stock (see app/core/etags.py)."""
    return etags.representation(product.version, stock.version)


def get(table: Table, product_id: str) -> tuple[ProductRecord, ProductStock]:
    found = repository.get(table, product_id=product_id)
    if found is None:
        raise ProductNotFoundError(product_id)
    return found


def new_product_actions(
    table: Table, *, product: ProductRecord, stock: int, actor_id: str, reason: str
) -> tuple[list[Action], LedgerEntry | None]:
    """Every action a new product is written with, its stock's included, and its first
    ledger entry (for bulk loads: the seed, benchmarks)."""
    stock_actions, entry = changes.first_bucket(
        table,
        product_id=product.id,
        stock=stock,
        actor_id=actor_id,
        reason=reason,
        at=product.created_at,
    )
    return repository.new_product_actions(
        table, product=product, stock_actions=stock_actions
    ), entry


def get_many(table: Table, product_ids: list[str]) -> list[tuple[ProductRecord, ProductStock]]:
    """Several products with their stock, in the order asked, without those that do not
    exist: one round trip."""
    found = repository.get_many(table, product_ids=product_ids)
    return [found[pid] for pid in dict.fromkeys(product_ids) if pid in found]


def _with_words(product: ProductRecord) -> ProductRecord:
    return product.model_copy(update={"words": len(suffixes(product))})


def new_record(
    request: ProductCreate, *, currency: str, actor_id: str, product_id: str | None = None
) -> ProductRecord:
    """A new product's definition, as it is first stored (`currency`: unless the request
    names one)."""
    now = now_iso()
    return _with_words(
        ProductRecord(
            id=product_id or str(uuid.uuid4()),
            **request.model_dump(exclude={"stock", "currency"}),
            currency=request.currency or currency,
            version=1,
            in_stock=request.stock > 0,
            created_at=now,
            updated_at=now,
            changed_by=actor_id,
        )
    )


def create(
    table: Table,
    request: ProductCreate,
    *,
    actor_id: str,
    store: StoreRecord,
    product_id: str | None = None,
) -> tuple[ProductRecord, ProductStock]:
    """A new product; in the store's currency unless the request names one."""
    product = new_record(
        request, currency=store.settings.currency, actor_id=actor_id, product_id=product_id
    )
    now = product.created_at
    stock_actions, entry = changes.first_bucket(
        table,
        product_id=product.id,
        stock=request.stock,
        actor_id=actor_id,
        reason=INITIAL_STOCK_REASON,
        at=product.created_at,
    )
    repository.put_new(table, product=product, stock_actions=stock_actions)
    bucket = Bucket(0, request.stock, 1 if entry else 0, now if entry else None)
    return product, ProductStock(product.id, (bucket,))


def edited(current: ProductRecord, actor_id: str, changes: dict[str, Any]) -> ProductRecord:
    """The next version of a product's definition: `changes`, when and by whom."""
    return _with_words(
        current.model_copy(
            update={
                **changes,
                "version": current.version + 1,
                "updated_at": now_iso(),
                "changed_by": actor_id,
            }
        )
    )


def update(
    table: Table,
    product_id: str,
    request: ProductUpdate,
    *,
    if_match: IfMatch | None,
    actor_id: str,
) -> tuple[ProductRecord, ProductStock]:
    """Apply a partial update. With If-Match, a stale definition is 412 and nothing
    changes; without it, a concurrent edit is re-read and the change applied on top
    (bounded). A purchase meanwhile (it may flip in_stock) never makes an edit stale."""
    for attempt in range(1, MAX_UNCONDITIONAL_ATTEMPTS + 1):
        current, stock = get(table, product_id)
        if if_match is not None and not if_match.allows(current.version):
            raise PreconditionFailedError(
                f"The product is at version {current.version}; reload and try again."
            )
        updated = edited(current, actor_id, request.changes())
        try:
            repository.update(table, current=current, updated=updated)
        except ProductChangedError:
            backoff(attempt)
            continue  # re-read: If-Match still decides on the version alone
        return updated.model_copy(update={"listing_seq": current.listing_seq + 1}), stock
    raise PreconditionFailedError("The product keeps changing; reload and try again.")


REMOVAL_RECORD_SECONDS = 24 * 3600


def delete(table: Table, product_id: str, *, actor_id: str) -> None:
    """Remove the product; an edit that lands in between is re-read (its category may have
    moved), a removal in between is a 404."""
    for attempt in range(1, MAX_UNCONDITIONAL_ATTEMPTS + 1):
        product = repository.get_definition(table, product_id=product_id)
        if product is None:
            raise ProductNotFoundError(product_id)
        try:
            repository.delete(
                table,
                product=product,
                actor_id=actor_id,
                now=now_iso(),
                expires=now_epoch() + REMOVAL_RECORD_SECONDS,
            )
        except ProductChangedError:
            backoff(attempt)
            continue
        images.delete(product.image_key, get_settings())
        return
    raise PreconditionFailedError("The product keeps changing; reload and try again.")


def list_page(
    table: Table,
    *,
    category: str | None,
    q: str | None,
    limit: int,
    cursor: str | None,
    status: ProductStatus | None = "active",
) -> tuple[list[ProductRecord], str | None]:
    """A catalog page, or search results, of products in `status` (None: all). A search
    that is empty once folded (" ", a lone accent, a no-break space) is no search: the
    catalog itself."""
    if q is not None and not search_key(q):
        q = None
    return paginate(
        cursor,
        scope=table.keys.products_scope(category=category, q=q, status=status),
        fetch=partial(
            repository.list_page, table, category=category, q=q, status=status, limit=limit
        ),
    )


class NotForSaleError(ConflictError):
    code, title = "not_for_sale", "Not for sale"


def for_sale(product: ProductRecord) -> bool:
    """Only active products are shown to shoppers, found and sold."""
    return product.status == "active"


def get_shown(table: Table, product_id: str, *, staff: bool) -> tuple[ProductRecord, ProductStock]:
    """A product as its reader may see it: a draft or an archived one is staff's only (404
    for anyone else, as if it did not exist)."""
    product, stock = get(table, product_id)
    if not staff and not for_sale(product):
        raise ProductNotFoundError(product_id)
    return product, stock


def start_image_upload(table: Table, product_id: str, request: ImageUploadRequest) -> ImageUpload:
    """Authorize one upload to a fresh key under the product's upload prefix. Nothing about
    the product changes until the upload is confirmed (`set_image`)."""
    if repository.get_definition(table, product_id=product_id) is None:
        raise ProductNotFoundError(product_id)
    return images.presigned_upload(
        key=images.new_upload_key(table.keys.store, product_id),
        content_type=request.content_type,
        content_length=request.content_length,
        settings=get_settings(),
    )


def _change_image(
    table: Table, product_id: str, key: str | None, actor_id: str
) -> tuple[ProductRecord, ProductRecord, ProductStock]:
    """Point the product at another image (None: none); returns it before and after."""
    for attempt in range(1, MAX_UNCONDITIONAL_ATTEMPTS + 1):
        current, stock = get(table, product_id)
        updated = edited(current, actor_id, {"image_key": key})
        try:
            repository.update(table, current=current, updated=updated)
        except ProductChangedError:
            backoff(attempt)
            continue
        return current, updated, stock
    raise PreconditionFailedError("The product keeps changing; reload and try again.")


def set_image(
    table: Table, product_id: str, upload_key: str, *, actor_id: str
) -> tuple[ProductRecord, ProductStock]:
    """Check the uploaded object and make it the product's image; the previous image is
    deleted. An object that is missing, too large or not really an image is refused (and
    removed)."""
    if repository.get_definition(table, product_id=product_id) is None:
        raise ProductNotFoundError(product_id)
    images.check_upload_key(upload_key, store=table.keys.store, product_id=product_id)
    if not repository.claim_upload(
        table, upload_key=upload_key, product_id=product_id, now=now_epoch()
    ):
        raise images.ImageInvalidError(images.USED_UPLOAD)
    try:
        key = images.accept_upload(
            upload_key, store=table.keys.store, product_id=product_id, settings=get_settings()
        )
    except images.UploadMissingError:
        repository.release_upload(table, upload_key=upload_key)  # nothing was consumed
        raise
    except images.ImageInvalidError:
        raise  # refused and removed: the key is spent
    except Exception:
        repository.release_upload(table, upload_key=upload_key)  # S3 trouble: a retry may
        raise
    return _install_image(table, product_id, key, actor_id)


def put_image(
    table: Table, product_id: str, data: bytes, *, actor_id: str = SYSTEM_ACTOR
) -> ProductRecord:
    """Give a product an image an operator holds (the demo catalog's photos), as a
    confirmed upload would; the previous image is deleted."""
    key = images.store_image(
        data, store=table.keys.store, product_id=product_id, settings=get_settings()
    )
    after, _ = _install_image(table, product_id, key, actor_id)
    return after


def _install_image(
    table: Table, product_id: str, key: str, actor_id: str
) -> tuple[ProductRecord, ProductStock]:
    """Make the stored object `key` the product's image and delete the one it replaces; the
    object goes too when the product is gone meanwhile."""
    try:
        before, after, stock = _change_image(table, product_id, key, actor_id)
    except ProductNotFoundError:
        images.delete(key, get_settings())
        raise
    images.delete(before.image_key, get_settings())
    return after, stock


def remove_image(table: Table, product_id: str, *, actor_id: str) -> None:
    product = repository.get_definition(table, product_id=product_id)
    if product is None:
        raise ProductNotFoundError(product_id)
    if product.image_key is None:
        raise ImageNotFoundError("The product has no image.")
    before, _, _ = _change_image(table, product_id, None, actor_id)
    images.delete(before.image_key, get_settings())
