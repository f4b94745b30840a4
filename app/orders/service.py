"""Purchases and cancellations: stock, order, ledger and idempotency record move together."""

from __future__ import annotations

from decimal import Decimal
from typing import NoReturn

from app.auth import repository as users
from app.auth.schemas import Principal, UserRecord
from app.core import metrics
from app.core.errors import ConflictError, InvalidInputError, NotFoundError
from app.core.ids import time_sorted_id
from app.core.roles import Role
from app.core.timeutil import now_epoch, now_iso
from app.db.codec import RawItem
from app.db.pagination import paginate
from app.db.table import Table
from app.orders import repository
from app.orders.schemas import (
    IdempotencyRecord,
    OrderCreate,
    OrderLine,
    OrderRecord,
    OrderStatus,
)
from app.products import words
from app.products.repository import from_item
from app.products.schemas import ProductRecord
from app.stock import engine, limits, spreading
from app.stock.reading import read_definitions, read_products

IDEMPOTENCY_TTL_SECONDS = 24 * 3600


class OrderNotFoundError(NotFoundError):
    code, title = "order_not_found", "Order not found"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"No order with id {order_id}.")


class InsufficientStockError(ConflictError):
    code, title = "insufficient_stock", "Not enough stock"


class UnknownProductsError(InvalidInputError):
    code, title = "unknown_products", "Unknown products"


class MixedCurrenciesError(InvalidInputError):
    code, title = "mixed_currencies", "Products in different currencies"


class IdempotencyKeyReusedError(InvalidInputError):
    code, title = "idempotency_key_reused", "Idempotency key used for a different request"


class AlreadyCancelledError(ConflictError):
    code, title = "already_cancelled", "Order already cancelled"


class _Replay(Exception):  # noqa: N818 - control flow: the key was claimed meanwhile
    pass


def place_order(
    table: Table, request: OrderCreate, *, buyer: Principal, idempotency_key: str | None
) -> tuple[OrderRecord, bool]:
    """Place an order, or (same user, same key, same lines) return the one already placed.
    Returns the order and whether it is a replay."""
    product_ids = [line.product_id for line in request.items]
    fingerprint = request.fingerprint()
    claim_key = [table.keys.idempotency(buyer.id, idempotency_key)] if idempotency_key else []
    # the products and any earlier claim of the key, one round trip; not the stock levels:
    # the purchase takes its units without reading them first (app/stock/engine.py)
    read = read_definitions(table, product_ids, also=claim_key)
    claim = next((item for item in read.others if item["SK"] == "IDEMPOTENCY"), None)
    if claim and idempotency_key:
        record = repository.idempotency_from_item(claim)
        if record.expires_at > now_epoch():
            return _replay(table, record, fingerprint), True
    products = {pid: from_item(item) for pid, item in read.products.items()}
    order_id = time_sorted_id()
    now, now_seconds = now_iso(), now_epoch()

    def plan(current: engine.Snapshot) -> engine.Plan:
        order = _order_from(request, products, current, order_id=order_id, buyer=buyer, now=now)
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
        changes = [
            engine.Change(line.product_id, "purchase", line.quantity, "purchase", order_id)
            for line in order.lines
        ]
        return engine.Plan(
            changes=changes, actions=actions, on_action_failed=_claimed_meanwhile, result=order
        )

    try:
        committed = engine.commit(
            table, snapshot=dict(read.stock), make_plan=plan, actor_id=buyer.id
        )
    except InsufficientStockError:
        metrics.count(metrics.OUT_OF_STOCK_REJECTIONS)
        raise
    except _Replay:
        winner = repository.get_idempotency(table, user_id=buyer.id, key=idempotency_key or "")
        if winner is None:  # pragma: no cover - the claim that beat us cannot vanish this fast
            raise
        return _replay(table, winner, fingerprint), True
    finally:
        spreading.relieve(table, product_ids)  # products whose purchases keep colliding
    _follow_listings(table, committed)
    order: OrderRecord = committed.plan.result
    metrics.count(metrics.ORDERS_PLACED)
    return order, False


def _follow_listings(table: Table, committed: engine.Committed) -> None:
    """A sell-out (or its end) flipped in_stock: the search entries follow."""
    for product_id in committed.crossings:
        words.refresh(table, product_id)


