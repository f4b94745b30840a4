"""What a new deployment needs before anyone uses it -- run by `make deploy` inside the
function (app/operations.py) and by `make run` (`python -m app.cli bootstrap`). Idempotent.

- The smoke-test store, `smoke`, with one product in plenty: `make smoke` places and cancels
  a real order there on a brand-new stack, with nobody's password and without touching a
  real store (its shopper removes its own account afterwards).
- With an e-mail, the first admin of the default store: made with a random password nobody
  knows (or an existing account promoted) and invited by the password-reset mail to choose
  one. Never a password in a parameter, a log or an answer.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from decimal import Decimal

from app.auth import passwords
from app.auth import repository as users
from app.auth import service as accounts
from app.auth.repository import EmailTakenError
from app.core.config import Settings
from app.core.errors import ConflictError
from app.core.roles import Role
from app.core.timeutil import now_iso
from app.db.table import Table
from app.products import repository as products
from app.products import service as catalog
from app.products.schemas import ProductCreate
from app.stores import service as store_service
from app.stores.repository import StoreExistsError
from app.stores.schemas import StoreCreate

logger = logging.getLogger(__name__)

SMOKE_STORE = "smoke"
SMOKE_SKU = "SMOKE-1"
SMOKE_STOCK = 1_000_000
SMOKE_PRODUCT_ID = str(uuid.uuid5(uuid.UUID("8e3b1d7c-52a4-4c55-9e0f-7b7c1f0d2a11"), SMOKE_SKU))
ACTOR = "bootstrap"


def ensure_smoke_store(table: Table) -> str:
    """The `smoke` store and its one product (`table`: the platform's, unbound)."""
    try:
        store = store_service.create(table, StoreCreate(slug=SMOKE_STORE, name="Smoke test"))
        made = "created"
    except StoreExistsError:
        store = store_service.get(table, SMOKE_STORE)
        made = "present"
    shop = table.for_store(SMOKE_STORE)
    if products.get_definition(shop, product_id=SMOKE_PRODUCT_ID) is None:
        item = ProductCreate(
            name="Smoke test item",
            description="Bought and given back by `make smoke` after every deployment.",
            price=Decimal("0.01"),
            currency="EUR",
            category="Smoke",
            sku=SMOKE_SKU,
            stock=SMOKE_STOCK,
        )
        try:
            catalog.create(shop, item, actor_id=ACTOR, store=store, product_id=SMOKE_PRODUCT_ID)
            made += ", its product created"
        except ConflictError:  # another bootstrap made it meanwhile
            pass
    return f"smoke-test store {SMOKE_STORE!r}: {made}"


def ensure_admin(table: Table, *, email: str, settings: Settings) -> str:
    """The default store's admin with this e-mail: made and invited, promoted and invited,
    or found (then nothing is sent: 'Forgot your password?' sends a new link)."""
    store_table = table.for_store(settings.store_id)
    user = users.get_by_email(store_table, email=email)
    if user is not None and user.role in (Role.ADMIN, Role.PLATFORM_ADMIN):
        return f"{email} is already {user.role} of the default store: no mail sent"
    if user is None:
        user = accounts.new_user(
            email=email,
            password=secrets.token_urlsafe(32),  # nobody knows it: the invitation sets one
            name="Administrator",
            role=Role.ADMIN,
            settings=settings,
        )
        try:
            users.put_new(store_table, user=user)
            done = "created"
        except EmailTakenError:  # another bootstrap got there first
            return ensure_admin(table, email=email, settings=settings)
    else:
        user = users.change_role(store_table, user=user, role=Role.ADMIN, now=now_iso())
        done = "promoted to admin"
    store = store_service.get(table, settings.store_id)
    sent = passwords.invite(store_table, user=user, store=store)
    invitation = "invitation mailed" if sent else "the invitation mail FAILED (see the log)"
    return f"{email}: {done}; {invitation}"


def run(table: Table, *, admin_email: str | None, settings: Settings) -> list[str]:
    """Everything above; a line of report for each."""
    report = [ensure_smoke_store(table)]
    if admin_email:
        report.append(ensure_admin(table, email=admin_email, settings=settings))
    for line in report:
        logger.info("bootstrap: %s", line)
    return report
