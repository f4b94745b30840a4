"""Order models: what a shopper sends, what is stored, what the API shows."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.auth.schemas import Person
from app.core.money import Money
from app.core.text import ID_PATTERN

MAX_LINES = 25
MAX_QUANTITY = 1000
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,64}$"

OrderStatus = Literal["placed", "cancelled"]


class OrderLineRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: Annotated[str, Field(pattern=ID_PATTERN)]
    variant_id: Annotated[str | None, Field(pattern=ID_PATTERN)] = Field(
        default=None, description="Required when the product has more than one variant."
    )
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY, strict=True)]

    @property
    def subject(self) -> tuple[str, str | None]:
        return self.product_id, self.variant_id


class OrderCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"items": [{"product_id": "<id>", "quantity": 2}]}]},
    )

    items: Annotated[list[OrderLineRequest], Field(min_length=1, max_length=MAX_LINES)]

    @field_validator("items")
    @classmethod
    def _distinct_products(cls, items: list[OrderLineRequest]) -> list[OrderLineRequest]:
        ids = [item.subject for item in items]
        if len(ids) != len(set(ids)):
            raise ValueError(
                "each product (variant) may appear once; put the total in its quantity"
            )
        return items

    def fingerprint(self) -> str:
        """What makes two requests "the same" for an idempotency key: the set of lines."""
        lines = sorted(
            (item.product_id, item.quantity, *([item.variant_id] if item.variant_id else []))
            for item in self.items
        )
        return hashlib.sha256(json.dumps(lines).encode()).hexdigest()


class OrderLine(BaseModel):
    product_id: str
    variant_id: str | None = Field(
        default=None,
        description="The variant bought (only for a product with options).",
        exclude_if=lambda value: value is None,
    )
    name: str
    unit_price: Money
    quantity: int
    line_total: Money

    @property
    def stock_subject(self) -> str:
        """Whose stock the line took: its variant's (or the product's own)."""
        return self.variant_id or self.product_id


class OrderRecord(BaseModel):
    """An order as stored: name and unit price are copied at purchase time."""

    id: str
    user_id: str
    status: OrderStatus
    lines: list[OrderLine]
    currency: str
    total: Decimal
    created_at: str
    updated_at: str
    cancelled_at: str | None = None
    idempotency_key: str | None = None


class Order(BaseModel):
    id: str
    user_id: str
    buyer: Person | None = Field(
        default=None, description="Who placed it (in the admins' list of the store's orders)."
    )
    status: OrderStatus
    lines: list[OrderLine]
    currency: str
    total: Money
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None


class IdempotencyRecord(BaseModel):
    user_id: str
    key: str
    fingerprint: str
    order_id: str
    created_at: str
    expires_at: int
