"""Purchases and cancellations: stock, order, ledger and idempotency record move together."""

from __future__ import annotations

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
from app.orders import drafting, repository
from app.orders.schemas import (
    IdempotencyRecord,
    OrderCreate,
    OrderRecord,
    OrderStatus,
)
from app.stock import changes, limits, reading

IDEMPOTENCY_TTL_SECONDS = 24 * 3600


class OrderNotFoundError(NotFoundError):
    code, title = "order_not_found", "Order not found"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"No order with id {order_id}.")


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
        order = drafting.order_from(
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
    except drafting.InsufficientStockError:
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
