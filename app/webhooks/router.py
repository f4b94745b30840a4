"""HTTP layer for webhooks (admins of the store)."""

from __future__ import annotations

from fastapi import status
from pydantic import BaseModel

from app.core.roles import Role
from app.db.pagination import Page
from app.http.access import CurrentUser, allow
from app.http.blocking import blocking
from app.http.params import PageCursor, PageLimit, ResourceId, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter
from app.webhooks import service
from app.webhooks.schemas import Delivery, Webhook, WebhookCreate, WebhookCreated

router = APIRouter(
    tags=["admin"], dependencies=[allow(Role.ADMIN)], responses=problem_responses(401, 403)
)


class Webhooks(BaseModel):
    items: list[Webhook]


class TestQueued(BaseModel):
    event_id: str


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(409, 422),
    summary="Register a webhook: its secret is shown in this answer only",
)
async def create_webhook(
    body: WebhookCreate, table: TableDep, principal: CurrentUser
) -> WebhookCreated:
    return await blocking(service.create, table, body, principal.user)


@router.get("", summary="The store's webhooks (without their secrets)")
async def list_webhooks(table: TableDep) -> Webhooks:
    return Webhooks(items=await blocking(service.list_all, table))


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
    summary="Remove a webhook (its queued deliveries are cancelled)",
)
async def delete_webhook(webhook_id: ResourceId, table: TableDep, principal: CurrentUser) -> None:
    await blocking(service.delete, table, webhook_id, principal.user)


@router.get(
    "/{webhook_id}/deliveries",
    responses=problem_responses(404, 422),
    summary="What became of each event sent to the webhook, newest first",
)
async def list_deliveries(
    webhook_id: ResourceId, table: TableDep, limit: PageLimit = 20, cursor: PageCursor = None
) -> Page[Delivery]:
    items, next_cursor = await blocking(
        service.deliveries, table, webhook_id, limit=limit, cursor=cursor
    )
    return Page[Delivery](items=items, next_cursor=next_cursor)


@router.post(
    "/{webhook_id}/test",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(404),
    summary="Send the webhook a signed `WebhookTest` event (see its deliveries)",
)
async def send_test_event(
    webhook_id: ResourceId, table: TableDep, principal: CurrentUser
) -> TestQueued:
    return TestQueued(event_id=await blocking(service.send_test, table, webhook_id, principal.user))
