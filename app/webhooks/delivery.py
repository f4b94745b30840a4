"""Delivering one event to one webhook, and what to do when it fails.

A delivery is a message (`message()`) handed to a queue (app/webhooks/queues.py): SQS on
AWS, a thread under `make run`. Each `attempt()` re-reads the webhook (removed: the
delivery is cancelled), re-checks its URL after resolving it anew, signs the body with the
time of the attempt and POSTs it; a 2xx answer is delivered. Anything else is retried
with exponential backoff (30 s, 1 min, 2 min... at most 6 h apart) for 24 hours from the
first attempt, then the delivery has failed and its message goes to the dead-letter queue.
Every attempt is written on the delivery's record (GET /admin/webhooks/{id}/deliveries).
"""

from __future__ import annotations

import http.client
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from app.db.table import Table
from app.webhooks import repository, sending
from app.webhooks.signatures import signature_header
from app.webhooks.targets import Resolver, UnsafeTargetError, check

logger = logging.getLogger(__name__)

RETRY_WINDOW_SECONDS = 24 * 3600
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 6 * 3600

Message = dict[str, Any]
Post = Callable[..., int]


def message(
    *, store: str, webhook_id: str, event_id: str, detail_type: str, at: str, body: str
) -> Message:
    """What a queue carries for one delivery (the body is signed anew at each attempt)."""
    return {
        "store": store,
        "webhook_id": webhook_id,
        "event_id": event_id,
        "detail_type": detail_type,
        "at": at,
        "body": body,
        "queued_at": time.time(),
    }


def event_body(*, event_id: str, detail_type: str, at: str, store: str, detail: str) -> str:
    """The JSON a receiver gets: EventBridge's envelope around the event's detail."""
    envelope = {
        "id": event_id,
        "source": "catalog",
        "detail-type": detail_type,
        "time": at,
        "store": store,
        "detail": json.loads(detail),
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True)


def backoff_seconds(attempts: int) -> int:
    """How long to wait after the `attempts`-th failed attempt."""
    return int(min(FIRST_DELAY_SECONDS * 2 ** (attempts - 1), MAX_DELAY_SECONDS))


@dataclass(frozen=True)
class Outcome:
    kind: Literal["delivered", "retry", "dead", "dropped"]
    delay: int = 0  # seconds, for a retry


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def attempt(
    table_for_store: Callable[[str], Table],
    delivery: Mapping[str, Any],
    *,
    allow_loopback: bool,
    resolve: Resolver | None = None,
    post: Post = sending.post,
    now: Callable[[], float] = time.time,
) -> Outcome:
    table = table_for_store(delivery["store"])
    key = table.keys.delivery(delivery["webhook_id"], delivery["at"], delivery["event_id"])
    webhook = repository.get(table, delivery["webhook_id"])
    if webhook is None:
        repository.mark(table, key, "cancelled")
        return Outcome("dropped")
    record = repository.get_delivery(table, key)
    if record is None or record["status"] in ("delivered", "failed", "cancelled"):
        return Outcome("dropped")  # a duplicate message of a delivery already settled
    body = delivery["body"].encode()
    started = now()
    status_code: int | None = None
    error: str | None = None
    try:
        target = check(webhook["url"], allow_loopback=allow_loopback, resolve=resolve)
        headers = {
            "Catalog-Signature": signature_header(webhook["secret"], int(started), body),
            "Catalog-Event-Id": delivery["event_id"],
            "Catalog-Event-Type": delivery["detail_type"],
        }
        status_code = post(target, body, headers)
        if 200 <= status_code < 300:
            repository.record_attempt(
                table, key, status="delivered", status_code=status_code, error=None
            )
            return Outcome("delivered")
        error = f"HTTP {status_code}"
    except UnsafeTargetError as refused:
        error = refused.detail
    except (OSError, http.client.HTTPException) as failure:
        error = type(failure).__name__ + (f": {failure}" if str(failure) else "")
    return _failed(table, key, delivery, record, started, status_code, error)


def _failed(
    table: Table,
    key: dict[str, str],
    delivery: Mapping[str, Any],
    record: Mapping[str, Any],
    started: float,
    status_code: int | None,
    error: str | None,
) -> Outcome:
    """Record a failed attempt: to be retried after its backoff, or dead once the retry
    window is over. Dropped when another copy of the message delivered it meanwhile (the
    record then refuses the failure: app/webhooks/repository.py)."""
    attempts = int(record.get("attempts", 0)) + 1
    left = delivery["queued_at"] + RETRY_WINDOW_SECONDS - started
    if left <= 0:
        if not repository.record_attempt(
            table, key, status="failed", status_code=status_code, error=error
        ):
            return Outcome("dropped")
        logger.warning(
            "webhook %s: event %s not delivered in 24 h (%s)",
            delivery["webhook_id"],
            delivery["event_id"],
            error,
        )
        return Outcome("dead")
    delay = max(1, min(backoff_seconds(attempts), int(left) + 1))
    retrying = repository.record_attempt(
        table,
        key,
        status="retrying",
        status_code=status_code,
        error=error[:300] if error else None,
        next_attempt_at=_iso(started + delay),
    )
    return Outcome("retry", delay) if retrying else Outcome("dropped")
