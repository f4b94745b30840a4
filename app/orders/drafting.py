"""What an order request becomes: the order as it would be placed now, at the prices and
stock just read, or the first reason it cannot be placed (unknown products or variants, not
for sale, more than one currency, not enough stock)."""

from __future__ import annotations

from decimal import Decimal

from app.auth.schemas import Principal
from app.core.errors import ConflictError, InvalidInputError
from app.orders.schemas import OrderCreate, OrderLine, OrderLineRequest, OrderRecord
from app.products.schemas import ProductRecord
from app.products.service import NotForSaleError, for_sale
from app.products.variants import VariantRequiredError, variant_name
from app.stock import changes

Products = dict[str, ProductRecord]  # by id: the products the lines name, and their variants
Sold = dict[tuple[str, str | None], ProductRecord]  # by line subject: the record it sells


class InsufficientStockError(ConflictError):
    code, title = "insufficient_stock", "Not enough stock"


class UnknownProductsError(InvalidInputError):
    code, title = "unknown_products", "Unknown products"


class UnknownVariantError(InvalidInputError):
    code, title = "unknown_variant", "Unknown variant"


class MixedCurrenciesError(InvalidInputError):
    code, title = "mixed_currencies", "Products in different currencies"


def order_from(
    request: OrderCreate,
    products: Products,
    stock: changes.Snapshot,
    *,
    order_id: str,
    buyer: Principal,
    now: str,
) -> OrderRecord:
    """The order as it would be placed now; raises if it cannot be."""
    sold = _sold_by_line(request, products, stock)
    _check_for_sale(request, products)
    currency = _one_currency(request, products)
    _check_stock(request, sold, stock)
    lines = [_line(line, products[line.product_id], sold[line.subject]) for line in request.items]
    return OrderRecord(
        id=order_id,
        user_id=buyer.id,
        status="placed",
        lines=lines,
        currency=currency,
        total=sum((line.line_total for line in lines), Decimal("0.00")),
        created_at=now,
        updated_at=now,
    )


def _sold_by_line(request: OrderCreate, products: Products, stock: changes.Snapshot) -> Sold:
    missing = [
        line.product_id
        for line in request.items
        if line.product_id not in products or products[line.product_id].parent_id
    ]
    if missing:
        raise UnknownProductsError(f"No such products: {', '.join(missing)}.", product_ids=missing)
    sold = {line.subject: _sold(line, products) for line in request.items}
    gone = [line.product_id for line in request.items if sold[line.subject].id not in stock]
    if gone:
        raise UnknownProductsError(f"No such products: {', '.join(gone)}.", product_ids=gone)
    return sold


def _sold(line: OrderLineRequest, products: Products) -> ProductRecord:
    """What the line buys: the variant it names, or the product's one variant (itself)."""
    product = products[line.product_id]
    if not product.variants:
        if line.variant_id not in (None, product.id):
            raise UnknownVariantError(f"{product.name} has no variant {line.variant_id}.")
        return product
    if line.variant_id is None:
        raise VariantRequiredError(
            f"{product.name} comes in several variants: name one (variant_id)."
        )
    sold = products.get(line.variant_id)
    if sold is None or sold.parent_id != product.id:
        raise UnknownVariantError(f"{product.name} has no variant {line.variant_id}.")
    return sold


def _check_for_sale(request: OrderCreate, products: Products) -> None:
    withdrawn = [
        line.product_id for line in request.items if not for_sale(products[line.product_id])
    ]
    if withdrawn:
        raise NotForSaleError(
            f"Not for sale: {', '.join(products[pid].name for pid in withdrawn)}.",
            product_ids=withdrawn,
        )


def _one_currency(request: OrderCreate, products: Products) -> str:
    currencies = {products[line.product_id].currency for line in request.items}
    if len(currencies) > 1:
        raise MixedCurrenciesError(
            f"One order takes one currency; these products are in {', '.join(sorted(currencies))}."
        )
    return currencies.pop()


def _check_stock(request: OrderCreate, sold: Sold, stock: changes.Snapshot) -> None:
    levels = [(line, stock[sold[line.subject].id]) for line in request.items]
    short = [(line, level) for line, level in levels if level.known and level.total < line.quantity]
    if not short:
        return
    names = ", ".join(
        f"{sold[line.subject].name} ({level.total} available)" for line, level in short
    )
    raise InsufficientStockError(
        f"Not enough stock: {names}.",
        shortages=[
            {
                "product_id": line.product_id,
                **({"variant_id": line.variant_id} if line.variant_id else {}),
                "requested": line.quantity,
                "available": level.total,
            }
            for line, level in short
        ],
    )


def _line(line: OrderLineRequest, product: ProductRecord, sold: ProductRecord) -> OrderLine:
    """The line as sold now: its price, and its name ("T-shirt (M / Blue)" for a variant:
    the product's name now, and the variant's values)."""
    options = sold.variant_options
    name = product.name if options is None else variant_name(product, options)
    return OrderLine(
        product_id=line.product_id,
        variant_id=line.variant_id if sold.parent_id else None,
        name=name,
        unit_price=sold.price,
        quantity=line.quantity,
        line_total=sold.price * line.quantity,
    )