def _claimed_meanwhile(_: int) -> NoReturn:
    raise _Replay


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
    stock: engine.Snapshot,
    *,
    order_id: str,
    buyer: Principal,
    now: str,
) -> OrderRecord:
    """The order as it would be placed now; raises if it cannot be."""
    missing = [
        line.product_id
        for line in request.items
        if line.product_id not in products or line.product_id not in stock
    ]
    if missing:
        raise UnknownProductsError(f"No such products: {', '.join(missing)}.", product_ids=missing)
    currencies = {products[line.product_id].currency for line in request.items}
    if len(currencies) > 1:
        raise MixedCurrenciesError(
            f"One order takes one currency; these products are in {', '.join(sorted(currencies))}."
        )
    short = [
        line
        for line in request.items
        if stock[line.product_id].known and stock[line.product_id].total < line.quantity
    ]
    if short:
        names = ", ".join(
            f"{products[line.product_id].name} ({stock[line.product_id].total} available)"
            for line in short
        )
        raise InsufficientStockError(
            f"Not enough stock: {names}.",
            shortages=[
                {
                    "product_id": line.product_id,
                    "requested": line.quantity,
                    "available": stock[line.product_id].total,
                }
                for line in short
            ],
        )
    lines = [
        OrderLine(
            product_id=line.product_id,
            name=products[line.product_id].name,
            unit_price=products[line.product_id].price,
            quantity=line.quantity,
            line_total=products[line.product_id].price * line.quantity,
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


def get_order(table: Table, order_id: str, *, viewer: Principal) -> OrderRecord:
    """The owner and admins see an order; to anyone else it does not exist."""
    order = repository.get(table, order_id=order_id)
    if order is None or (order.user_id != viewer.id and viewer.role != Role.ADMIN):
        raise OrderNotFoundError(order_id)
    return order


def list_orders(
    table: Table,
    *,
    user_id: str,
    limit: int,
    cursor: str | None,
    status: OrderStatus | None = None,
) -> tuple[list[OrderRecord], str | None]:
    """One user's orders, newest first (optionally of one status)."""
    return paginate(
        cursor,
        scope=table.keys.user_orders_scope(user_id, status),
        fetch=lambda start: repository.user_page(
            table, user_id=user_id, limit=limit, start_key=start, status=status
        ),
    )


_AFTER = "SK"  # a store listing's cursor: the sort key of the last order shown


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
        orders, next_cursor = list_orders(
            table, user_id=user_id, limit=limit, cursor=cursor, status=status
        )
    else:
        statuses: list[OrderStatus] = [status] if status else ["placed", "cancelled"]

        def fetch(start: RawItem | None) -> tuple[list[OrderRecord], RawItem | None]:
            after = start[_AFTER]["S"] if start else None
            page, last = repository.store_page(table, statuses=statuses, limit=limit, after=after)
            return page, {_AFTER: {"S": last}} if last else None

        orders, next_cursor = paginate(
            cursor, scope=table.keys.store_orders_scope(status), fetch=fetch
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

    def plan(current: engine.Snapshot) -> engine.Plan:
        returned: dict[str, int] = {}
        for line in order.lines:
            if line.product_id in current:
                returned[line.product_id] = returned.get(line.product_id, 0) + line.quantity
        for product_id, units in returned.items():
            limits.check_addition(current[product_id].total, units, what="a cancellation")
        changes = [
            engine.Change(
                line.product_id, "cancellation", line.quantity, "order cancelled", order.id
            )
            for line in order.lines
            if line.product_id in current
        ]
        return engine.Plan(
            changes=changes,
            actions=[repository.cancel_action(table, order, now)],
            on_action_failed=_already_cancelled,
        )

    read = read_products(table, [line.product_id for line in order.lines])
    committed = engine.commit(table, snapshot=dict(read.stock), make_plan=plan, actor_id=actor.id)
    _follow_listings(table, committed)
    return order.model_copy(update={"status": "cancelled", "cancelled_at": now, "updated_at": now})


def _already_cancelled(_: int) -> NoReturn:
    raise AlreadyCancelledError("This order is already cancelled.")
