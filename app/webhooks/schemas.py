"""A webhook and its deliveries, as stored and as shown."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.events.catalog import DETAIL_TYPES, DetailType

EventType = DetailType

TEST_EVENT = "WebhookTest"  # what "send a test event" sends, whatever a webhook subscribes to
DeliveryStatus = Literal["pending", "retrying", "delivered", "failed", "cancelled"]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[
        str,
        Field(
            min_length=1,
            max_length=2048,
            description="An https URL (http://127.0.0.1 only outside AWS).",
        ),
    ]
    events: Annotated[
        list[EventType],
        Field(min_length=1, max_length=len(DETAIL_TYPES), description="The events to send."),
    ]


class Webhook(BaseModel):
    id: str
    url: str
    events: list[str]
    created_at: str


class WebhookCreated(Webhook):
    secret: str = Field(
        description="Signs every delivery (`Catalog-Signature`); shown only in this answer."
    )


class Delivery(BaseModel):
    event_id: str
    detail_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None = Field(
        None, description="The receiver's HTTP status at the last attempt (none: no answer)."
    )
    last_error: str | None = None
    at: str
    next_attempt_at: str | None = None
