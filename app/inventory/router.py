"""HTTP layer for stock: admins and stock managers (spreading over buckets: admins)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Response
from pydantic import StringConstraints

from app.auth.schemas import Principal, UserRecord
from app.core.roles import Role
from app.core.text import ID_PATTERN
from app.db.pagination import Page
from app.db.table import Table
from app.http.access import CurrentUser, allow
from app.http.blocking import blocking
from app.http.conditional import IfMatchHeader
from app.http.params import CurrentStore, PageCursor, PageLimit, ResourceId, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.inventory import service
from app.inventory.schemas import (
    Movement,
    StockAdjustment,
    StockLevel,
    StockSet,
    StockSpread,
)
from app.products.schemas import ProductRecord, ProductWithStock
from app.stock.model import LedgerEntry, ProductStock


@dataclass(frozen=True)
class StockChange:
    """What every stock change works with: the store's table and who makes it; `answer`
    makes the change (to a product, or to one of its variants) and answers the level after
    it, with the stock's version as its ETag."""

    table: Table
    principal: Principal
    response: Response

    async def answer(
        self,
        change: Callable[..., ProductWithStock],
        product_id: str,
        variant_id: str | None = None,
        **fields: Any,
    ) -> StockLevel:
        product, stock = await blocking(
            change,
            self.table,
            product_id,
            actor_id=self.principal.id,
            variant_id=variant_id,
            **fields,
        )
        return _answer(self.response, product, stock)


async def stock_change(table: TableDep, principal: CurrentUser, response: Response) -> StockChange:
    return StockChange(table, principal, response)


Changing = Annotated[StockChange, Depends(stock_change)]

router = APIRouter(
    tags=["inventory"],
    dependencies=[allow(Role.ADMIN, Role.STOCK_MANAGER)],
    responses=problem_responses(401, 403),
)

# how stock is stored is the admins' call
admin_router = APIRouter(
    tags=["inventory"],
    dependencies=[allow(Role.ADMIN)],
    responses=problem_responses(401, 403),
)


@router.get(
    "/low-stock",
    responses=problem_responses(422),
    summary="Products with stock at or below a threshold, lowest first",
)
async def low_stock(
    table: TableDep,
    store: CurrentStore,
    threshold: Annotated[
        int | None,
        Query(
            ge=0,
            le=1_000_000_000,
            description="At most LOW_STOCK_CEILING (100 by default); the store's own"
            " low-stock threshold (5 unless set) when left out.",
        ),
    ] = None,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
) -> Page[StockLevel]:
    levels, next_cursor = await blocking(
        service.low_stock, table, store=store, threshold=threshold, limit=limit, cursor=cursor
    )
    return Page[StockLevel](
        items=[service.level(*found) for found in levels], next_cursor=next_cursor
    )


@router.get(
    "",
    responses=problem_responses(422),
    summary="The stock levels of several products (those that exist), in the order asked",
)
async def get_levels(
    table: TableDep,
    product_id: Annotated[
        list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]],
        Query(min_length=1, max_length=100, description="Up to 100 product ids."),
    ],
) -> Page[StockLevel]:
    levels = await blocking(service.get_levels, table, product_id)
    return Page[StockLevel](items=[service.level(*found) for found in levels], next_cursor=None)


@router.get("/{product_id}", responses=problem_responses(404))
async def get_level(product_id: ResourceId, table: TableDep, response: Response) -> StockLevel:
    product, stock = await blocking(service.get_level, table, product_id)
    return _answer(response, product, stock)


@router.put(
    "/{product_id}",
    responses=problem_responses(404, 412, 422),
    summary="Set the stock level (a count); If-Match makes it conditional",
)
async def set_level(
    product_id: ResourceId, body: StockSet, change: Changing, if_match: IfMatchHeader
) -> StockLevel:
    return await change.answer(
        service.set_stock, product_id, target=body.stock, reason=body.reason, if_match=if_match
    )


@router.post(
    "/{product_id}/adjustments",
    responses=problem_responses(404, 409, 422),
    summary="Add to or take from the stock; 409 if it would go below zero",
)
async def adjust_level(
    product_id: ResourceId, body: StockAdjustment, change: Changing
) -> StockLevel:
    return await change.answer(
        service.adjust_stock, product_id, delta=body.delta, reason=body.reason
    )


