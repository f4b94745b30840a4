"""What `GET /live` answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LiveChannels(BaseModel):
    product_stock: str = Field(
        description="A product's stock channel; fill in `{product_id}` (or `*` for every product).",
        examples=["/stock/default/{product_id}"],
    )


class LiveInfo(BaseModel):
    protocol: Literal["aws-appsync-events"]
    realtime_url: str = Field(description="The WebSocket endpoint to connect to.")
    auth: dict[str, str] = Field(
        description="The headers a subscriber sends: base64url-encoded in the `header-...` "
        "subprotocol when connecting, and as `authorization` with each subscribe message."
    )
    channels: LiveChannels
