"""Changing a password, and resetting a forgotten one by e-mail.

- Change (`POST /auth/password`): the current password is checked (counted like a log-in
  attempt, so a stolen access token cannot be used to guess it), then the new hash is
  written together with `sessions_not_before`: every other session ends at once.
- Reset: `POST /auth/password-reset` always answers 202, whether or not the e-mail has an
  account. For an account, a random token (256 bits) goes out by e-mail, in a link to the
  web app; only its SHA-256 is stored, for 30 minutes, and at most 3 such mails leave per
  account and hour. `POST /auth/password-reset/confirm` spends the token and sets the
  password in one transaction (a token works once, even when two confirmations race); every
  session of the account ends, and its log-in throttle is cleared.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from app.auth import repository, throttle
from app.auth.schemas import Principal
from app.core import mail, metrics, security
from app.core.config import Settings
from app.core.errors import AppError, InvalidInputError, UnauthorizedError
from app.core.timeutil import now_epoch, now_iso
from app.db import transactions as tx
from app.db.expressions import Update
from app.db.table import Table
from app.db.transactions import TransactionCancelled

logger = logging.getLogger(__name__)


class WrongPasswordError(UnauthorizedError):
    code, title = "wrong_password", "Wrong password"


class InvalidResetTokenError(AppError):
    status, code, title = 400, "invalid_token", "Invalid or expired link"


class SamePasswordError(InvalidInputError):
    code, title = "same_password", "New password equals the current one"


INVALID_LINK = "This link is expired, used or unknown: ask for a new one."


def _not_the_email(password: str, email: str, *, field: str) -> None:
    """The rule sign-up applies (SignupRequest), for a password set later."""
    if password.strip().casefold() == email.casefold():
        message = "must not be the e-mail address"
        error = {"field": field, "location": "body", "message": message, "type": "value_error"}
        raise InvalidInputError(f"{field}: {message}", errors=[error])


def change(
    table: Table,
    principal: Principal,
    *,
    current_password: str,
    new_password: str,
    client: str,
    settings: Settings,
) -> None:
    user = principal.user
    attempt = throttle.reserve_attempt(
        table, email=user.email, client=client, now=now_epoch(), settings=settings
    )
    if not security.verify_password(user.password_hash, current_password, settings):
        raise WrongPasswordError("The current password is not right.")
    if current_password == new_password:
        raise SamePasswordError("Choose a password other than the current one.")
    _not_the_email(new_password, user.email, field="new_password")
    repository.set_password(
        table,
        user=user,
        password_hash=security.hash_password(new_password, settings),
        keep_session=principal.session_id,
        now=now_iso(),
    )
    throttle.clear(table, attempt)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(table: Table, *, email: str, settings: Settings) -> None:
    user = repository.get_by_email(table, email=email)
    if user is None:
        return
    now = now_epoch()
    taken = throttle.take_from_budget(
        table,
        table.keys.reset_mail_budget(user.id),
        now=now,
        window=3600,
        budget=settings.password_reset_mails_per_hour,
    )
    if not taken.count:
        logger.info("password reset mail budget spent", extra={"fields": {"user_id": user.id}})
        return
    token = secrets.token_urlsafe(32)
    expires_at = now + settings.password_reset_ttl_seconds
    record = {
        **table.keys.password_reset(_token_hash(token)),
        "user_id": user.id,
        "created_at": now_iso(),
        "expires_at": expires_at,
    }
    tx.write(table.client, [tx.put(table.name, record)])
    link = f"{settings.public_app_url.rstrip('/')}/app/reset-password#token={token}"
    try:
        _send_reset_mail(user.email, user.name, link, settings)
    except Exception:
        # the answer stays 202 as for any e-mail: a failure here must not tell that this one
        # has an account. It is logged, and counted for the alarm.
        logger.exception("password reset mail failed", extra={"fields": {"user_id": user.id}})
        metrics.count(metrics.RESET_MAIL_FAILURES)


def _send_reset_mail(to: str, name: str, link: str, settings: Settings) -> None:
    minutes = settings.password_reset_ttl_seconds // 60
    mail.send(
        to=to,
        subject="Reset your password",
        text=(
            f"Hello {name},\n\nsomebody (hopefully you) asked to reset the password of "
            f"your account. Choose a new one here within {minutes} minutes:\n\n{link}\n\n"
            "If it was not you, ignore this message: your password stays as it is.\n"
        ),
        settings=settings,
    )


def confirm_reset(table: Table, *, token: str, password: str, settings: Settings) -> None:
    key = table.keys.password_reset(_token_hash(token))
    item = table.get(key)
    now = now_epoch()
    user = repository.get(table, user_id=str(item["user_id"])) if item else None
    if not item or user is None or int(item["expires_at"]) <= now or "used_at" in item:
        raise InvalidResetTokenError(INVALID_LINK)
    _not_the_email(password, user.email, field="password")
    stamp = now_iso()
    spend_token = Update().set({"used_at": stamp})
    spend_token.condition("attribute_exists(PK) AND attribute_not_exists(used_at)")
    spend_token.condition("{expires_at} > {now}", now=now)
    new_password = repository.password_update_action(
        table,
        user=user,
        password_hash=security.hash_password(password, settings),
        keep_session=None,
        now=stamp,
    )
    try:
        tx.write(table.client, [tx.update(table.name, key, spend_token), new_password])
    except TransactionCancelled as cancelled:
        if cancelled.any_condition_failed:
            raise InvalidResetTokenError(INVALID_LINK) from cancelled
        raise
    throttle.clear_all(table, email=user.email)
