"""Adding, changing and removing a product's variants (admins; If-Match of the product).

Each change writes the product (its variants, options, prices, version) on the condition
that it is as read, its search entries, and the variant's own record -- created with its
SKU claim and first stock, changed with its SKU claim moved, or removed with its stock --
in one transaction. A product keeps at least one variant.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.core.errors import ConflictError, InvalidInputError, PreconditionFailedError
from app.core.etags import IfMatch
from app.core.timeutil import now_iso
from app.db import transactions as tx
from app.db.table import Table
from app.products import repository, service, variants
from app.products.repository import ProductChangedError
from app.products.schemas import (
    MAX_VARIANTS,
    ProductRecord,
    ProductWithStock,
    VariantCreate,
    VariantDefinition,
    VariantUpdate,
)


class NoOptionsError(InvalidInputError):
    code, title = "no_options", "The product has no options"


class LastVariantError(ConflictError):
    code, title = "last_variant", "A product keeps at least one variant"


class VariantOptionsError(InvalidInputError):
    code, title = "variant_options", "Options not those of the product"


def _current(table: Table, product_id: str, if_match: IfMatch | None) -> ProductWithStock:
    product, stock = service.get(table, product_id)
    if if_match is not None and not if_match.allows(product.version):
        raise PreconditionFailedError(
            f"The product is at version {product.version}; reload and try again."
        )
    if not product.variants:
        raise NoOptionsError(f"{product.name} has no options, so no variants to change.")
    return product, stock


def _written(
    table: Table, current: ProductRecord, updated: ProductRecord, others: list[tx.Action]
) -> bool:
    """Write the product's new definition as read, with its search entries and `others`:
    False when it changed meanwhile (read it again)."""
    change = repository.variants_change(table, current=current, updated=updated)
    product = tx.update(table.name, table.keys.product(current.id), change.product)
    try:
        repository.write_new(table, [product, *change.others, *others])
    except ProductChangedError:
        return False
    return True


def _retrying(attempt_once: Any) -> ProductWithStock:
    for attempt in range(1, service.MAX_UNCONDITIONAL_ATTEMPTS + 1):
        found = attempt_once()
        if found is not None:
            return found  # type: ignore[no-any-return]
        tx.backoff(attempt)
    raise tx.ContentionError


def _check_options(product: ProductRecord, chosen: dict[str, str], but: str | None) -> None:
    names = variants.option_names(product)
    if set(chosen) != set(names):
        raise VariantOptionsError(f"A variant names a value for each option: {', '.join(names)}.")
    taken = [vid for vid, d in product.variants.items() if d.options == chosen and vid != but]
    if taken:
        raise VariantOptionsError(f"Another variant is {variants.label(chosen, names)}.")


def add(
    table: Table,
    product_id: str,
    request: VariantCreate,
    *,
    if_match: IfMatch | None,
    actor_id: str,
) -> ProductWithStock:
    def once() -> ProductWithStock | None:
        current, _ = _current(table, product_id, if_match)
        _check_options(current, request.options, None)
        if len(current.variants) >= MAX_VARIANTS:
            raise VariantOptionsError(f"A product has at most {MAX_VARIANTS} variants.")
        variant_id = str(uuid.uuid4())
        definition = VariantDefinition(
            sku=request.sku, options=request.options, price=request.price
        )
        definitions = {**current.variants, variant_id: definition}
        updated = service.edited(
            current,
            actor_id,
            {
                "variants": definitions,
                "options": variants.with_values(current.options, definitions),
                "in_stock": current.in_stock or request.stock > 0,
                **variants.prices(definitions),
            },
        )
        child = variants.child_record(updated, variant_id, in_stock=request.stock > 0)
        actions, _ = service.new_product_actions(
            table,
            product=child,
            stock=request.stock,
            actor_id=actor_id,
            reason=service.INITIAL_STOCK_REASON,
        )
        return (
            service.get(table, product_id) if _written(table, current, updated, actions) else None
        )

    return _retrying(once)


def update(
    table: Table,
    product_id: str,
    variant_id: str,
    request: VariantUpdate,
    *,
    if_match: IfMatch | None,
    actor_id: str,
) -> ProductWithStock:
    def once() -> ProductWithStock | None:
        current, _ = _current(table, product_id, if_match)
        child = _child(table, current, variant_id)
        fields = request.changes()
        definition = current.variants[variant_id].model_copy(update=fields)
        definitions = {**current.variants, variant_id: definition}
        updated = service.edited(
            current, actor_id, {"variants": definitions, **variants.prices(definitions)}
        )
        after = child.model_copy(update=fields)
        child_change = repository.as_read(child).set(
            {"sku": after.sku, "price": after.price, "updated_at": now_iso()}
        )
        actions = [
            tx.update(table.name, table.keys.product(variant_id), child_change),
            *repository.sku_moves(table, child, after),
        ]
        return (
            service.get(table, product_id) if _written(table, current, updated, actions) else None
        )

    return _retrying(once)


def remove(
    table: Table, product_id: str, variant_id: str, *, if_match: IfMatch | None, actor_id: str
) -> ProductWithStock:
    def once() -> ProductWithStock | None:
        current, stock = _current(table, product_id, if_match)
        child = _child(table, current, variant_id)
        if len(current.variants) == 1:
            raise LastVariantError("This is the product's last variant; remove the product.")
        definitions = {vid: d for vid, d in current.variants.items() if vid != variant_id}
        parts = stock.parts if isinstance(stock, variants.VariantsStock) else {}
        in_stock = any(part.total > 0 for vid, part in parts.items() if vid != variant_id)
        updated = service.edited(
            current,
            actor_id,
            {"variants": definitions, "in_stock": in_stock, **variants.prices(definitions)},
        )
        actions = repository.delete_actions(
            table, product=child, actor_id=actor_id, **service.removal_stamp()
        )
        return (
            service.get(table, product_id) if _written(table, current, updated, actions) else None
        )

    return _retrying(once)


def _child(table: Table, product: ProductRecord, variant_id: str) -> ProductRecord:
    child = repository.get_definition(table, product_id=variant_id)
    if variant_id not in product.variants or child is None or child.parent_id != product.id:
        raise variants.VariantNotFoundError(f"No variant {variant_id} of product {product.id}.")
    return child
