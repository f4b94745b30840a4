"""Catalog rules: creating, editing (optimistically), removing, listing, images."""

from __future__ import annotations

import re
import uuid
from functools import partial
from typing import Any

from app.core import etags
from app.core.config import get_settings
from app.core.errors import ConflictError, NotFoundError, PreconditionFailedError
from app.core.etags import IfMatch
from app.core.roles import SYSTEM_ACTOR
from app.core.timeutil import now_epoch, now_iso
from app.db.keys import name_sort_key, search_key
from app.db.pagination import paginate
from app.db.table import Table
from app.db.transactions import MAX_ACTIONS as MAX_TRANSACTION_ACTIONS
from app.db.transactions import Action, ContentionError, backoff
from app.products import images, repository, variants
from app.products.repository import ProductChangedError, SkuTakenError
from app.products.schemas import (
    ImageUpload,
    ImageUploadRequest,
    Product,
    ProductCreate,
    ProductRecord,
    ProductStatus,
    ProductSummary,
    ProductUpdate,
    ProductWithStock,
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
_SHOWN = set(ProductSummary.model_fields) - {"image_url", "price_min", "price_max", "options"}


def _shown(product: ProductRecord) -> dict[str, Any]:
    lowest, highest = variants.price_range(product)
    return product.model_dump(include=_SHOWN) | {
        "image_url": images.url_for(product.image_key, get_settings()),
        "price_min": lowest,
        "price_max": highest,
        "options": product.options,
    }


def summary(product: ProductRecord) -> ProductSummary:
    return ProductSummary.model_validate(_shown(product))


def _variants_shown(product: ProductRecord, stock: ProductStock) -> list[dict[str, Any]]:
    if not isinstance(stock, variants.VariantsStock):  # its one variant: itself
        return [
            {
                "id": product.id,
                "sku": product.sku,
                "options": {},
                "price": product.price,
                "stock": stock.total,
                "in_stock": stock.total > 0,
            }
        ]
    shown = []
    for variant_id, definition in variants.in_order(product):
        part = stock.parts.get(variant_id)
        level = part.total if part else 0
        shown.append(
            {"id": variant_id, **definition.model_dump(), "stock": level, "in_stock": level > 0}
        )
    return shown


def public(product: ProductRecord, stock: ProductStock) -> Product:
    return Product.model_validate(
        _shown(product) | {"stock": stock.total, "variants": _variants_shown(product, stock)}
    )


def etag(product: ProductRecord, stock: ProductStock) -> str:
    """Changes with the definition and with the stock (see app/core/etags.py)."""
    return etags.representation(product.version, stock.version)


def get(table: Table, product_id: str) -> ProductWithStock:
    """A product with its stock (with variants: theirs, read with it when this process
    has seen them before; one more read otherwise). A variant's own record is no product:
    404."""
    known = variants.remembered(table.keys.store, product_id)
    read = repository.get_many(table, product_ids=[product_id, *known])
    found = read.get(product_id)
    if found is None or found[0].parent_id:
        raise ProductNotFoundError(product_id)
    product, stock = found
    if product.variants:
        missing = [vid for vid in product.variants if vid not in read]
        if missing:  # variants this process has not seen yet: one more read
            read |= repository.get_many(table, product_ids=missing)
        variants.remember(table.keys.store, product_id, tuple(product.variants))
        parts = {vid: read[vid][1] for vid in product.variants if vid in read}
        stock = variants.combined(product.id, parts)
    return product, stock


def get_variant(table: Table, product_id: str, variant_id: str) -> ProductWithStock:
    """A variant's own record and stock (the stock engine's subject); a product without
    options has one variant, itself."""
    if variant_id == product_id:
        product, stock = get(table, product_id)
        if product.variants:
            raise variants.VariantNotFoundError(f"No variant {variant_id} of this product.")
        return product, stock
    found = repository.get(table, product_id=variant_id)
    if found is None or found[0].parent_id != product_id:
        raise variants.VariantNotFoundError(f"No variant {variant_id} of product {product_id}.")
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


def get_many(table: Table, product_ids: list[str]) -> list[ProductWithStock]:
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
    definitions = variants.new_definitions(request.variants)
    prices = [definition.price for definition in definitions.values()]
    return _with_words(
        ProductRecord(
            id=product_id or str(uuid.uuid4()),
            **request.model_dump(exclude={"stock", "currency", "price", "options", "variants"}),
            price=request.price if request.price is not None else min(prices),
            price_max=max(prices) if prices else None,
            currency=request.currency or currency,
            version=1,
            in_stock=request.stock > 0 or any(v.stock > 0 for v in request.variants),
            created_at=now,
            updated_at=now,
            changed_by=actor_id,
            options=[option.model_dump() for option in request.options],
            variants=definitions,
        )
    )


def create(
    table: Table,
    request: ProductCreate,
    *,
    actor_id: str,
    store: StoreRecord,
    product_id: str | None = None,
) -> ProductWithStock:
    """A new product; in the store's currency unless the request names one."""
    product = new_record(
        request, currency=store.settings.currency, actor_id=actor_id, product_id=product_id
    )
    if product.variants:
        return _create_with_variants(table, product, request, actor_id=actor_id)
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


def variant_creation(
    table: Table, product: ProductRecord, stocks: dict[str, int], *, actor_id: str, reason: str
) -> tuple[list[Action], list[list[Action]], dict[str, ProductStock]]:
    """What a new product with variants is written as: its own actions, each variant's
    (record, SKU claim, first bucket and ledger entry), and each variant's stock."""
    children: list[list[Action]] = []
    parts: dict[str, ProductStock] = {}
    for variant_id, stock in stocks.items():
        child = variants.child_record(product, variant_id, in_stock=stock > 0)
        actions, entry = new_product_actions(
            table, product=child, stock=stock, actor_id=actor_id, reason=reason
        )
        children.append(actions)
        bucket = Bucket(0, stock, 1 if entry else 0, product.created_at if entry else None)
        parts[variant_id] = ProductStock(variant_id, (bucket,))
    own = repository.new_product_actions(table, product=product, stock_actions=[])
    return own, children, parts


def _create_with_variants(
    table: Table, product: ProductRecord, request: ProductCreate, *, actor_id: str
) -> ProductWithStock:
    """The product and each variant's own record, SKU claim and first stock, all or nothing
    (a product of more variants than one transaction holds is written in several, its
    SKUs checked first, and removed again if a later one is refused all the same)."""
    stocks = dict(zip(product.variants, (v.stock for v in request.variants), strict=True))
    own, children, parts = variant_creation(
        table, product, stocks, actor_id=actor_id, reason=INITIAL_STOCK_REASON
    )
    batches: list[list[Action]] = [own]
    for actions in children:
        if len(batches[-1]) + len(actions) > MAX_TRANSACTION_ACTIONS:
            batches.append([repository.exists_check(table, product.id)])
        batches[-1] += actions
    if len(batches) > 1:  # a SKU taken already is refused before anything is written
        repository.check_skus_free(table, [v.sku for v in request.variants if v.sku])
    for number, batch in enumerate(batches):
        try:
            repository.write_new(table, batch)
        except SkuTakenError:
            if number:
                delete(table, product.id, actor_id=actor_id)
            raise
    return product, variants.combined(product.id, parts)


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
) -> ProductWithStock:
    """Apply a partial update. With If-Match, a stale definition is 412 and nothing
    changes; without it, a concurrent edit is re-read and the change applied on top
    (bounded: a product edited before every try is too busy, 503). A purchase meanwhile
    (it may flip in_stock) never makes an edit stale."""
    for attempt in range(1, MAX_UNCONDITIONAL_ATTEMPTS + 1):
        current, stock = get(table, product_id)
        if if_match is not None and not if_match.allows(current.version):
            raise PreconditionFailedError(
                f"The product is at version {current.version}; reload and try again."
            )
        owned = {"price", "sku"} & set(request.changes())
        if current.variants and owned:
            raise variants.HasVariantsError(
                f"{current.name} has variants: its {' and '.join(sorted(owned))} are theirs"
                " (PATCH /products/{id}/variants/{variant_id})."
            )
        updated = edited(current, actor_id, request.changes())
        try:
            repository.update(table, current=current, updated=updated)
        except ProductChangedError:
            backoff(attempt)
            continue  # re-read: If-Match still decides on the version alone
        return updated.model_copy(update={"listing_seq": current.listing_seq + 1}), stock
    raise ContentionError


