""" "Tell me when it's back": a shopper's request, kept in the product's partition until
the product is back (or 90 days), and one mail when it is -- sent by the change stream's
consumer on `StockBackIn`, never from the request path."""

from __future__ import annotations

import logging

from app.auth import repository as users
from app.auth.schemas import UserRecord
from app.core import links
from app.core.config import Settings
from app.core.errors import ConflictError
from app.core.timeutil import now_epoch, now_iso
from app.db import transactions as tx
from app.db.codec import serialize
from app.db.expressions import Update
from app.db.keys import NOTIFY_PREFIX
from app.db.table import Sort, Table
from app.db.transactions import TransactionCancelled
from app.notifications import subscriptions
from app.products import service as products
from app.stores.schemas import StoreRecord

logger = logging.getLogger(__name__)

REQUEST_DAYS = 90


class InStockError(ConflictError):
    code, title = "in_stock", "The product is in stock"

    def __init__(self) -> None:
        super().__init__("It is in stock now: order it instead.")


def ask(table: Table, product_id: str, user: UserRecord) -> None:
    """Record the request (again is harmless); 404 for an unknown product, 409 while it
    is in stock.

    Written only while the product is still sold out (`in_stock` false): a delivery landing
    between the read and the write has had its StockBackIn handled, or will, before a request
    written after it is seen; that request would wait for the next time the product comes
    back. With the condition, it is written before the flip (and mailed) or refused."""
    product, stock = products.get_shown(table, product_id, staff=False)
    if stock.total > 0:
        raise InStockError()
    item = {
        **table.keys.back_in_stock_request(product.id, user.id),
        "user_id": user.id,
        "email": user.email,
        "name": user.name,
        "asked_at": now_iso(),
        "expires_at": now_epoch() + REQUEST_DAYS * 86_400,
    }
    sold_out = Update().condition("{in_stock} = {no}", no=False)
    try:
        tx.write(
            table.client,
            [
                tx.check(
                    table.name, table.keys.product(product.id), sold_out, old_on_failure=False
                ),
                tx.put(table.name, item, new=False),
            ],
        )
    except TransactionCancelled as cancelled:
        if not cancelled.condition_failed(0):
            raise
        products.get_shown(table, product_id, staff=False)  # 404 if it went meanwhile
        raise InStockError() from cancelled
    subscriptions.resubscribe(table, user, "back_in_stock")  # asking again undoes an opt-out


def withdraw(table: Table, product_id: str, user: UserRecord) -> None:
    """Take the request back (none: nothing to do); 404 for an unknown product."""
    products.get(table, product_id)
    table.client.delete_item(
        TableName=table.name,
        Key=serialize(table.keys.back_in_stock_request(product_id, user.id)),
    )


def fulfil(table: Table, product_id: str, store: StoreRecord, settings: Settings) -> int:
    """Mail everyone who asked about the product, once each: a request is removed before
    its mail goes (a replayed event finds it gone). The number of mails sent."""
    try:
        product, _ = products.get(table, product_id)
    except products.ProductNotFoundError:
        return 0  # removed since: nothing to tell
    page = links.app_url(
        f"products/{product_id}",
        store=store.slug,
        domains=store.domains,
        public_app_url=settings.app_url,
        default_store=settings.store_id,
    )
    sent = 0
    for requests in table.query_pages(
        table.keys.product_partition(product_id), sort=Sort.begins_with(NOTIFY_PREFIX)
    ):
        people = users.get_many(table, user_ids=[request["user_id"] for request in requests])
        for request in requests:
            key = {"PK": request["PK"], "SK": request["SK"]}
            person = people.get(request["user_id"])
            try:
                tx.write(
                    table.client,
                    [tx.delete(table.name, key, Update().condition("attribute_exists(PK)"))],
                )
            except TransactionCancelled:
                continue  # another consumer took it
            if person is None or not subscriptions.wants(person, "back_in_stock"):
                continue  # removed since, or asked for no such mail
            sent += subscriptions.send(
                table,
                person,
                "back_in_stock",
                store=store,
                settings=settings,
                subject=f"{product.name} is back",
                text=f"Hello {person.name},\n\n{product.name} is back in stock at {store.name}"
                + (f":\n\n{page}\n" if page else ".\n")
                + "\nYou asked us to tell you once; this was it.\n",
            )
    return sent
