"""The stock's one limit: no product holds more than MAX_STOCK units (a typo's safety net,
and what keeps every level far inside DynamoDB's number range). Whatever would add past it
is refused -- a count, a delivery, a cancellation -- and whatever takes away never is."""

from __future__ import annotations

from app.core.errors import ConflictError
from app.stock.model import MAX_STOCK


class StockLimitError(ConflictError):
    code, title = "stock_limit", "Stock cannot exceed its limit"


def check_addition(total: int, added: int, *, what: str) -> None:
    """Refuse adding `added` units to `total` when it would pass the limit; a removal (or
    nothing) always passes, even from above the limit."""
    if added > 0 and total + added > MAX_STOCK:
        raise StockLimitError(
            f"{total} in stock: {what} of {added} would pass the limit of {MAX_STOCK}; "
            "lower the stock first.",
            available=total,
        )
