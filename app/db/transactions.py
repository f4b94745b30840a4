"""Conditional writes: how every conditional put, update and delete is built and written.

Builders (`put`, `update`, `delete`, `check`) make the actions; `write` writes them all or
nothing -- one action as a plain conditional write (half the write units of a transaction),
several as one TransactWriteItems -- and every failure comes back the same way:

- a failed condition: `TransactionCancelled`, with the reason (and, when asked for, the
  item as it was) for each action. It is an answer, never retried here.
- a transaction cancelled only because another touched the same items
  (`TransactionConflict`): retried a bounded number of times with jittered backoff, then
  `ContentionError` (503).
- a write whose answer was lost: `OutcomeUnknownError` (503 outcome_unknown).
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
from app.db.codec import deserialize, serialize
from app.db.expressions import Update
from app.db.keys import Key

MAX_ATTEMPTS = 6
BASE_DELAY_SECONDS = 0.02
MAX_DELAY_SECONDS = 0.5
MAX_ACTIONS = 100  # DynamoDB's limit for one transaction

Action = dict[str, Any]


class ContentionError(AppError):
    status, code, title = 503, "contention", "Too much contention; try again"

    def __init__(self) -> None:
        super().__init__(
            "What this request changes is being changed too often right now; try again.",
            headers={"Retry-After": "1"},
        )


class TransactionCancelled(Exception):  # noqa: N818 - DynamoDB's own name for the event
    """A write DynamoDB refused; `reasons[i]` is the code for action i (or None)."""

    def __init__(self, reasons: Sequence[Mapping[str, Any]]) -> None:
        self.reasons = [
            reason.get("Code") if reason.get("Code") != "None" else None for reason in reasons
        ]
        self._items = [reason.get("Item") for reason in reasons]
        super().__init__(f"transaction cancelled: {self.reasons}")

    def reason(self, index: int) -> str | None:
        """The code DynamoDB gave action `index` (None: it was not the cause)."""
        return self.reasons[index] if index < len(self.reasons) else None

    def condition_failed(self, index: int) -> bool:
        """Whether action `index` failed its condition."""
        return self.reason(index) == "ConditionalCheckFailed"

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


class TransactionThrottled(DependencyUnavailableError):  # noqa: N818 - as DynamoDB says it
    """A transaction refused because an item it writes is throttled: 503, try again shortly.
    `cancelled` says which actions (a hot item's partition shows there)."""

    def __init__(self, cancelled: TransactionCancelled) -> None:
        super().__init__(
            "The database is throttling requests right now; try again shortly.", retry_after=1
        )
        self.cancelled = cancelled


# --- actions ---------------------------------------------------------------------------------


def put(table_name: str, item: Mapping[str, Any], *, new: bool = True) -> Action:
    """Store `item`; with `new`, only if no item has its key."""
    request: dict[str, Any] = {"TableName": table_name, "Item": serialize(item)}
    if new:
        request["ConditionExpression"] = "attribute_not_exists(PK)"
    return {"Put": request}


def update(table_name: str, key: Key, changes: Update, *, old_on_failure: bool = False) -> Action:
    request: dict[str, Any] = {"TableName": table_name, "Key": serialize(key), **changes.request()}
    if old_on_failure:
        request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"Update": request}


def delete(table_name: str, key: Key, condition: Update | None = None) -> Action:
    request: dict[str, Any] = {"TableName": table_name, "Key": serialize(key)}
    if condition is not None:
        request.update(condition.condition_request())
    return {"Delete": request}


def check(table_name: str, key: Key, condition: Update, *, old_on_failure: bool = True) -> Action:
    request: dict[str, Any] = {
        "TableName": table_name,
        "Key": serialize(key),
        **condition.condition_request(),
    }
    if old_on_failure:
        request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"ConditionCheck": request}


# --- writing ---------------------------------------------------------------------------------

_THROTTLED_REASONS = {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
_SINGLE_ITEM_CALLS = {"Put": "put_item", "Update": "update_item", "Delete": "delete_item"}


def is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


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


def transact_write(client: Any, actions: Sequence[Action], *, attempts: int = MAX_ATTEMPTS) -> None:
    """The actions in one transaction. With `attempts=1` a conflict is the caller's to
    handle (as `TransactionCancelled`); otherwise it is retried, then 503."""
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
                raise TransactionThrottled(cancelled) from error
            if cancelled.only_conflicts:
                if attempt < attempts:
                    backoff(attempt)
                    continue
                if attempts > 1:  # the caller left retries to us, and they are spent
                    raise ContentionError from error
            raise cancelled from error


def write(
    client: Any, actions: Sequence[Action], *, returns: str | None = None
) -> dict[str, Any] | None:
    """Write the actions all or nothing (see the module docstring). `returns`
    ("ALL_OLD", "UPDATED_NEW"...) asks a single put/update/delete for its item's values."""
    if len(actions) != 1 or "ConditionCheck" in actions[0]:
        if returns:
            raise ValueError("only a single write can return values")
        transact_write(client, actions)
        return None
    ((kind, request),) = actions[0].items()
    request = {k: v for k, v in request.items() if k != "ReturnValuesOnConditionCheckFailure"}
    if actions[0].get(kind, {}).get("ReturnValuesOnConditionCheckFailure"):
        request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    if returns:
        request["ReturnValues"] = returns
    try:
        with _unknown_outcome_guard():
            response = getattr(client, _SINGLE_ITEM_CALLS[kind])(**request)
    except ClientError as error:
        if not is_condition_failure(error):
            raise
        reason: dict[str, Any] = {"Code": "ConditionalCheckFailed"}
        answer: dict[str, Any] = dict(error.response)
        if "Item" in answer:
            reason["Item"] = answer["Item"]
        raise TransactionCancelled([reason]) from error
    attributes = response.get("Attributes")
    return deserialize(attributes) if attributes else None


def backoff(attempt: int) -> None:
    """Full jitter: a random pause up to an exponentially growing cap."""
    cap = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** (attempt - 1))
    time.sleep(random.uniform(0, cap))  # noqa: S311 - jitter, not security
