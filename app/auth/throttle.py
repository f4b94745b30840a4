"""Failed log-in counting per e-mail, kept in DynamoDB so every Lambda copy sees it.

A window opens at the first failure and lasts `login_failure_window_seconds`; once it holds
`login_max_failures` failures, log-ins for that e-mail get 429 until it closes. The item
expires through TTL. It is keyed by the e-mail as typed, whether or not an account exists,
so the answer reveals nothing about accounts.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from app.core.config import Settings
from app.core.errors import TooManyRequestsError
from app.db.codec import serialize
from app.db.table import Table
from app.db.transactions import is_condition_failure


def ensure_not_throttled(table: Table, *, email: str, now: int, settings: Settings) -> bool:
    """Raise 429 while the e-mail is locked out. True when failures are on record."""
    item = table.get(table.keys.login_throttle(email))
    if not item or int(item["expires_at"]) <= now:
        return False
    if int(item["failures"]) >= settings.login_max_failures:
        raise TooManyRequestsError(
            "Too many failed log-ins. Try again later.",
            retry_after=int(item["expires_at"]) - now,
        )
    return True


def record_failure(table: Table, *, email: str, now: int, settings: Settings) -> None:
    key = serialize(table.keys.login_throttle(email))
    try:
        # open a new window when there is none, or the last one has closed
        table.client.update_item(
            TableName=table.name,
            Key=key,
            UpdateExpression="SET failures = :one, window_started_at = :now, expires_at = :exp",
            ConditionExpression="attribute_not_exists(PK) OR expires_at <= :now",
            ExpressionAttributeValues=serialize(
                {":one": 1, ":now": now, ":exp": now + settings.login_failure_window_seconds}
            ),
        )
        return
    except ClientError as error:
        if not is_condition_failure(error):
            raise
    try:
        table.client.update_item(
            TableName=table.name,
            Key=key,
            UpdateExpression="ADD failures :one",
            ConditionExpression="expires_at > :now",
            ExpressionAttributeValues=serialize({":one": 1, ":now": now}),
        )
    except ClientError as error:
        if not is_condition_failure(error):  # the window closed in between: nothing to count
            raise


def clear(table: Table, *, email: str) -> None:
    table.client.delete_item(TableName=table.name, Key=serialize(table.keys.login_throttle(email)))
