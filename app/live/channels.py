"""The channels and messages of live stock, the same on AWS AppSync Events and locally.

A product's stock is published on `/stock/<store>/<product_id>` as a JSON string: `{product_id,
stock, in_stock, at}`, or `{product_id, deleted: true, at}` once the product is gone.
"""

from __future__ import annotations

import json
import re

NAMESPACE = "stock"
# AppSync Events: up to 5 segments of 1..50 letters, digits and dashes; `*` may end a
# subscription's channel (every channel below it)
_SEGMENT = re.compile(r"^[A-Za-z0-9-]{1,50}$")
MAX_SEGMENTS = 5


def product_stock(store: str, product_id: str) -> str:
    return f"/{NAMESPACE}/{store}/{product_id}"


def product_stock_template(store: str) -> str:
    """What `GET /live` tells a client: it fills in `{product_id}` (or `*`: every product)."""
    return f"/{NAMESPACE}/{store}/{{product_id}}"


def stock_event(product_id: str, stock: int, at: str, variant_id: str | None = None) -> str:
    """A product's level; or, on its product's channel, one variant's (`variant_id`)."""
    variant = {"variant_id": variant_id} if variant_id else {}
    return json.dumps(
        {"product_id": product_id, **variant, "stock": stock, "in_stock": stock > 0, "at": at},
        separators=(",", ":"),
    )


def deleted_event(product_id: str, at: str) -> str:
    return json.dumps({"product_id": product_id, "deleted": True, "at": at}, separators=(",", ":"))


def segments(channel: str, *, wildcard: bool) -> list[str] | None:
    """The channel's segments, or None when it is not a valid channel (a subscription's may
    end in `*`)."""
    if not channel.startswith("/"):
        return None
    parts = channel[1:].split("/")
    if not 1 <= len(parts) <= MAX_SEGMENTS:
        return None
    if wildcard and parts[-1] == "*" and len(parts) > 1:
        return parts if all(_SEGMENT.match(p) for p in parts[:-1]) else None
    return parts if all(_SEGMENT.match(p) for p in parts) else None


def matches(subscribed: list[str], published: list[str]) -> bool:
    """Whether a subscription's channel takes a published channel's events."""
    if subscribed[-1] == "*":
        head = subscribed[:-1]
        return len(published) > len(head) and published[: len(head)] == head
    return subscribed == published
