"""Stock levels for admins and stock managers: read, set, adjust, history, low stock."""

from __future__ import annotations

from app.core import etags
from app.core.errors import ConflictError, PreconditionFailedError
from app.db.codec import RawItem
from app.db.pagination import paginate
from app.db.table import Table
from app.inventory import repository, stock
from app.inventory.ledger import LedgerEntry
from app.inventory.schemas import MAX_STOCK, StockLevel
from app.products.schemas import ProductRecord
from app.products.service import ProductNotFoundError


class NegativeStockError(ConflictError):
    code, title = "negative_stock", "Stock cannot go below zero"


class StockLimitError(ConflictError):
    code, title = "stock_limit", "Stock cannot exceed its limit"


def level(product: ProductRecord) -> StockLevel:
    return StockLevel(
        product_id=product.id,
        name=product.name,
        sku=product.sku,
        stock=product.stock,
        stock_version=product.stock_seq,
        stock_updated_at=product.stock_updated_at,
    )


def etag(product: ProductRecord) -> str:
    return etags.strong(product.stock_seq)


def get_product(table: Table, product_id: str) -> ProductRecord:
    return _current(stock.read_products(table, [product_id]), product_id)


def _current(snapshot: stock.Snapshot, product_id: str) -> ProductRecord:
    if product_id not in snapshot:
        raise ProductNotFoundError(product_id)
    return snapshot[product_id]


def set_stock(
    table: Table,
    product_id: str,
    *,
    target: int,
    reason: str,
    if_match: str | None,
    actor_id: str,
) -> ProductRecord:
    """Set an absolute level (a stock count); the ledger records the difference. With
    If-Match, the level must still be the one the caller saw."""

    def plan(snapshot: stock.Snapshot) -> stock.Plan:
        product = _current(snapshot, product_id)
        if if_match is not None and not etags.if_match_allows(if_match, etag(product)):
            raise PreconditionFailedError(
                f"The stock is at version {product.stock_seq}; reload and try again."
            )
        delta = target - product.stock
        moves = [stock.StockMove(product_id, delta, "set", reason, mode="set")] if delta else []
        return stock.Plan(moves=moves, result=product)

    return _apply(table, product_id, plan, actor_id)


def adjust_stock(
    table: Table, product_id: str, *, delta: int, reason: str, actor_id: str
) -> ProductRecord:
    """Add to or take from the stock (a delivery, breakage...). Never below zero."""

    def plan(snapshot: stock.Snapshot) -> stock.Plan:
        product = _current(snapshot, product_id)
        if product.stock + delta < 0:
            raise NegativeStockError(
                f"Only {product.stock} in stock: an adjustment of {delta} would go below zero.",
                available=product.stock,
            )
        if product.stock + delta > MAX_STOCK:
            raise StockLimitError(
                f"{product.stock} in stock: an adjustment of {delta} would pass the limit of "
                f"{MAX_STOCK}.",
                available=product.stock,
            )
        move = stock.StockMove(product_id, delta, "adjustment", reason, mode="set")
        return stock.Plan(moves=[move], result=product)

    return _apply(table, product_id, plan, actor_id)


def _apply(table: Table, product_id: str, plan: stock.PlanMaker, actor_id: str) -> ProductRecord:
    """Staff changes set the level exactly, so the new level is known without a read."""
    snapshot = stock.read_products(table, [product_id])
    committed = stock.commit(table, snapshot=snapshot, make_plan=plan, actor_id=actor_id)
    product: ProductRecord = committed.plan.result  # the state the written plan was made from
    if not committed.entries:
        return product
    (entry,) = committed.entries
    return product.model_copy(
        update={
            "stock": entry.stock_after,
            "stock_seq": product.stock_seq + 1,
            "stock_updated_at": entry.at,
        }
    )


def movements(
    table: Table, product_id: str, *, limit: int, cursor: str | None
) -> tuple[list[LedgerEntry], str | None]:
    def fetch(start: RawItem | None) -> tuple[list[LedgerEntry], RawItem | None]:
        page = repository.movements_page(table, product_id=product_id, limit=limit, start_key=start)
        if page is None:
            raise ProductNotFoundError(product_id)
        return page

    return paginate(
        cursor, scope=f"movements|{table.keys.product_partition(product_id)}", fetch=fetch
    )


def low_stock(
    table: Table, *, threshold: int, limit: int, cursor: str | None
) -> tuple[list[ProductRecord], str | None]:
    return paginate(
        cursor,
        scope=f"low-stock|{threshold}",
        fetch=lambda start: repository.low_stock_page(
            table, threshold=threshold, limit=limit, start_key=start
        ),
    )
