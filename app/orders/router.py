"""HTTP layer for orders: any logged-in user buys; owners (and admins) see and cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response, status

from app.core.roles import Role
from app.db.pagination import Page
from app.http.access import ANY_USER, CurrentUser, allow
from app.http.blocking import blocking
from app.http.params import PageCursor, PageLimit, ResourceId, TableDep, UserIdFilter
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.orders import service
from app.orders.schemas import (
    IDEMPOTENCY_KEY_PATTERN,
    Order,
    OrderCreate,
    OrderRecord,
    OrderStatus,
)

router = APIRouter(tags=["orders"], dependencies=[ANY_USER], responses=problem_responses(401))
admin_router = APIRouter(
    tags=["admin"],
    dependencies=[allow(Role.ADMIN)],
    responses=problem_responses(401, 403),
)


def public(order: OrderRecord) -> Order:
    return Order.model_validate(order.model_dump(exclude={"idempotency_key"}))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(409, 422, 503),
    summary="Buy: all lines or nothing. Send an Idempotency-Key to retry safely",
)
async def place_order(
    body: OrderCreate,
    table: TableDep,
    principal: CurrentUser,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(
            pattern=IDEMPOTENCY_KEY_PATTERN,
            description="1..64 visible ASCII characters; a repeat returns the same order.",
        ),
    ] = None,
) -> Order:
    order, replayed = await blocking(
        service.place_order, table, body, buyer=principal, idempotency_key=idempotency_key
    )
    response.headers["Location"] = f"/orders/{order.id}"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return public(order)


@router.get("", responses=problem_responses(403, 422), summary="Orders, newest first")
async def list_orders(
    table: TableDep,
    principal: CurrentUser,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
    user_id: UserIdFilter = None,
) -> Page[Order]:
    orders, next_cursor = await blocking(
        service.list_orders, table, viewer=principal, user_id=user_id, limit=limit, cursor=cursor
    )
    return Page[Order](items=[public(o) for o in orders], next_cursor=next_cursor)


@admin_router.get(
    "", responses=problem_responses(422), summary="Every order of the store, newest first"
)
async def list_store_orders(
    table: TableDep,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
    status: OrderStatus | None = None,
    user_id: UserIdFilter = None,
) -> Page[Order]:
    orders, next_cursor = await blocking(
        service.list_store_orders,
        table,
        status=status,
        user_id=user_id,
        limit=limit,
        cursor=cursor,
    )
    items = [
        public(order).model_copy(update={"buyer": buyer.person() if buyer else None})
        for order, buyer in orders
    ]
    return Page[Order](items=items, next_cursor=next_cursor)


@router.get("/{order_id}", responses=problem_responses(404))
async def get_order(order_id: ResourceId, table: TableDep, principal: CurrentUser) -> Order:
    return public(await blocking(service.get_order, table, order_id, viewer=principal))


@router.post(
    "/{order_id}/cancel",
    responses=problem_responses(404, 409),
    summary="Cancel: the stock goes back, with ledger entries",
)
async def cancel_order(order_id: ResourceId, table: TableDep, principal: CurrentUser) -> Order:
    return public(await blocking(service.cancel_order, table, order_id, actor=principal))
