"""Low stock: once per crossing below the store's threshold, a `StockLow` event and one
mail to the store's stock managers and admins.

The stream's consumer watches the batch's `StockChanged` events. When a decrease takes a
product's total (all its buckets) from above its store's `low_stock_threshold` to at or
below it, it writes the product's low-stock mark -- only if there is none (a conditional
put): that write, read back off the stream, is the `StockLow` event, so a crossing makes
exactly one, however many purchases, replays or consumers saw it. When an increase takes
the total above the threshold again, the mark is removed and the next crossing makes a new
one. The mail goes on the `StockLow` event, after the mark records
that it went (`mailed_at`, conditional): never twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.auth import repository as users
from app.core import links
from app.core.config import Settings
from app.core.timeutil import now_iso
from app.db import transactions as tx
from app.db.expressions import Update
from app.db.table import Table
from app.db.transactions import TransactionCancelled
from app.events.catalog import SYSTEM, CatalogEvent
from app.notifications import subscriptions
from app.products import service as products
from app.stock.reading import read_products
from app.stores.schemas import StoreRecord

logger = logging.getLogger(__name__)


SEQUENCE_WIDTH = 48  # stream sequence numbers (up to 40 digits), zero-padded to compare


@dataclass
class _Change:
    """One write of a product's stock: one bucket (a purchase), or several at one time
    (spreading or a count: one transaction, whose records come one by one)."""

    sequence: str
    afters: dict[int, int]  # bucket -> its level after
    actor_id: str
    at: str


@dataclass
class _History:
    starts: dict[int, int] = field(default_factory=dict)  # bucket -> level before the batch
    changes: list[_Change] = field(default_factory=list)


def _histories(events: Sequence[CatalogEvent]) -> dict[tuple[str, str], _History]:
    """Each product's stock changes in the batch, in stream order."""
    found: dict[tuple[str, str], _History] = {}
    for event in events:
        if event.detail_type != "StockChanged":
            continue
        key = (str(event.detail["store"]), str(event.detail["product_id"]))
        history = found.setdefault(key, _History())
        bucket = int(event.detail.get("bucket", 0))
        history.starts.setdefault(bucket, int((event.detail.get("before") or {}).get("stock", 0)))
        after = int(event.detail["after"]["stock"])
        at = str(event.detail.get("at") or now_iso())
        if history.changes and history.changes[-1].at == at:
            history.changes[-1].afters[bucket] = after  # the same write's other bucket
            continue
        history.changes.append(
            _Change(
                sequence=event.sequence.zfill(SEQUENCE_WIDTH),
                afters={bucket: after},
                actor_id=(event.detail.get("actor") or {}).get("id") or SYSTEM,
                at=at,
            )
        )
    return found


def track(
    table_for_store: Callable[[str], Table],
    events: Sequence[CatalogEvent],
    store_of: Callable[[str], StoreRecord | None],
) -> int:
    """Mark the products the batch took down through their store's threshold, unmark those
    it took back above; how many marks were written.

    A product's total at each change is its buckets' levels at that moment: the changed
    buckets' from their records, exactly, and any other bucket's as read now (one
    BatchGetItem per store and 25 products) -- exact for a product with one bucket, and
    for a spread product off only by what its other buckets sold meanwhile. Replays are
    harmless: a mark names the change that made it, and only a later rise removes it."""
    histories = _histories(events)
    marked = 0
    for store_slug in {store for store, _ in histories}:
        store = store_of(store_slug)
        if store is None:
            continue
        table = table_for_store(store_slug)
        threshold = store.settings.low_stock_threshold
        product_ids = [pid for slug, pid in histories if slug == store_slug]
        for start in range(0, len(product_ids), 25):
            chunk = product_ids[start : start + 25]
            read = read_products(table, chunk)
            for product_id in chunk:
                stock = read.stock.get(product_id)
                if stock is None:
                    continue  # removed since
                levels = {bucket.number: bucket.stock for bucket in stock.buckets}
                history = histories[(store_slug, product_id)]
                marked += _cross(table, product_id, history, levels, threshold)
    return marked


def _cross(
    table: Table, product_id: str, history: _History, levels: dict[int, int], threshold: int
) -> int:
    state = {**levels, **history.starts}
    marked = 0
    for change in history.changes:
        before = sum(state.values())
        state.update(change.afters)
        after = sum(state.values())
        if before > threshold >= after:
            marked += _mark(table, product_id, after, threshold, change)
        elif before <= threshold < after:
            _unmark(table, product_id, change)
    return marked


def _mark(table: Table, product_id: str, total: int, threshold: int, change: _Change) -> int:
    item = {
        **table.keys.stock_low(product_id),
        "product_id": product_id,
        "stock": total,
        "threshold": threshold,
        "changed_by": change.actor_id,
        "at": change.at,
        "sequence": change.sequence,
    }
    try:
        tx.write(table.client, [tx.put(table.name, item)])
    except TransactionCancelled:
        return 0  # marked already: this is the same low period
    return 1


def _unmark(table: Table, product_id: str, rise: _Change) -> None:
    """Remove the mark -- if it came before this rise (a replayed rise leaves a later one)."""
    key = table.keys.stock_low(product_id)
    earlier = Update().condition(
        "attribute_exists({PK}) AND {sequence} < {rise}", rise=rise.sequence
    )
    try:
        tx.write(table.client, [tx.delete(table.name, key, earlier)])
    except TransactionCancelled:
        return


def mail_staff(table: Table, event: CatalogEvent, store: StoreRecord, settings: Settings) -> int:
    """The crossing's mail to every stock manager and admin who did not opt out; how many
    were sent. The mark records the mail before it goes (a replay finds it sent)."""
    product_id = str(event.detail["product_id"])
    claim = Update().set({"mailed_at": now_iso()})
    claim.condition("attribute_exists({PK}) AND attribute_not_exists({mailed_at})")
    try:
        tx.write(table.client, [tx.update(table.name, table.keys.stock_low(product_id), claim)])
    except TransactionCancelled:
        return 0  # mailed already, or risen above since
    try:
        product, _ = products.get(table, product_id)
    except products.ProductNotFoundError:
        return 0
    after = event.detail.get("after") or {}
    page = links.app_url(
        f"inventory/{product_id}",
        store=store.slug,
        domains=store.domains,
        public_app_url=settings.app_url,
        default_store=settings.store_id,
    )
    sent = 0
    for person in users.staff(table):
        if not subscriptions.wants(person, "low_stock"):
            continue
        sent += subscriptions.send(
            table,
            person,
            "low_stock",
            store=store,
            settings=settings,
            subject=f"Low stock: {product.name} ({after.get('stock')} left)",
            text=f"Hello {person.name},\n\n{product.name} is down to {after.get('stock')} "
            f"at {store.name}, at or below the store's low-stock threshold of "
            f"{after.get('threshold')}."
            + (f"\n\nIts stock and ledger: {page}\n" if page else "\n")
            + "\nYou get this once each time it falls this low.\n",
        )
    return sent
