"""TransactWriteItems with the retry policy the whole service shares.

A transaction cancelled only because another transaction touched the same items
(`TransactionConflict`) is retried a bounded number of times with jittered backoff. A
cancellation with a failed condition (`ConditionalCheckFailed`) is an answer, never retried:
it is raised as `TransactionCancelled` with the reason for each action.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from app.core.errors import AppError
from app.core.faults import (
    DeadlineExceededError,
    DependencyUnavailableError,
    OutcomeUnknownError,
    outcome_may_be_unknown,
)
from app.db.codec import deserialize

MAX_ATTEMPTS = 6
BASE_DELAY_SECONDS = 0.02
MAX_DELAY_SECONDS = 0.5


class ContentionError(AppError):
    status, code, title = 503, "contention", "Too much contention; try again"

    def __init__(self) -> None:
        super().__init__(
            "What this request changes is being changed too often right now; try again.",
            headers={"Retry-After": "1"},
        )


class TransactionCancelled(Exception):  # noqa: N818 - DynamoDB's own name for the event
    """A transaction DynamoDB cancelled; `reasons[i]` is the code for action i (or None)."""

    def __init__(self, reasons: Sequence[Mapping[str, Any]]) -> None:
        self.reasons = [
            reason.get("Code") if reason.get("Code") != "None" else None for reason in reasons
        ]
        self._items = [reason.get("Item") for reason in reasons]
        super().__init__(f"transaction cancelled: {self.reasons}")

    def condition_failed(self, index: int) -> bool:
        """Whether action `index` failed its condition."""
        return index < len(self.reasons) and self.reasons[index] == "ConditionalCheckFailed"

    @property
    def any_condition_failed(self) -> bool:
        return "ConditionalCheckFailed" in self.reasons

    @property
    def only_conflicts(self) -> bool:
        codes = {code for code in self.reasons if code}
        return bool(codes) and codes <= {"TransactionConflict"}

    def old_item(self, index: int) -> dict[str, Any] | None:
        """The item as it was when action `index` failed its condition, if DynamoDB sent it."""
        item = self._items[index] if index < len(self._items) else None
        return deserialize(item) if item else None


def is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


_THROTTLED_REASONS = {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}


@contextmanager
def _unknown_outcome_guard() -> Iterator[None]:
    """A write that failed without an answer may have been applied: say so (503
    outcome_unknown) rather than "not done"."""
    try:
        yield
    except (ClientError, BotoCoreError, DeadlineExceededError) as error:
        if outcome_may_be_unknown(error):
            raise OutcomeUnknownError from error
        raise


def transact_write(
    client: Any, actions: Sequence[dict[str, Any]], *, attempts: int = MAX_ATTEMPTS
) -> None:
    for attempt in range(1, attempts + 1):
        try:
            with _unknown_outcome_guard():
                client.transact_write_items(TransactItems=list(actions))
            return
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            cancelled = TransactionCancelled(error.response.get("CancellationReasons", []))
            if _THROTTLED_REASONS & set(filter(None, cancelled.reasons)):
                raise DependencyUnavailableError(
                    "The database is throttling requests right now; try again shortly.",
                    retry_after=1,
                ) from error
            if cancelled.only_conflicts:
                if attempt < attempts:
                    backoff(attempt)
                    continue
                if attempts > 1:  # the caller left retries to us, and they are spent
                    raise ContentionError from error
            raise cancelled from error


_SINGLE_ITEM_CALLS = {"Put": "put_item", "Update": "update_item", "Delete": "delete_item"}


def write(client: Any, actions: Sequence[dict[str, Any]]) -> None:
    """Write the actions all or nothing. One action goes as a plain conditional write (half
    the write units of a transaction); several as a transaction. Either way a failed
    condition raises `TransactionCancelled`, so callers handle one kind of answer."""
    if len(actions) != 1:
        transact_write(client, actions)
        return
    ((kind, request),) = actions[0].items()
    try:
        with _unknown_outcome_guard():
            getattr(client, _SINGLE_ITEM_CALLS[kind])(**request)
    except ClientError as error:
        if not is_condition_failure(error):
            raise
        reason: dict[str, Any] = {"Code": "ConditionalCheckFailed"}
        response: dict[str, Any] = dict(error.response)
        if "Item" in response:
            reason["Item"] = response["Item"]
        raise TransactionCancelled([reason]) from error


def backoff(attempt: int) -> None:
    """Full jitter: a random pause up to an exponentially growing cap."""
    cap = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** (attempt - 1))
    time.sleep(random.uniform(0, cap))  # noqa: S311 - jitter, not security
