"""A store's webhooks: registering, listing, removing, testing, and their deliveries
(admins of the store)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from app.auth.schemas import UserRecord
from app.core.config import get_settings
from app.core.ids import time_sorted_id
from app.core.timeutil import now_iso
from app.db.pagination import paginate
from app.db.table import Table
from app.webhooks import repository, targets
from app.webhooks.delivery import event_body, message
from app.webhooks.queues import delivery_queue
from app.webhooks.repository import WebhookNotFoundError
from app.webhooks.schemas import TEST_EVENT, Delivery, Webhook, WebhookCreate, WebhookCreated
from app.webhooks.signatures import new_secret


def _allow_loopback() -> bool:
    return get_settings().app_env != "prod"


def create(
    table: Table, request: WebhookCreate, actor: UserRecord, resolve: targets.Resolver | None = None
) -> WebhookCreated:
    """Register a webhook after checking where its URL leads (422 if somewhere private)."""
    targets.check(request.url, allow_loopback=_allow_loopback(), resolve=resolve)
    item = {
        "id": time_sorted_id(),
        "url": request.url,
        "events": list(dict.fromkeys(request.events)),
        "secret": new_secret(),
        "created_at": now_iso(),
        "changed_by": actor.id,
    }
    repository.create(table, item)
    return WebhookCreated(**repository.webhook_of(item).model_dump(), secret=item["secret"])


def list_all(table: Table) -> list[Webhook]:
    webhooks = [repository.webhook_of(item) for item in repository.list_all(table)]
    return sorted(webhooks, key=lambda webhook: webhook.created_at)


def delete(table: Table, webhook_id: str, actor: UserRecord) -> None:
    repository.delete(table, _existing(table, webhook_id), actor_id=actor.id)


def _existing(table: Table, webhook_id: str) -> dict[str, Any]:
    found = repository.get(table, webhook_id)
    if found is None:
        raise WebhookNotFoundError(f"No webhook {webhook_id}.")
    return found


def deliveries(
    table: Table, webhook_id: str, *, limit: int, cursor: str | None
) -> tuple[list[Delivery], str | None]:
    """The webhook's deliveries, newest event first."""
    _existing(table, webhook_id)
    return paginate(
        cursor,
        scope=table.keys.deliveries_scope(webhook_id),
        fetch=partial(repository.deliveries_page, table, webhook_id, limit=limit),
    )


def send_test(table: Table, webhook_id: str, actor: UserRecord) -> str:
    """Queue a `WebhookTest` event to the webhook, whatever it subscribes to; its id."""
    _existing(table, webhook_id)
    event_id = f"test-{time_sorted_id()}"
    at = now_iso()
    detail = {
        "event_id": event_id,
        "store": table.keys.store,
        "webhook_id": webhook_id,
        "actor": {"id": actor.id, "email": actor.email},
        "at": at,
    }
    repository.record_delivery(
        table, webhook_id=webhook_id, event_id=event_id, detail_type=TEST_EVENT, at=at
    )
    body = event_body(
        event_id=event_id,
        detail_type=TEST_EVENT,
        at=at,
        store=table.keys.store,
        detail=json.dumps(detail),
    )
    delivery_queue().send(
        [
            message(
                store=table.keys.store,
                webhook_id=webhook_id,
                event_id=event_id,
                detail_type=TEST_EVENT,
                at=at,
                body=body,
            )
        ]
    )
    return event_id
