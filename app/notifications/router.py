"""HTTP layer for back-in-stock requests."""

from __future__ import annotations

from fastapi import status

from app.http.access import ANY_USER, CurrentUser
from app.http.blocking import blocking
from app.http.params import ResourceId, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.notifications import back_in_stock

router = APIRouter(tags=["products"], dependencies=[ANY_USER], responses=problem_responses(401))


@router.post(
    "/{product_id}/back-in-stock",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 409),
    summary="Tell me when it's back: one e-mail when the sold-out product is in stock again",
)
async def ask_back_in_stock(
    product_id: ResourceId, table: TableDep, principal: CurrentUser
) -> None:
    await blocking(back_in_stock.ask, table, product_id, principal.user)
