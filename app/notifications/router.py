"""HTTP layer for back-in-stock requests."""

from __future__ import annotations

from typing import Annotated

from fastapi import status
from pydantic import BaseModel, ConfigDict, Field

from app.http.access import ANY_USER, PUBLIC, CurrentUser
from app.http.blocking import blocking
from app.http.params import ResourceId, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.notifications import back_in_stock, subscriptions
from app.notifications.subscriptions import Topic

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


@router.delete(
    "/{product_id}/back-in-stock",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
    summary="Take back a back-in-stock request (none: nothing to do)",
)
async def withdraw_back_in_stock(
    product_id: ResourceId, table: TableDep, principal: CurrentUser
) -> None:
    await blocking(back_in_stock.withdraw, table, product_id, principal.user)


mail_router = APIRouter(tags=["auth"], dependencies=[PUBLIC])


class Unsubscribe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: Topic
    user_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
    token: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


@mail_router.post(
    "/unsubscribe",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(400, 422),
    summary="Stop a kind of mail (low stock, back in stock): from the link at the end of one",
)
async def unsubscribe(body: Unsubscribe, table: TableDep) -> None:
    await blocking(
        subscriptions.unsubscribe, table, topic=body.topic, user_id=body.user_id, token=body.token
    )
