"""Purchases and cancellations: stock, order, ledger and idempotency record move together."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from app.auth import repository as users
from app.auth.schemas import Principal, UserRecord
from app.core import metrics
from app.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from app.core.ids import time_sorted_id
from app.core.roles import Role
from app.core.timeutil import now_epoch, now_iso
from app.db.pagination import paginate
from app.db.table import Table
from app.orders import repository
from app.orders.schemas import (
    IdempotencyRecord,
    OrderCreate,
    OrderLine,
    OrderLineRequest,
    OrderRecord,
    OrderStatus,
)
from app.products.schemas import ProductRecord
from app.products.service import NotForSaleError, for_sale
from app.products.variants import (
    VariantRequiredError,
    variant_name,
)
from app.stock import changes, limits, reading
from app.stock.model import ProductStock

IDEMPOTENCY_TTL_SECONDS = 24 * 3600


class OrderNotFoundError(NotFoundError):
    code, title = "order_not_found", "Order not found"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"No order with id {order_id}.")


class InsufficientStockError(ConflictError):
    code, title = "insufficient_stock", "Not enough stock"


class UnknownProductsError(InvalidInputError):
    code, title = "unknown_products", "Unknown products"


class UnknownVariantError(InvalidInputError):
    code, title = "unknown_variant", "Unknown variant"


class MixedCurrenciesError(InvalidInputError):
    code, title = "mixed_currencies", "Products in different currencies"


class IdempotencyKeyReusedError(InvalidInputError):
    code, title = "idempotency_key_reused", "Idempotency key used for a different request"


class AlreadyCancelledError(ConflictError):
    code, title = "already_cancelled", "Order already cancelled"


def place_order(
    table: Table, request: OrderCreate, *, buyer: Principal, idempotency_key: str | None
) -> tuple[OrderRecord, bool]:
    """Place an order, or (same user, same key, same lines) return the one already placed.
    Returns the order and whether it is a replay."""
    fingerprint = request.fingerprint()
    now, now_seconds = now_iso(), now_epoch()
    read = repository.read_for_purchase(
        table,
        product_ids=list(  # two variants of one product: the product read once
            dict.fromkeys(
                [
                    *(line.product_id for line in request.items),
                    *(line.variant_id for line in request.items if line.variant_id),
                ]
            )
        ),
        user_id=buyer.id,
        key=idempotency_key,
        now=now_seconds,
    )
    if read.claim is not None:
        return _replay(table, read.claim, fingerprint), True
    order_id = time_sorted_id()

    def plan(current: changes.Snapshot) -> changes.Plan:
        order = _order_from(
            request, read.products, current, order_id=order_id, buyer=buyer, now=now
        )
        order = order.model_copy(update={"idempotency_key": idempotency_key})
        actions = [repository.put_action(table, order)]
        if idempotency_key:
            record = IdempotencyRecord(
                user_id=buyer.id,
                key=idempotency_key,
                fingerprint=fingerprint,
                order_id=order_id,
                created_at=now,
                expires_at=now_seconds + IDEMPOTENCY_TTL_SECONDS,
            )
            actions.append(repository.idempotency_put_action(table, record, now=now_seconds))
        purchases = [
            changes.Change(line.stock_subject, "purchase", line.quantity, "purchase", order_id)
            for line in order.lines
        ]
        return changes.Plan(changes=purchases, actions=actions, result=order)

    try:
        outcome = changes.apply(table, snapshot=read.stock, make_plan=plan, actor_id=buyer.id)
    except InsufficientStockError:
        metrics.count(metrics.OUT_OF_STOCK_REJECTIONS)
        raise
    if isinstance(outcome, changes.Refused):  # the key was claimed meanwhile: its order
        winner = repository.get_idempotency(table, user_id=buyer.id, key=idempotency_key or "")
        if winner is None:  # pragma: no cover - the claim that beat us cannot vanish this fast
            raise IdempotencyKeyReusedError("This Idempotency-Key is in use; try again.")
        return _replay(table, winner, fingerprint), True
    order: OrderRecord = outcome.plan.result
    metrics.count(metrics.ORDERS_PLACED)
    return order, False


def _replay(table: Table, record: IdempotencyRecord, fingerprint: str) -> OrderRecord:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReusedError(
            "This Idempotency-Key was used for a different order; use a new key."
        )
    order = repository.get(table, order_id=record.order_id)
    if order is None:  # pragma: no cover - orders are never deleted
        raise OrderNotFoundError(record.order_id)
    return order


def _order_from(
    request: OrderCreate,
    products: dict[str, ProductRecord],
    stock: changes.Snapshot,
    *,
    order_id: str,
    buyer: Principal,
    now: str,
) -> OrderRecord:
    """The order as it would be placed now; raises if it cannot be."""
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
    withdrawn = [
        line.product_id for line in request.items if not for_sale(products[line.product_id])
    ]
    if withdrawn:
        raise NotForSaleError(
            f"Not for sale: {', '.join(products[pid].name for pid in withdrawn)}.",
            product_ids=withdrawn,
        )
    currencies = {products[line.product_id].currency for line in request.items}
    if len(currencies) > 1:
        raise MixedCurrenciesError(
            f"One order takes one currency; these products are in {', '.join(sorted(currencies))}."
        )

    def level(line: OrderLineRequest) -> ProductStock:
        return stock[sold[line.subject].id]

    short = [
        line for line in request.items if level(line).known and level(line).total < line.quantity
    ]
    if short:
        names = ", ".join(
            f"{sold[line.subject].name} ({level(line).total} available)" for line in short
        )
        raise InsufficientStockError(
            f"Not enough stock: {names}.",
            shortages=[
                {
                    "product_id": line.product_id,
                    **({"variant_id": line.variant_id} if line.variant_id else {}),
                    "requested": line.quantity,
                    "available": level(line).total,
                }
                for line in short
            ],
        )
    lines = [
        OrderLine(
            product_id=line.product_id,
            variant_id=line.variant_id if sold[line.subject].parent_id else None,
            name=_line_name(products[line.product_id], sold[line.subject]),
            unit_price=sold[line.subject].price,
            quantity=line.quantity,
            line_total=sold[line.subject].price * line.quantity,
        )
        for line in request.items
    ]
    return OrderRecord(
        id=order_id,
        user_id=buyer.id,
        status="placed",
        lines=lines,
        currency=currencies.pop(),
        total=sum((line.line_total for line in lines), Decimal("0.00")),
        created_at=now,
        updated_at=now,
    )


def _line_name(product: ProductRecord, sold: ProductRecord) -> str:
    """ "T-shirt (M / Blue)": the product's name now, and the variant's values."""
    if sold.variant_options is None:
        return product.name
    return variant_name(product, sold.variant_options)


def _sold(line: OrderLineRequest, products: dict[str, ProductRecord]) -> ProductRecord:
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


def get_order(table: Table, order_id: str, *, viewer: Principal) -> OrderRecord:
    """The owner and admins see an order; to anyone else it does not exist."""
    order = repository.get(table, order_id=order_id)
    if order is None or (order.user_id != viewer.id and viewer.role != Role.ADMIN):
        raise OrderNotFoundError(order_id)
    return order


def list_orders(
    table: Table, *, viewer: Principal, user_id: str | None, limit: int, cursor: str | None
) -> tuple[list[OrderRecord], str | None]:
    """The viewer's orders, newest first; an admin may ask for another user's."""
    owner = user_id or viewer.id
    if owner != viewer.id and viewer.role != Role.ADMIN:
        raise ForbiddenError("Only admins may list other users' orders.")
    return paginate(
        cursor,
        scope=table.keys.user_orders_scope(owner, None),
        fetch=partial(repository.user_page, table, user_id=owner, limit=limit),
    )


def list_store_orders(
    table: Table,
    *,
    status: OrderStatus | None,
    user_id: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[tuple[OrderRecord, UserRecord | None]], str | None]:
    """Every order of the store (or of one user), newest first, optionally of one status,
    each with its buyer (None once the account is gone): one more read for the page."""
    if user_id is not None:
        orders, next_cursor = paginate(
            cursor,
            scope=table.keys.user_orders_scope(user_id, status),
            fetch=partial(repository.user_page, table, user_id=user_id, limit=limit, status=status),
        )
    else:
        orders, next_cursor = paginate(
            cursor,
            scope=table.keys.store_orders_scope(status),
            fetch=partial(repository.store_page, table, status=status, limit=limit),
        )
    buyers = users.get_many(table, user_ids=[order.user_id for order in orders])
    return [(order, buyers.get(order.user_id)) for order in orders], next_cursor


def cancel_order(table: Table, order_id: str, *, actor: Principal) -> OrderRecord:
    """Cancel and put the stock back (to the products that still exist), with ledger
    entries, in one transaction. A second cancel is 409."""
    order = get_order(table, order_id, viewer=actor)
    if order.status == "cancelled":
        raise AlreadyCancelledError("This order is already cancelled.")
    now = now_iso()

    def plan(current: changes.Snapshot) -> changes.Plan:
        returned: dict[str, int] = {}
        for line in order.lines:
            if line.stock_subject in current:
                returned[line.stock_subject] = returned.get(line.stock_subject, 0) + line.quantity
        for product_id, units in returned.items():
            limits.check_addition(current[product_id].total, units, what="a cancellation")
        returns = [
            changes.Change(
                line.stock_subject, "cancellation", line.quantity, "order cancelled", order.id
            )
            for line in order.lines
            if line.stock_subject in current
        ]
        return changes.Plan(
            changes=returns, actions=[repository.cancel_action(table, order, now, actor.id)]
        )

    snapshot = reading.read_products(table, [line.stock_subject for line in order.lines]).stock
    outcome = changes.apply(table, snapshot=snapshot, make_plan=plan, actor_id=actor.id)
    if isinstance(outcome, changes.Refused):  # cancelled meanwhile
        raise AlreadyCancelledError("This order is already cancelled.")
    return order.model_copy(update={"status": "cancelled", "cancelled_at": now, "updated_at": now})
