"""Stock levels for admins and stock managers: read, set, adjust, spread over buckets,
history, low stock."""

from __future__ import annotations

from collections.abc import Callable

from app.auth import repository as users
from app.auth.schemas import UserRecord
from app.core import etags
from app.core.config import get_settings
from app.core.errors import ConflictError, InvalidInputError, PreconditionFailedError
from app.core.etags import IfMatch
from app.db.codec import RawItem
from app.db.pagination import paginate
from app.db.table import Table
from app.inventory.schemas import StockLevel
from app.products import service as products
from app.products.schemas import ProductRecord, ProductWithStock
from app.products.service import ProductNotFoundError
from app.products.variants import HasVariantsError
from app.stock import changes, ledger, limits, reading
from app.stock.model import LedgerEntry, ProductStock
from app.stores.schemas import StoreRecord


class NegativeStockError(ConflictError):
    code, title = "negative_stock", "Stock cannot go below zero"


class FewerBucketsError(InvalidInputError):
    code, title = "fewer_buckets", "Buckets cannot be taken away"


Level = ProductWithStock


def level(product: ProductRecord, stock: ProductStock) -> StockLevel:
    """A product's level, or a variant's (its product's id, and its own)."""
    return StockLevel(
        product_id=product.parent_id or product.id,
        variant_id=product.id if product.parent_id else None,
        name=product.name,
        sku=product.sku,
        stock=stock.total,
        stock_version=stock.version,
        stock_updated_at=stock.updated_at,
        buckets=len(stock.buckets),
    )


def etag(stock: ProductStock) -> str:
    return etags.strong(stock.version)


def subject(table: Table, product_id: str, variant_id: str | None = None) -> Level:
    """Whose stock a request is about: the product's own (a product without options) or
    one of its variants' (`/inventory/{product_id}/variants/{variant_id}`)."""
    if variant_id is not None:
        return products.get_variant(table, product_id, variant_id)
    product, stock = products.get(table, product_id)
    if product.variants:
        raise HasVariantsError(
            f"{product.name} has variants: their stock is at"
            f" /inventory/{product_id}/variants/{{variant_id}}."
        )
    return product, stock


def get_level(table: Table, product_id: str, variant_id: str | None = None) -> Level:
    return subject(table, product_id, variant_id)


def get_levels(table: Table, product_ids: list[str]) -> list[Level]:
    """Several products' levels (a page of the admins' product list), in the order asked,
    without those that do not exist: one read of the definitions, one of the stock."""
    return products.get_many(table, product_ids)


def _commit(
    table: Table,
    product_id: str,
    variant_id: str | None,
    plan_for: Callable[[str], changes.PlanMaker],
    actor_id: str,
) -> Level:
    """Apply the plan `plan_for(subject id)` makes to the subject's stock; its level after."""
    product, stock = subject(table, product_id, variant_id)
    outcome = changes.apply(
        table, snapshot={product.id: stock}, make_plan=plan_for(product.id), actor_id=actor_id
    )
    changed = isinstance(outcome, changes.Committed) and (outcome.entries or outcome.crossings)
    return subject(table, product_id, variant_id) if changed else (product, stock)


def set_stock(
    table: Table,
    product_id: str,
    *,
    target: int,
    reason: str,
    if_match: IfMatch | None,
    actor_id: str,
    variant_id: str | None = None,
) -> Level:
    """Set an absolute level (a stock count); the ledger records the difference. With
    If-Match, the level must still be the one the caller saw."""

    def plan_for(subject_id: str) -> changes.PlanMaker:
        def plan(snapshot: changes.Snapshot) -> changes.Plan:
            stock = _current(snapshot, subject_id)
            if if_match is not None and not if_match.allows(stock.version):
                raise PreconditionFailedError(
                    f"The stock is at version {stock.version}; reload and try again."
                )
            return changes.Plan(changes=[changes.Change(subject_id, "set", target, reason)])

        return plan

    return _commit(table, product_id, variant_id, plan_for, actor_id)


