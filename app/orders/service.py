"""Purchases and cancellations: stock, order, ledger and idempotency record move together."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import NoReturn

from app.auth.dependencies import Principal
from app.core import metrics
from app.core.errors import ConflictError, InvalidInputError, NotFoundError
from app.core.roles import Role
from app.core.timeutil import now_epoch, now_iso
from app.db.codec import RawItem
from app.db.pagination import paginate
from app.db.table import Table
from app.inventory import stock
from app.orders import repository
from app.orders.schemas import (
    IdempotencyRecord,
    OrderCreate,
    OrderLine,
    OrderRecord,
    OrderStatus,
)

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
    keys = [table.keys.product(pid) for pid in product_ids]
    if idempotency_key:
        keys.append(table.keys.idempotency(buyer.id, idempotency_key))
    items = table.batch_get(keys)  # products and any earlier claim of the key: one round trip
    claim = next((i for i in items if i["SK"] == "IDEMPOTENCY"), None)
    if claim and idempotency_key:
        record = repository.idempotency_from_item(claim)
        if record.expires_at > now_epoch():
            return _replay(table, record, fingerprint), True
    snapshot = stock.snapshot_of(items)
    order_id = str(uuid.uuid4())
    now, now_seconds = now_iso(), now_epoch()

    def plan(current: stock.Snapshot) -> stock.Plan:
        order = _order_from(request, current, order_id=order_id, buyer=buyer, now=now)
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
        moves = [
            stock.StockMove(line.product_id, -line.quantity, "purchase", "purchase", order_id)
            for line in order.lines
        ]
        return stock.Plan(
            moves=moves, actions=actions, on_action_failed=_claimed_meanwhile, result=order
        )

    try:
        committed = stock.commit(table, snapshot=snapshot, make_plan=plan, actor_id=buyer.id)
    except InsufficientStockError:
        metrics.count(metrics.OUT_OF_STOCK_REJECTIONS)
        raise
    except _Replay:
        winner = repository.get_idempotency(table, user_id=buyer.id, key=idempotency_key or "")
        if winner is None:  # pragma: no cover - the claim that beat us cannot vanish this fast
            raise
        return _replay(table, winner, fingerprint), True
    order: OrderRecord = committed.plan.result
    metrics.count(metrics.ORDERS_PLACED)
    return order, False


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
    request: OrderCreate, snapshot: stock.Snapshot, *, order_id: str, buyer: Principal, now: str
) -> OrderRecord:
    """The order as it would be placed now; raises if it cannot be."""
    missing = [line.product_id for line in request.items if line.product_id not in snapshot]
    if missing:
        raise UnknownProductsError(f"No such products: {', '.join(missing)}.", product_ids=missing)
    currencies = {snapshot[line.product_id].currency for line in request.items}
    if len(currencies) > 1:
        raise MixedCurrenciesError(
            f"One order takes one currency; these products are in {', '.join(sorted(currencies))}."
        )
    short = [line for line in request.items if snapshot[line.product_id].stock < line.quantity]
    if short:
        names = ", ".join(
            f"{snapshot[line.product_id].name} ({snapshot[line.product_id].stock} available)"
            for line in short
        )
        raise InsufficientStockError(
            f"Not enough stock: {names}.",
            shortages=[
                {
                    "product_id": line.product_id,
                    "requested": line.quantity,
                    "available": snapshot[line.product_id].stock,
                }
                for line in short
            ],
        )
    lines = [
        OrderLine(
            product_id=line.product_id,
            name=snapshot[line.product_id].name,
            unit_price=snapshot[line.product_id].price,
            quantity=line.quantity,
            line_total=snapshot[line.product_id].price * line.quantity,
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
    table: Table, *, user_id: str, limit: int, cursor: str | None
) -> tuple[list[OrderRecord], str | None]:
    return paginate(
        cursor,
        scope=f"orders|{table.keys.user_orders_listing(user_id)}",
        fetch=lambda start: repository.list_page(
            table, user_id=user_id, limit=limit, start_key=start
        ),
    )


def list_store_orders(
    table: Table,
    *,
    status: OrderStatus | None,
    user_id: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[OrderRecord], str | None]:
    """Every order of the store (or of one user), newest first, optionally of one status."""
    if user_id is not None:
        return paginate(
            cursor,
            scope=f"orders|{table.keys.user_orders_listing(user_id)}|{status or '*'}",
            fetch=lambda start: repository.list_page(
                table, user_id=user_id, limit=limit, start_key=start, status=status
            ),
        )
    statuses: list[OrderStatus] = [status] if status else ["placed", "cancelled"]

    def fetch(start: RawItem | None) -> tuple[list[OrderRecord], RawItem | None]:
        after = start.get(STORE_CURSOR_ATTRIBUTE, {}).get("S") if start else None
        orders, last = repository.store_page(table, statuses=statuses, limit=limit, after=after)
        return orders, {STORE_CURSOR_ATTRIBUTE: {"S": last}} if last else None

    return paginate(cursor, scope=f"store-orders|{table.keys.store}|{status or '*'}", fetch=fetch)


STORE_CURSOR_ATTRIBUTE = "GSI2SK"


def cancel_order(table: Table, order_id: str, *, actor: Principal) -> OrderRecord:
    """Cancel and put the stock back (to the products that still exist), with ledger
    entries, in one transaction. A second cancel is 409."""
    order = get_order(table, order_id, viewer=actor)
    if order.status == "cancelled":
        raise AlreadyCancelledError("This order is already cancelled.")
    now = now_iso()

    def plan(current: stock.Snapshot) -> stock.Plan:
        moves = [
            stock.StockMove(
                line.product_id, line.quantity, "cancellation", "order cancelled", order.id
            )
            for line in order.lines
            if line.product_id in current
        ]
        return stock.Plan(
            moves=moves,
            actions=[repository.cancel_action(table, order, now)],
            on_action_failed=_already_cancelled,
        )

    snapshot = stock.read_products(table, [line.product_id for line in order.lines])
    stock.commit(table, snapshot=snapshot, make_plan=plan, actor_id=actor.id)
    return order.model_copy(update={"status": "cancelled", "cancelled_at": now, "updated_at": now})


def _already_cancelled(_: int) -> NoReturn:
    raise AlreadyCancelledError("This order is already cancelled.")
