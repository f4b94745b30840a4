"""The API answers only requests that came through the site's CloudFront distribution (and
so through its WAF): CloudFront adds `X-Origin-Verify` with a secret to every request it
sends the API, and the Lambda handler refuses, before any routing, an event without it.

The secret lives in Secrets Manager as {"current": ..., "previous": ...}: both are accepted,
so a rotation (`python -m app.cli rotate-origin-secret`, RUNBOOK.md) never refuses what
CloudFront sends while it moves to the new value. A container reads the secret when its
copy is 5 minutes old (so a dropped value stops working within 5 minutes), and sooner -- at
most once a minute -- when a request carries a value it does not know (the secret may have
just been rotated). Under uvicorn (no ORIGIN_SECRET_ARN) nothing is checked.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.core.config import Settings

HEADER = "x-origin-verify"
REFRESH_SECONDS = 60  # at most one read a minute for values not known
MAX_AGE_SECONDS = 300  # a read at least every 5 minutes, known value or not

logger = logging.getLogger(__name__)


class OriginSecret:
    """The values CloudFront may send, read lazily from the secret and refreshed on demand."""

    def __init__(self, fetch: Callable[[], str], clock: Callable[[], float] = time.monotonic):
        self._fetch = fetch
        self._clock = clock
        self._values: tuple[str, ...] = ()
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        document = json.loads(self._fetch())
        self._values = tuple(
            str(document[key]) for key in ("current", "previous") if document.get(key)
        )
        self._fetched_at = self._clock()

    def _known(self, value: str) -> bool:
        # every value is compared (no early exit), each in constant time
        matches = [hmac.compare_digest(value.encode(), v.encode()) for v in self._values]
        return any(matches)

    def admits(self, value: str | None) -> bool:
        with self._lock:
            if self._fetched_at is None or self._age() >= MAX_AGE_SECONDS:
                self._load()
            if value and self._known(value):
                return True
            if value and self._age() >= REFRESH_SECONDS:
                self._load()
                return self._known(value)
            return False

    def _age(self) -> float:
        return self._clock() - (self._fetched_at or 0)


def from_settings(settings: Settings) -> OriginSecret | None:
    """The check a deployment with ORIGIN_SECRET_ARN makes; None (no check) without it."""
    arn = settings.origin_secret_arn
    if not arn:
        return None
    from app.core.config import read_secret

    return OriginSecret(lambda: read_secret(arn, settings.aws_region))


def header_value(event: dict[str, Any]) -> str | None:
    """X-Origin-Verify from an API Gateway event (HTTP API v2 or REST API v1)."""
    for name, value in (event.get("headers") or {}).items():
        if name.lower() == HEADER and isinstance(value, str):
            return value
    return None


def refusal() -> dict[str, Any]:
    """What a request that did not come through CloudFront gets: 403, problem details."""
    body = {
        "type": "/problems/origin_not_verified",
        "title": "Forbidden",
        "status": 403,
        "detail": "This API answers only through its site; use the site's address.",
        "code": "origin_not_verified",
    }
    return {
        "statusCode": 403,
        "headers": {
            "content-type": "application/problem+json",
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
        },
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def source_ip(event: dict[str, Any]) -> str | None:
    context = event.get("requestContext") or {}
    return (context.get("http") or {}).get("sourceIp") or (context.get("identity") or {}).get(
        "sourceIp"
    )
