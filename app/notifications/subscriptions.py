"""Unsubscribe by link: every mail the catalog sends on its own (low stock, back in stock)
ends with a link that stops that kind of mail for its reader, without logging in.

The link (`/app/unsubscribe#topic=...&user=...&token=...`) carries the user's id and their
mail token, a random value made with their first
such mail and kept on their profile (the stream's consumer that sends these mails holds no
signing key, so the link is not a signed token). Opening it shows a button; the button's
POST (`/notifications/unsubscribe`) takes the kind of mail off. A link only ever
unsubscribes, so a leaked one can do no more than that.
"""

from __future__ import annotations

import logging
import secrets
from typing import Literal

from app.auth import repository as users
from app.auth.schemas import UserRecord
from app.core import links, mail, metrics
from app.core.config import Settings
from app.core.errors import AppError
from app.db.table import Table
from app.stores.schemas import StoreRecord

logger = logging.getLogger(__name__)

Topic = Literal["low_stock", "back_in_stock"]
TOPICS: tuple[Topic, ...] = ("low_stock", "back_in_stock")


class InvalidUnsubscribeLinkError(AppError):
    status, code, title = 400, "invalid_token", "Invalid link"

    def __init__(self) -> None:
        super().__init__("This unsubscribe link is not valid (was the account removed?).")


def wants(user: UserRecord, topic: Topic) -> bool:
    return topic not in user.mail_opt_outs


def unsubscribe_link(
    table: Table, user: UserRecord, topic: Topic, store: StoreRecord, settings: Settings
) -> str | None:
    """Where `user` stops getting `topic` mail (None: no public URL to link to)."""
    token = users.mail_token(table, user=user, new_token=secrets.token_urlsafe(24))
    page = links.app_url(
        "unsubscribe",
        store=store.slug,
        domains=store.domains,
        public_app_url=settings.app_url,
        default_store=settings.store_id,
    )
    # in the fragment, like a reset link's token: it reaches no server log, no Referer
    return f"{page}#topic={topic}&user={user.id}&token={token}" if page else None


def footer(link: str | None, what: str) -> str:
    if not link:
        return ""
    return f"\n--\nNo more {what}? Unsubscribe: {link}\n"


def send(
    table: Table,
    person: UserRecord,
    topic: Topic,
    *,
    store: StoreRecord,
    settings: Settings,
    subject: str,
    text: str,
) -> bool:
    """Mail `person` (with the unsubscribe link at the end); False if it failed (logged,
    counted as a failed mail: an alarm watches the count)."""
    try:
        link = unsubscribe_link(table, person, topic, store, settings)
        what = {"low_stock": "low-stock mail", "back_in_stock": "back-in-stock mail"}[topic]
        mail.send(
            to=person.email, subject=subject, text=text + footer(link, what), settings=settings
        )
    except Exception:
        logger.exception("%s mail failed", topic)
        metrics.count(metrics.MAIL_FAILURES)
        return False
    return True


def unsubscribe(table: Table, *, topic: Topic, user_id: str, token: str) -> None:
    if not users.set_mail_opt_out(table, user_id=user_id, topic=topic, opted_out=True, token=token):
        raise InvalidUnsubscribeLinkError()


def resubscribe(table: Table, user: UserRecord, topic: Topic) -> None:
    """Asking for a mail again (e.g. another back-in-stock request) undoes an opt-out."""
    if not wants(user, topic):
        users.set_mail_opt_out(table, user_id=user.id, topic=topic, opted_out=False)
