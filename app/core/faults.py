"""When DynamoDB or S3 fail: a bounded wait, then an honest 503.

- Every AWS call has short connect/read timeouts and a few retries (botocore's standard
  mode: throttling, 5xx and connection errors), see `aws_client_config`.
- Every request has a deadline (`request_deadline`): no new attempt of any AWS call starts
  after it, so a request ends within the deadline plus one attempt, whatever DynamoDB does
  (down, throttling, or frozen). docs/RELIABILITY.md states the worst case.
- What still fails is a dependency fault, answered 503 with Retry-After (never 500): the
  client may try again. A write whose outcome is unknown -- the request reached DynamoDB
  and no answer came back, so the change may have been made -- is `OutcomeUnknownError`:
  503 `outcome_unknown`; for a purchase, retrying with the same Idempotency-Key returns the
  order if it was placed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ReadTimeoutError,
)

from app.core.errors import AppError

CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0
S3_READ_TIMEOUT_SECONDS = 5.0  # a server-side copy of a 5 MB image takes longer than a GetItem
MAX_ATTEMPTS = 3
REQUEST_BUDGET_SECONDS = 6.0

THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "Throttling",
        "SlowDown",
        "TooManyRequestsException",
    }
)
# a write that may have been applied although no answer says so
_AMBIGUOUS_CODES = frozenset(
    {"InternalServerError", "InternalError", "TransactionInProgressException"}
)

_deadline: ContextVar[float | None] = ContextVar("aws_deadline", default=None)


class DependencyUnavailableError(AppError):
    status, code, title = 503, "service_unavailable", "Service unavailable"

    def __init__(self, detail: str | None = None, *, retry_after: int = 2) -> None:
        super().__init__(
            detail or "A service this request needs is not answering; try again shortly.",
            headers={"Retry-After": str(retry_after)},
        )


class OutcomeUnknownError(AppError):
    status, code, title = 503, "outcome_unknown", "Outcome unknown"

    def __init__(self) -> None:
        super().__init__(
            "The change may or may not have been made: the database did not answer in time. "
            "Send the same request again (for a purchase, with the same Idempotency-Key: "
            "it returns the order if it was placed, and never buys twice).",
            headers={"Retry-After": "1"},
        )


class DeadlineExceededError(Exception):
    """The request's time is up: no further attempt of an AWS call is made."""

    def __init__(self, attempt: int) -> None:
        super().__init__(f"request deadline reached before attempt {attempt}")
        self.attempt = attempt


@contextmanager
def request_deadline(seconds: float | None = None) -> Iterator[None]:
    """No AWS attempt starts more than `seconds` (REQUEST_BUDGET_SECONDS) from now."""
    budget = REQUEST_BUDGET_SECONDS if seconds is None else seconds
    token = _deadline.set(time.monotonic() + budget)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining_seconds() -> float | None:
    """Time left before the request's deadline (None outside a request)."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def _enforce_deadline(request: Any, **_: Any) -> None:
    left = remaining_seconds()
    if left is not None and left <= 0:
        attempt = int(getattr(request, "context", {}).get("retries", {}).get("attempt", 1))
        raise DeadlineExceededError(attempt)


def aws_client_config(*, read_timeout: float = READ_TIMEOUT_SECONDS, **extra: Any) -> Any:
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=read_timeout,
        tcp_keepalive=True,
        **extra,
    )


def watch_deadline(client: Any) -> Any:
    """Make the client stop retrying at the request's deadline."""
    client.meta.events.register("before-send", _enforce_deadline)
    return client


def error_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return ""


def http_status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def is_dependency_fault(error: BaseException) -> bool:
    """An outage, throttling, a 5xx, a timeout: not the request's fault, nor a bug."""
    if isinstance(error, DeadlineExceededError | BotoCoreError):
        return True
    if isinstance(error, ClientError):
        return error_code(error) in THROTTLING_CODES or http_status(error) >= 500
    return False


def outcome_may_be_unknown(error: BaseException) -> bool:
    """For a write: whether it may have been applied although it failed. A refused
    connection or a throttle means not applied; a lost answer means we cannot tell."""
    if isinstance(error, ReadTimeoutError | ConnectionClosedError):
        return True
    if isinstance(error, DeadlineExceededError):
        return error.attempt > 1  # an earlier attempt of this write may have got through
    if isinstance(error, ClientError):
        return error_code(error) in _AMBIGUOUS_CODES or (
            http_status(error) >= 500 and error_code(error) not in THROTTLING_CODES
        )
    return False


def as_problem(error: BaseException) -> AppError:
    """The answer to a dependency fault."""
    if isinstance(error, ClientError) and error_code(error) in THROTTLING_CODES:
        return DependencyUnavailableError(
            "The database is throttling requests right now; try again shortly.", retry_after=1
        )
    return DependencyUnavailableError()