@admin_router.put(
    "/{product_id}/buckets",
    responses=problem_responses(404, 422),
    summary="Spread the stock over more buckets, so a hot product's purchases spread too",
    description=(
        "Admins only. The stock is spread evenly over the buckets (never fewer than it has:"
        " buckets only grow). Each purchase takes its units from one bucket chosen at random,"
        " so a product that sells fast should have one bucket per 60 purchases a second"
        " (docs/PERFORMANCE.md, Partition heat). A product whose purchases collide is given"
        " more by itself, up to AUTO_BUCKETS_MAX; this sets them ahead of a sale."
    ),
)
async def spread_stock(product_id: ResourceId, body: StockSpread, change: Changing) -> StockLevel:
    return await change.answer(
        service.spread_stock, product_id, buckets=body.buckets, reason=body.reason
    )


@router.get(
    "/{product_id}/movements",
    responses=problem_responses(404, 422),
    summary="The product's stock ledger, newest first",
)
async def movements(
    product_id: ResourceId, table: TableDep, limit: PageLimit = 20, cursor: PageCursor = None
) -> Page[Movement]:
    entries, next_cursor = await blocking(
        service.movements, table, product_id, limit=limit, cursor=cursor
    )
    return Page[Movement](items=_movements(entries), next_cursor=next_cursor)


def _answer(response: Response, product: ProductRecord, stock: ProductStock) -> StockLevel:
    """A level, with its stock version as the ETag."""
    response.headers["ETag"] = service.etag(stock)
    return service.level(product, stock)


def _movements(entries: list[tuple[LedgerEntry, UserRecord | None]]) -> list[Movement]:
    return [
        Movement.model_validate(entry.model_dump() | {"actor": actor.person() if actor else None})
        for entry, actor in entries
    ]


# --- a variant's stock: the same routes under /{product_id}/variants/{variant_id} ------------
VARIANT = "/{product_id}/variants/{variant_id}"


@router.get(VARIANT, responses=problem_responses(404), summary="A variant's stock level")
async def get_variant_level(
    product_id: ResourceId, variant_id: ResourceId, table: TableDep, response: Response
) -> StockLevel:
    product, stock = await blocking(service.get_level, table, product_id, variant_id)
    return _answer(response, product, stock)


@router.put(
    VARIANT,
    responses=problem_responses(404, 412, 422),
    summary="Set a variant's stock level (a count); If-Match makes it conditional",
)
async def set_variant_level(
    product_id: ResourceId,
    variant_id: ResourceId,
    body: StockSet,
    change: Changing,
    if_match: IfMatchHeader,
) -> StockLevel:
    return await change.answer(
        service.set_stock,
        product_id,
        variant_id,
        target=body.stock,
        reason=body.reason,
        if_match=if_match,
    )


@router.post(
    VARIANT + "/adjustments",
    responses=problem_responses(404, 409, 422),
    summary="Add to or take from a variant's stock; 409 if it would go below zero",
)
async def adjust_variant_level(
    product_id: ResourceId, variant_id: ResourceId, body: StockAdjustment, change: Changing
) -> StockLevel:
    return await change.answer(
        service.adjust_stock, product_id, variant_id, delta=body.delta, reason=body.reason
    )


@admin_router.put(
    VARIANT + "/buckets",
    responses=problem_responses(404, 422),
    summary="Spread a variant's stock over more buckets (admins)",
)
async def spread_variant_stock(
    product_id: ResourceId, variant_id: ResourceId, body: StockSpread, change: Changing
) -> StockLevel:
    return await change.answer(
        service.spread_stock, product_id, variant_id, buckets=body.buckets, reason=body.reason
    )


@router.get(
    VARIANT + "/movements",
    responses=problem_responses(404, 422),
    summary="A variant's stock ledger, newest first",
)
async def variant_movements(
    product_id: ResourceId,
    variant_id: ResourceId,
    table: TableDep,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
) -> Page[Movement]:
    entries, next_cursor = await blocking(
        service.movements, table, product_id, limit=limit, cursor=cursor, variant_id=variant_id
    )
    return Page[Movement](items=_movements(entries), next_cursor=next_cursor)