def adjust_stock(
    table: Table,
    product_id: str,
    *,
    delta: int,
    reason: str,
    actor_id: str,
    variant_id: str | None = None,
) -> Level:
    """Add to or take from the stock (a delivery, breakage...). Never below zero, never
    above the cap."""

    def plan_for(subject_id: str) -> changes.PlanMaker:
        def plan(snapshot: changes.Snapshot) -> changes.Plan:
            total = _current(snapshot, subject_id).total
            if total + delta < 0:
                raise NegativeStockError(
                    f"Only {total} in stock: an adjustment of {delta} would go below zero.",
                    available=total,
                )
            limits.check_addition(total, delta, what="an adjustment")
            return changes.Plan(changes=[changes.Change(subject_id, "adjustment", delta, reason)])

        return plan

    return _commit(table, product_id, variant_id, plan_for, actor_id)


def spread_stock(
    table: Table,
    product_id: str,
    *,
    buckets: int,
    reason: str,
    actor_id: str,
    variant_id: str | None = None,
) -> Level:
    """Spread the stock over more buckets, for a product that sells too fast for one."""

    def plan_for(subject_id: str) -> changes.PlanMaker:
        def plan(snapshot: changes.Snapshot) -> changes.Plan:
            stock = _current(snapshot, subject_id)
            if buckets < len(stock.buckets):
                raise FewerBucketsError(
                    f"The stock is spread over {len(stock.buckets)} buckets; it can only grow."
                )
            change = changes.Change(subject_id, "set", stock.total, reason, buckets=buckets)
            return changes.Plan(changes=[change])

        return plan

    return _commit(table, product_id, variant_id, plan_for, actor_id)


def _current(snapshot: changes.Snapshot, product_id: str) -> ProductStock:
    if product_id not in snapshot:
        raise ProductNotFoundError(product_id)
    return snapshot[product_id]


def movements(
    table: Table,
    product_id: str,
    *,
    limit: int,
    cursor: str | None,
    variant_id: str | None = None,
) -> tuple[list[tuple[LedgerEntry, UserRecord | None]], str | None]:
    """The ledger, newest first, across the product's buckets (a variant's: its own);
    each entry with the person who made it (None for the system, or someone since
    deleted): one more read a page."""
    if variant_id is not None and variant_id != product_id:
        product_id = subject(table, product_id, variant_id)[0].id

    def fetch(*, start_key: RawItem | None) -> tuple[list[LedgerEntry], RawItem | None]:
        page = ledger.movements_page(table, product_id=product_id, limit=limit, start_key=start_key)
        if page is None:
            raise ProductNotFoundError(product_id)
        return page

    entries, next_cursor = paginate(
        cursor, scope=table.keys.movements_scope(product_id), fetch=fetch
    )
    people = users.get_many(table, user_ids=[entry.actor_id for entry in entries])
    return [(entry, people.get(entry.actor_id)) for entry in entries], next_cursor


def low_stock(
    table: Table, *, store: StoreRecord, threshold: int | None, limit: int, cursor: str | None
) -> tuple[list[Level], str | None]:
    """Products with stock <= threshold (by default the store's own low-stock threshold),
    lowest first: the low-stock index's page
    (app/stock/reading.py), then the page's products in one BatchGetItem.

    A product with several buckets is listed by its bucket 0 (its total can be at most the
    threshold only if that bucket is), with its exact total -- and left out when that is
    above the threshold. Such products sort by bucket 0, an estimate of their place."""
    if threshold is None:
        threshold = store.settings.low_stock_threshold
    check_threshold(threshold)
    below = threshold

    def fetch(*, start_key: RawItem | None) -> tuple[list[Level], RawItem | None]:
        ids, next_key = reading.low_stock_page(
            table, threshold=below, limit=limit, start_key=start_key
        )
        found = products.get_many(table, ids)
        return [level for level in found if level[1].total <= below], next_key

    return paginate(cursor, scope=table.keys.low_stock_scope(below), fetch=fetch)


class ThresholdTooHighError(InvalidInputError):
    code, title = "threshold_too_high", "Threshold above the low-stock ceiling"


def check_threshold(threshold: int) -> None:
    """The low-stock index holds low levels only (app/db/keys.py, BY_STOCK)."""
    ceiling = get_settings().low_stock_ceiling
    if threshold > ceiling:
        message = f"must be at most {ceiling} (LOW_STOCK_CEILING)"
        raise ThresholdTooHighError(
            f"threshold: {message}",
            errors=[
                {
                    "field": "threshold",
                    "location": "query",
                    "message": message,
                    "type": "less_than_equal",
                }
            ],
        )