REMOVAL_RECORD_SECONDS = 24 * 3600


def delete(table: Table, product_id: str, *, actor_id: str) -> None:
    """Remove the product with its variants (their stock and SKU claims; ledgers stay, as
    history), in one transaction when they fit in one; an edit or a sale that lands in
    between is re-read (its category may have moved), a removal in between is a 404."""
    for attempt in range(1, MAX_UNCONDITIONAL_ATTEMPTS + 1):
        product = repository.get_definition(table, product_id=product_id)
        if product is None or product.parent_id:
            raise ProductNotFoundError(product_id)
        removal = partial(repository.removal_actions, table, actor_id=actor_id, **removal_stamp())
        variant_records = repository.get_definitions(table, product_ids=list(product.variants))
        actions = removal(products=[product, *variant_records])
        if len(actions) > MAX_TRANSACTION_ACTIONS:
            _delete_variants(table, product, actor_id=actor_id)
            actions = removal(products=[product])
        try:
            repository.delete(table, actions)
        except ProductChangedError:
            backoff(attempt)
            continue
        images.delete(product.image_key, get_settings())
        return
    raise ContentionError


def removal_stamp() -> dict[str, Any]:
    """When a removal happens, and when its short-lived record of it expires."""
    return {"now": now_iso(), "expires": now_epoch() + REMOVAL_RECORD_SECONDS}


