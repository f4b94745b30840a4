"""Importing a product with options: its rows (one per variant), all or nothing.

The product is found by one of its variants' SKUs (the claim names the product), else by
its handle, as any product is (app/transfer/upsert.py). Then, in one transaction:

- no such product: it is created with every variant (record, SKU claim, first stock with a
  ledger entry, reason `import`);
- otherwise each row meets its variant by SKU, else by its options: the product's changed
  fields, each variant's changed SKU or price, a count for each variant whose stock the row
  gives and differs (reason `import`), and the variants the file adds. Variants the file
  does not name stay as they are.

A product whose rows would make more writes than one transaction holds (about 20 variants
at once) is reported, not half-written.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.db import transactions as tx
from app.db.expressions import Update
from app.db.table import Table
from app.products import repository, service, variants
from app.products.schemas import (
    OptionSpec,
    ProductCreate,
    ProductRecord,
    ProductWithStock,
    VariantCreate,
    VariantDefinition,
)
from app.products.service import ProductNotFoundError
from app.stock import changes
from app.stock.model import ProductStock
from app.transfer.outcomes import RowFailedError
from app.transfer.validation import ProductRows, Variant

TOO_MANY = "more variants change at once than one transaction holds (about 20): split the rows"


def target(table: Table, rows: ProductRows, fallback: str) -> str:
    """The product of the rows: the one whose variant holds one of their SKUs (their claims
    in one BatchGetItem), else `fallback` (the handle's)."""
    skus = {table.keys.sku(v.sku)["PK"]: v.sku for v in rows.variants if v.sku}
    keys = [table.keys.sku(sku) for sku in skus.values()]
    claims = {c["PK"]: c for c in table.batch_get(keys, consistent=False)} if keys else {}
    for partition, sku in skus.items():  # in the rows' order: the first claimed SKU decides
        claim = claims.get(partition)
        if claim is None:
            continue
        if not claim.get("parent_id"):
            raise RowFailedError("sku", f"{sku} is the SKU of a product without options")
        return str(claim["parent_id"])
    return fallback


def option_specs(rows: ProductRows) -> list[OptionSpec]:
    values: dict[str, list[str]] = {name: [] for name in rows.option_names}
    for variant in rows.variants:
        for name, value in variant.options.items():
            if value not in values[name]:
                values[name].append(value)
    return [OptionSpec(name=name, values=found) for name, found in values.items()]


def _currency(rows: ProductRows) -> str | None:
    given = {variant.currency for variant in rows.variants if variant.currency}
    if len(given) > 1:
        raise RowFailedError("currency", "the rows of one product name one currency")
    return given.pop() if given else None


def create_actions(
    table: Table, rows: ProductRows, *, product_id: str, currency: str, actor_id: str, reason: str
) -> list[tx.Action]:
    request = ProductCreate(
        **rows.fields,
        currency=_currency(rows),
        options=option_specs(rows),
        variants=[
            VariantCreate(sku=v.sku, options=v.options, price=v.price, stock=v.stock or 0)
            for v in rows.variants
        ],
    )
    product = service.new_record(
        request, currency=currency, actor_id=actor_id, product_id=product_id
    )
    stocks = dict(zip(product.variants, (v.stock for v in request.variants), strict=True))
    own, children, _ = service.variant_creation(
        table, product, stocks, actor_id=actor_id, reason=reason
    )
    return [*own, *(action for actions in children for action in actions)]


def find(table: Table, product_id: str) -> ProductWithStock | None:
    try:
        return service.get(table, product_id)
    except ProductNotFoundError:
        return None


def _match(product: ProductRecord, variant: Variant) -> str | None:
    for variant_id, definition in product.variants.items():
        if variant.sku and (definition.sku or "").casefold() == variant.sku.casefold():
            return variant_id
    for variant_id, definition in product.variants.items():
        if definition.options == variant.options:
            return variant_id
    return None


class Changes:
    """What the rows change of an existing product with options."""

    def __init__(self, rows: ProductRows, current: ProductRecord, stock: ProductStock) -> None:
        if list(rows.option_names) != variants.option_names(current):
            names = ", ".join(variants.option_names(current))
            raise RowFailedError("option1_name", f"the options must be the product's: {names}")
        self.current = current
        parts = stock.parts if isinstance(stock, variants.VariantsStock) else {}
        self.levels = {vid: part.total for vid, part in parts.items()}
        self.parts = parts
        self.fields = {k: v for k, v in rows.fields.items() if getattr(current, k) != v}
        currency = _currency(rows)
        if currency and currency != current.currency:
            self.fields["currency"] = currency
        self.definitions = dict(current.variants)
        self.redefined: dict[str, dict[str, Any]] = {}  # variant id -> its changed sku/price
        self.counts: dict[str, int] = {}  # variant id -> its new level
        self.added: dict[str, int] = {}  # new variant id -> its first stock
        for variant in rows.variants:
            matched = _match(current, variant)
            if matched is None:
                variant_id = str(uuid.uuid4())
                self.definitions[variant_id] = VariantDefinition(
                    sku=variant.sku, options=variant.options, price=variant.price
                )
                self.added[variant_id] = variant.stock or 0
                continue
            definition = current.variants[matched]
            redefined: dict[str, Any] = {}
            if definition.price != variant.price:
                redefined["price"] = variant.price
            if variant.sku and variant.sku != definition.sku:
                redefined["sku"] = variant.sku
            if redefined:
                self.redefined[matched] = redefined
                self.definitions[matched] = definition.model_copy(update=redefined)
            if variant.stock is not None and variant.stock != self.levels.get(matched, 0):
                self.counts[matched] = variant.stock

    @property
    def any(self) -> bool:
        return bool(self.fields or self.redefined or self.counts or self.added)

    def updated(self, actor_id: str) -> ProductRecord:
        levels = {**self.levels, **self.counts, **self.added}
        return service.edited(
            self.current,
            actor_id,
            {
                **self.fields,
                "variants": self.definitions,
                "options": variants.with_values(self.current.options, self.definitions),
                "in_stock": any(level > 0 for level in levels.values()),
                **variants.prices(self.definitions),
            },
        )


def update_plan(
    table: Table,
    change: Changes,
    *,
    actor_id: str,
    reason: str,
    marker: tx.Action,
    rename: bool = True,
) -> changes.PlanMaker:
    """The plan of one transaction that writes `change` (made anew on each try: the stock
    engine adds to its updates). A renamed product's variants' records take their new names
    in it unless `rename` is off (they would not fit: then `repository.rename_variants`)."""
    current = change.current

    def make_plan(snapshot: changes.Snapshot) -> changes.Plan:
        updated = change.updated(actor_id)
        definition = repository.variants_change(table, current=current, updated=updated)
        actions: list[tx.Action] = [
            tx.update(table.name, table.keys.product(current.id), definition.product),
            *definition.others,
        ]
        for variant_id, stock in change.added.items():
            child = variants.child_record(updated, variant_id, in_stock=stock > 0)
            new, _ = service.new_product_actions(
                table, product=child, stock=stock, actor_id=actor_id, reason=reason
            )
            actions += new
        redefined: dict[str, Update] = {}
        for variant_id in change.redefined:
            before = current.variants[variant_id]
            after = change.definitions[variant_id]
            redefined[variant_id] = (
                Update()
                .condition("attribute_exists(PK)")
                .set({"sku": after.sku, "price": after.price, "updated_at": updated.updated_at})
            )
            actions += repository.sku_change(
                table,
                owner_id=variant_id,
                parent_id=current.id,
                before=before.sku,
                after=after.sku,
            )
        if rename and "name" in change.fields:
            for variant_id, kept in change.definitions.items():
                if variant_id in change.added:
                    continue  # created under the new name
                named = {
                    "name": variants.variant_name(updated, kept.options),
                    "named_at": updated.version,
                }
                taken = redefined.get(variant_id) or Update().condition("attribute_exists(PK)")
                redefined[variant_id] = taken.set(named)
        counts = [
            changes.Change(variant_id, "set", level, reason=reason)
            for variant_id, level in change.counts.items()
        ]
        return changes.Plan(counts, actions=[*actions, marker], product_changes=redefined)

    return make_plan


def snapshot(change: Changes) -> changes.Snapshot:
    return {variant_id: change.parts[variant_id] for variant_id in change.counts}
