"""Changing a password, resetting a forgotten one by e-mail, inviting an account to choose
one, and closing one's own account (which asks for the password too).

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
from app.auth.schemas import Principal, UserRecord
from app.core import links, mail, metrics, security
from app.core.config import Settings, get_settings
from app.core.errors import AppError, InvalidInputError, UnauthorizedError
from app.core.roles import Role
from app.core.timeutil import now_epoch, now_iso
from app.db import transactions as tx
from app.db.expressions import Update
from app.db.table import Table
from app.db.transactions import TransactionCancelled
from app.stores.schemas import StoreRecord

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
    table: Table, principal: Principal, *, current_password: str, new_password: str, client: str
) -> None:
    settings = get_settings()
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


def close_account(table: Table, principal: Principal, *, password: str, client: str) -> None:
    """A user deletes their own account: the password again (counted like a log-in, so a
    stolen token cannot guess it), then the profile, its e-mail claim and its sessions go
    in one transaction (app/auth/repository.delete); the last admin stays (409). Orders
    stay with the store, as when an admin deletes a user."""
    settings = get_settings()
    user = principal.user
    if user.role == Role.PLATFORM_ADMIN:
        raise repository.OperatorAccountError("Operators' accounts are closed by operators.")
    attempt = throttle.reserve_attempt(
        table, email=user.email, client=client, now=now_epoch(), settings=settings
    )
    if not security.verify_password(user.password_hash, password, settings):
        raise WrongPasswordError("The password is not right.")
    repository.delete(table, user=user, actor_id=user.id, now=now_iso(), password_checked=True)
    throttle.clear(table, attempt)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_missing(user: UserRecord) -> bool:
    """No public URL to link to (PUBLIC_APP_URL unset on AWS): no mail, loudly."""
    logger.error("mail not sent: PUBLIC_APP_URL is not set", extra={"fields": {"user_id": user.id}})
    metrics.count(metrics.MAIL_FAILURES)
    return False


def _reset_link(table: Table, *, user: UserRecord, page_url: str, ttl: int) -> str:
    """A new single-use token for the user, stored as its hash; the link that carries it."""
    token = secrets.token_urlsafe(32)
    record = {
        **table.keys.password_reset(_token_hash(token)),
        "user_id": user.id,
        "credentials": user.credentials,  # a later change or reset voids it
        "created_at": now_iso(),
        "expires_at": now_epoch() + ttl,
    }
    tx.write(table.client, [tx.put(table.name, record)])
    return f"{page_url}#token={token}"


def _send(to: str, subject: str, text: str, *, user_id: str, settings: Settings) -> bool:
    """Send, or log and count the failure (alarmed: MailFailuresAlarm). Whether it went."""
    try:
        mail.send(to=to, subject=subject, text=text, settings=settings)
    except Exception:
        logger.exception("mail failed", extra={"fields": {"user_id": user_id, "subject": subject}})
        metrics.count(metrics.MAIL_FAILURES)
        return False
    return True


def reset_page(store: StoreRecord, settings: Settings) -> str | None:
    """Where the store's users reset their password (app/core/links.py)."""
    return links.app_url(
        "reset-password",
        store=store.slug,
        domains=store.domains,
        public_app_url=settings.app_url,
        default_store=settings.store_id,
    )


def request_reset(table: Table, *, email: str, store: StoreRecord) -> None:
    """Mail a link to the store's reset page if the e-mail has an account and its hourly
    budget allows. Says nothing either way."""
    settings = get_settings()
    page_url = reset_page(store, settings)
    user = repository.get_by_email(table, email=email)
    if user is None:
        return
    taken = throttle.take_from_budget(
        table,
        table.keys.reset_mail_budget(user.id),
        now=now_epoch(),
        window=3600,
        budget=settings.password_reset_mails_per_hour,
    )
    if not taken.count:
        logger.info("password reset mail budget spent", extra={"fields": {"user_id": user.id}})
        return
    if page_url is None:
        _link_missing(user)
        return
    ttl = settings.password_reset_ttl_seconds
    link = _reset_link(table, user=user, page_url=page_url, ttl=ttl)
    # a failure keeps the answer 202, as for any e-mail: it must not tell that this one has
    # an account
    _send(
        user.email,
        "Reset your password",
        f"Hello {user.name},\n\nsomebody (hopefully you) asked to reset the password of "
        f"your account. Choose a new one here within {ttl // 60} minutes:\n\n{link}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n",
        user_id=user.id,
        settings=settings,
    )


def invite(table: Table, *, user: UserRecord, store: StoreRecord) -> bool:
    """Invite an account made for someone (a first admin) to choose its password: the reset
    link, valid for `invitation_ttl_seconds`. Whether the mail went."""
    settings = get_settings()
    store_name = store.name
    page_url = reset_page(store, settings)
    if page_url is None:
        return _link_missing(user)
    ttl = settings.invitation_ttl_seconds
    link = _reset_link(table, user=user, page_url=page_url, ttl=ttl)
    return _send(
        user.email,
        f"You are an administrator of {store_name}",
        f"Hello {user.name},\n\nan account with the role {user.role} was made for you in "
        f"{store_name}. Choose its password here within {ttl // 3600} hours:\n\n{link}\n\n"
        "Later, 'Forgot your password?' on the log-in page sends a new link.\n",
        user_id=user.id,
        settings=settings,
    )


def confirm_reset(table: Table, *, token: str, password: str) -> None:
    settings = get_settings()
    key = table.keys.password_reset(_token_hash(token))
    item = table.get(key)
    now = now_epoch()
    user = repository.get(table, user_id=str(item["user_id"])) if item else None
    if (
        not item
        or user is None
        or int(item["expires_at"]) <= now
        or "used_at" in item
        or int(item.get("credentials", 0)) != user.credentials
    ):
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
