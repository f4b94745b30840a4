"""A product's stock as stored: the sum of its buckets (app/stock)."""

from __future__ import annotations

from app.db.keys import STOCK
from app.db.table import Table
from app.stock.model import ProductStock, stock_from


def stock_record(table: Table, product_id: str) -> ProductStock:
    """Every bucket of the product, read from the table (the product says how many)."""
    product = table.get(table.keys.product(product_id))
    count = int(product.get("buckets", 1)) if product else 1
    items = table.batch_get([table.keys.stock_bucket(product_id, n) for n in range(count)])
    assert all(item["SK"] == STOCK for item in items)
    return stock_from(product_id, count, items)


def stock_of(table: Table, product_id: str) -> int:
    return stock_record(table, product_id).total


def stock_version(table: Table, product_id: str) -> int:
    return stock_record(table, product_id).version