def _delete_variants(table: Table, product: ProductRecord, *, actor_id: str) -> None:
    """A product with more variants than one transaction removes: they go before it, one
    transaction each (a crash in between leaves the product with fewer variants, never a
    variant without its product)."""
    for variant_id in product.variants:
        for attempt in range(1, MAX_UNCONDITIONAL_ATTEMPTS + 1):
            child = repository.get_definition(table, product_id=variant_id)
            if child is None:
                break
            actions = repository.removal_actions(
                table, products=[child], actor_id=actor_id, **removal_stamp()
            )
            try:
                repository.delete(table, actions)
                break
            except ProductChangedError:  # its stock flipped meanwhile: read it again
                backoff(attempt)
        else:
            raise ContentionError


def list_page(
    table: Table,
    *,
    category: str | None,
    q: str | None,
    limit: int,
    cursor: str | None,
    status: ProductStatus = "active",
) -> tuple[list[ProductRecord], str | None]:
    """A catalog page, or search results, of products in `status`. A search
    that is empty once folded (" ", a lone accent, a no-break space) is no search: the
    catalog itself."""
    if q is not None and not search_key(q):
        q = None
    found, next_cursor = paginate(
        cursor,
        scope=table.keys.products_scope(category=category, q=q, status=status),
        fetch=partial(
            repository.list_page, table, category=category, q=q, status=status, limit=limit
        ),
    )
    if q and cursor is None and not found and SKU_SHAPE.match(q.strip()):
        # nothing by name or a product's SKU: perhaps a variant's (one more read)
        found = _with_variant_sku(table, found, q.strip(), category=category, status=status)
    return found, next_cursor


SKU_SHAPE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _with_variant_sku(
    table: Table,
    found: list[ProductRecord],
    sku: str,
    *,
    category: str | None,
    status: ProductStatus,
) -> list[ProductRecord]:
    """A search for a variant's SKU finds its product (the variants' SKUs have no search
    entries of their own: a product has up to 100, and an edit would rewrite them all)."""
    product = repository.variant_product_by_sku(table, sku)
    if product is None or any(p.id == product.id for p in found):
        return found
    if product.status != status:
        return found
    if category is not None and name_sort_key(product.category) != name_sort_key(category):
        return found
    return [product, *found]


class NotForSaleError(ConflictError):
    code, title = "not_for_sale", "Not for sale"


def for_sale(product: ProductRecord) -> bool:
    """Only active products are shown to shoppers, found and sold."""
    return product.status == "active"


def get_shown(table: Table, product_id: str, *, staff: bool) -> ProductWithStock:
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
    raise ContentionError


def set_image(table: Table, product_id: str, upload_key: str, *, actor_id: str) -> ProductWithStock:
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
    try:
        installed = _install_image(table, product_id, key, actor_id)
    except ContentionError:  # nothing written: the upload is still there for a retry
        repository.release_upload(table, upload_key=upload_key)
        raise
    except ProductNotFoundError:
        images.delete(upload_key, get_settings())
        raise
    images.delete(upload_key, get_settings())
    return installed


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


def _install_image(table: Table, product_id: str, key: str, actor_id: str) -> ProductWithStock:
    """Make the stored object `key` the product's image and delete the one it replaces; the
    object goes too when nothing will point at it (the product gone meanwhile, or too busy
    to change now)."""
    try:
        before, after, stock = _change_image(table, product_id, key, actor_id)
    except (ProductNotFoundError, ContentionError):
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
