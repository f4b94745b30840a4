"""Log-in throttling that holds under parallel attempts and cannot lock an owner out.

Policy (OWASP Authentication Cheat Sheet: limit guessing per account, without letting an
attacker deny the owner; prefer a growing delay to a hard lock), kept in DynamoDB so every
Lambda copy sees it, keyed by the e-mail as typed (an unknown e-mail is throttled just like
a known one, so answers reveal nothing):

- Per account and client address (an IPv6 client counts by its /64): at most
  `login_max_failures` (5) attempts per window of `login_failure_window_seconds` (15 min).
  The attempt is *counted before the password is checked*, by a conditional increment that
  fails once the budget is spent: however many attempts arrive at once, at most 5 passwords
  are ever verified per window. A successful log-in clears the count.
- Per account, from all addresses together: up to `login_account_ceiling` (20) attempts
  per window freely; past that, one attempt at a time with a delay that doubles with each
  attempt, up to `login_max_delay_seconds` (60). Many addresses guessing at once slow the
  account down, but never shut it: its owner, from their own address, waits seconds.
- An admin can clear an account's counts (DELETE /admin/users/{id}/login-throttle).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from app.core.config import Settings
from app.core.errors import TooManyRequestsError
from app.db import transactions as tx
from app.db.expressions import Update
from app.db.keys import Key
from app.db.table import Table

THROTTLED = "Too many log-in attempts. Try again later."


def client_key(host: str | None) -> str:
    """How a client address is counted: IPv4 as is, IPv6 by its /64 (one subscriber)."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _counted(table: Table, key: Key, change: Update) -> int | None:
    """One conditional update of a counter: its new count, or None when its condition
    did not hold."""
    try:
        new = tx.write(table.client, [tx.update(table.name, key, change)], returns="UPDATED_NEW")
    except tx.TransactionCancelled:
        return None
    return int(new["attempts"]) if new else None


def _open_window(table: Table, key: Key, *, now: int, window: int) -> int | None:
    """Start a new window with this attempt, unless one is open (another attempt won)."""
    change = Update().set({"attempts": 1, "window_ends": now + window, "expires_at": now + window})
    change.remove("next_at")
    change.condition("attribute_not_exists(PK) OR {window_ends} <= {now}", now=now)
    return _counted(table, key, change)


def _count(table: Table, key: Key, *, now: int, below: int) -> int | None:
    change = Update().add("attempts", 1)
    change.condition("{window_ends} > {now} AND {attempts} < {below}", now=now, below=below)
    return _counted(table, key, change)


@dataclass(frozen=True)
class Taken:
    """One use of a budget: the count it made (0: refused), or how long until it renews."""

    count: int
    retry_after: int = 0


def take_from_budget(table: Table, key: Key, *, now: int, window: int, budget: int) -> Taken:
    """Count one use of a budget of `budget` uses per `window` seconds, atomically."""
    for _ in range(3):  # an open window that closes, or a new one opened meanwhile
        count = _count(table, key, now=now, below=budget) or _open_window(
            table, key, now=now, window=window
        )
        if count:
            return Taken(count)
        item = table.get(key)
        if item and int(item["window_ends"]) > now and int(item["attempts"]) >= budget:
            return Taken(0, int(item["window_ends"]) - now)
    return Taken(0, 1)


def _reserve_client_attempt(table: Table, key: Key, *, now: int, settings: Settings) -> int:
    taken = take_from_budget(
        table,
        key,
        now=now,
        window=settings.login_failure_window_seconds,
        budget=settings.login_max_failures,
    )
    if not taken.count:
        raise TooManyRequestsError(THROTTLED, retry_after=taken.retry_after)
    return taken.count


def _delay(settings: Settings, attempts_past_ceiling: int) -> int:
    return int(min(2 ** min(attempts_past_ceiling, 16), settings.login_max_delay_seconds))


def _reserve_account_attempt(table: Table, key: Key, *, now: int, settings: Settings) -> int:
    window, ceiling = settings.login_failure_window_seconds, settings.login_account_ceiling
    for _ in range(3):
        count = _count(table, key, now=now, below=ceiling) or _open_window(
            table, key, now=now, window=window
        )
        if count:
            return count
        item = table.get(key)
        if not item or int(item["window_ends"]) <= now:
            continue
        attempts = int(item["attempts"])
        next_at = int(item.get("next_at", 0))
        if next_at > now:
            raise TooManyRequestsError(THROTTLED, retry_after=next_at - now)
        change = Update().set({"next_at": now + _delay(settings, attempts + 1 - ceiling)})
        change.add("attempts", 1)
        change.condition("{window_ends} > {now} AND {attempts} = {seen}", now=now, seen=attempts)
        count = _counted(table, key, change)
        if count:
            return count
    raise TooManyRequestsError(THROTTLED, retry_after=1)


@dataclass(frozen=True)
class Attempt:
    """A counted log-in attempt: the counts it left, per client and for the account."""

    email: str
    client: str
    client_count: int
    account_count: int


def reserve_attempt(
    table: Table, *, email: str, client: str, now: int, settings: Settings
) -> Attempt:
    """Count this attempt before the password is checked; 429 when its budget is spent."""
    client_count = _reserve_client_attempt(
        table, table.keys.login_client(email, client), now=now, settings=settings
    )
    account_count = _reserve_account_attempt(
        table, table.keys.login_account(email), now=now, settings=settings
    )
    return Attempt(email, client, client_count, account_count)


def _delete_if_unchanged(table: Table, key: Key, count: int) -> None:
    unchanged = Update().condition("{attempts} = {seen}", seen=count)
    try:
        tx.write(table.client, [tx.delete(table.name, key, unchanged)])
    except tx.TransactionCancelled:
        return


def clear(table: Table, attempt: Attempt) -> None:
    """After a successful log-in, the counts start again -- unless other attempts were
    counted since this one (a burst of guesses racing it): those keep their budget spent."""
    keys = table.keys
    _delete_if_unchanged(
        table, keys.login_client(attempt.email, attempt.client), attempt.client_count
    )
    _delete_if_unchanged(table, keys.login_account(attempt.email), attempt.account_count)


def clear_all(table: Table, *, email: str) -> None:
    """Every count of the account, from every address (the admin's action)."""
    pages = table.query_pages(table.keys.login_partition(email), page_size=25)
    for items in pages:
        table.batch_delete([{"PK": item["PK"], "SK": item["SK"]} for item in items])
