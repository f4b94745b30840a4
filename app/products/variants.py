"""A product's variants: each its own record, and the stock engine's subject.

A product with options (up to 3) has up to 100 variants. The product records them (its
`variants`: each one's SKU, options and price) and each variant is also an item of its own
(`S#<store>#PRODUCT#<variant id>`, a product record with `parent_id`), never listed nor
found by itself: the stock engine works on it exactly as on a product -- its own buckets,
ledger entries, low-stock index entry, automatic spreading and `in_stock`. The product is
`in_stock` when any variant is (app/stock/listing.py follows a variant's crossings to it),
shows `price` = its lowest variant price, `stock` = their sum and `sku` = null.

A product without options has exactly one variant, itself: its own id, SKU, price, stock.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.core import caches
from app.core.errors import InvalidInputError, NotFoundError
from app.products.schemas import ProductRecord, VariantCreate, VariantDefinition
from app.stock.model import ProductStock


class VariantRequiredError(InvalidInputError):
    code, title = "variant_required", "Choose a variant"


class VariantNotFoundError(NotFoundError):
    code, title = "variant_not_found", "Variant not found"


class HasVariantsError(InvalidInputError):
    code, title = "has_variants", "The product has variants"


def label(options: dict[str, str], order: list[str]) -> str:
    """ "M / Blue": the values in the order of the product's options."""
    return " / ".join(options[name] for name in order if name in options)


def option_names(product: ProductRecord) -> list[str]:
    return [str(option["name"]) for option in product.options]


def variant_name(product: ProductRecord, options: dict[str, str]) -> str:
    """ "T-shirt (M / Blue)": what orders, the ledger and low-stock lists call a variant."""
    return f"{product.name} ({label(options, option_names(product))})"


def with_values(
    options: list[dict[str, Any]], definitions: dict[str, VariantDefinition]
) -> list[dict[str, Any]]:
    """The options with every value the variants bring that they did not list yet."""
    return [
        {
            **option,
            "values": [
                *option["values"],
                *dict.fromkeys(
                    d.options[option["name"]]
                    for d in definitions.values()
                    if d.options[option["name"]] not in option["values"]
                ),
            ],
        }
        for option in options
    ]


def new_definitions(variants: list[VariantCreate]) -> dict[str, VariantDefinition]:
    return {
        str(uuid.uuid4()): VariantDefinition(sku=v.sku, options=v.options, price=v.price)
        for v in variants
    }


def child_record(parent: ProductRecord, variant_id: str, in_stock: bool) -> ProductRecord:
    """A variant's own record: what the stock engine, the ledger, low-stock listings and
    orders read of it (its name says which variant it is)."""
    definition = parent.variants[variant_id]
    return ProductRecord(
        id=variant_id,
        name=variant_name(parent, definition.options),
        description="",
        price=definition.price,
        currency=parent.currency,
        category=parent.category,
        tags=[],
        sku=definition.sku,
        status=parent.status,
        version=1,
        in_stock=in_stock,
        created_at=parent.created_at,
        updated_at=parent.updated_at,
        changed_by=parent.changed_by,
        parent_id=parent.id,
        variant_options=definition.options,
    )


def in_order(product: ProductRecord) -> list[tuple[str, VariantDefinition]]:
    """The variants as the options list their values (a stored map keeps no order)."""
    places = [{value: n for n, value in enumerate(option["values"])} for option in product.options]
    names = option_names(product)

    def place(item: tuple[str, VariantDefinition]) -> tuple[int, ...]:
        values = item[1].options
        return tuple(places[n].get(values.get(name, ""), 0) for n, name in enumerate(names))

    return sorted(product.variants.items(), key=place)


def price_range(product: ProductRecord) -> tuple[Decimal, Decimal]:
    """Its lowest and highest variant price (a listing's copy knows them without the
    variants: `price` and `price_max`)."""
    if product.variants:
        prices = [variant.price for variant in product.variants.values()]
        return min(prices), max(prices)
    return product.price, product.price_max if product.price_max is not None else product.price


def prices(definitions: dict[str, VariantDefinition]) -> dict[str, Decimal | None]:
    """What a product with these variants shows as its price: the lowest, and the highest."""
    values = [definition.price for definition in definitions.values()]
    return {"price": min(values), "price_max": max(values)}


@dataclass(frozen=True)
class VariantsStock(ProductStock):
    """A product with variants: their stock together (total and version), and each one's."""

    parts: dict[str, ProductStock] = field(default_factory=dict)


def combined(product_id: str, parts: dict[str, ProductStock]) -> VariantsStock:
    buckets = tuple(bucket for stock in parts.values() for bucket in stock.buckets)
    return VariantsStock(product_id, buckets, parts=parts)


# Which variants a product has, as this process last read them: a product page reads the
# product and its variants' records and buckets in one BatchGetItem when they are known
# (the way stock bucket counts are remembered: app/stock/reading.py). Bounded; a product
# that gained variants since is read once more.
MAX_REMEMBERED = 10_000
_known: OrderedDict[tuple[str, str], tuple[str, ...]] = OrderedDict()
_lock = threading.Lock()


def remembered(store: str, product_id: str) -> tuple[str, ...]:
    with _lock:
        return _known.get((store, product_id), ())


def remember(store: str, product_id: str, variant_ids: tuple[str, ...]) -> None:
    with _lock:
        _known[(store, product_id)] = variant_ids
        _known.move_to_end((store, product_id))
        while len(_known) > MAX_REMEMBERED:
            _known.popitem(last=False)


def forget() -> None:
    with _lock:
        _known.clear()


caches.register("products.variants known variants", forget)
