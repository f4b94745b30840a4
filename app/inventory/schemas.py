"""Inventory API models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.auth.schemas import Person
from app.core.text import PlainLine
from app.stock.model import MAX_BUCKETS, MAX_STOCK, MovementKind

Reason = Annotated[str, PlainLine(200)]


class StockLevel(BaseModel):
    product_id: str
    variant_id: str | None = Field(
        default=None,
        description="The variant whose level this is (a product with options).",
        exclude_if=lambda value: value is None,
    )
    name: str
    sku: str | None
    stock: int
    stock_version: int = Field(description="Number of stock changes so far; the ETag.")
    stock_updated_at: datetime | None
    buckets: int = Field(description="How many buckets the stock is spread over.")


class StockSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stock: Annotated[int, Field(ge=0, le=MAX_STOCK, strict=True)]
    reason: Reason


class StockAdjustment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delta: Annotated[
        int,
        Field(ge=-MAX_STOCK, le=MAX_STOCK, strict=True, json_schema_extra={"not": {"const": 0}}),
    ]
    reason: Reason

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError("must not be 0")
        return delta


class StockSpread(BaseModel):
    """Spread the stock over more buckets (a hot product: its purchases spread too)."""

    model_config = ConfigDict(extra="forbid")

    buckets: Annotated[int, Field(ge=1, le=MAX_BUCKETS, strict=True)]
    reason: Reason = "spread over more buckets"


class Movement(BaseModel):
    """One ledger entry: a stock change (and, for initial stock and counts, the level it set)."""

    id: str
    bucket: int
    kind: MovementKind
    delta: int
    stock_after: int | None
    reason: str
    actor_id: str
    actor: Person | None = Field(
        default=None,
        description="Who made the change, when it was a person (not the system) still here.",
    )
    order_id: str | None
    at: datetime
