"""Product models: what admins send, what is stored, what everyone reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.core.money import Currency, Money
from app.core.text import plain_line, plain_text, utf8_at_most
from app.db.keys import name_sort_key

MAX_TAGS = 20
MAX_PRICE = Decimal("99999999.99")
CENT = Decimal("0.01")
ImageContentType = Literal["image/jpeg", "image/png", "image/webp"]
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def _to_cents(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    cents = value.quantize(CENT)
    if cents != value:
        raise ValueError("must have at most 2 decimal places")
    return cents.copy_abs() if cents.is_zero() else cents  # "-0" is 0.00


def _dedupe(tags: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for tag in tags:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            unique.append(tag)
    return unique


# names and categories are keys of the catalog's indexes, in their name_sort_key form
MAX_NAME_KEY_BYTES = 800
MAX_LABEL_KEY_BYTES = 200

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(plain_line),
    utf8_at_most(MAX_NAME_KEY_BYTES, name_sort_key),
]
Description = Annotated[str, Field(max_length=5000), AfterValidator(plain_text)]
Price = Annotated[
    Decimal,
    Field(ge=0, le=MAX_PRICE, description='Decimal with at most 2 places, e.g. "19.99".'),
    AfterValidator(_to_cents),
]
Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
    AfterValidator(plain_line),
    utf8_at_most(MAX_LABEL_KEY_BYTES, name_sort_key),
]
Tags = Annotated[list[Label], Field(max_length=MAX_TAGS), AfterValidator(_dedupe)]
SearchText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(plain_line),
    utf8_at_most(MAX_NAME_KEY_BYTES // 2, name_sort_key),
]
Sku = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$"
    ),
]
Stock = Annotated[int, Field(ge=0, le=1_000_000_000, strict=True)]

_STOCK_IS_INVENTORY = "stock is not editable here: use PUT /inventory/{id} or its adjustments"


ProductStatus = Literal["draft", "active", "archived"]
STATUS_DESCRIPTION = (
    "draft: being prepared; active: listed, found and sold; archived: no longer sold (its "
    "orders and ledger stay readable). Only active products are shown to shoppers."
)


class ProductCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Widget Pro",
                    "description": "The widget professionals reach for.",
                    "price": "19.99",
                    "currency": "EUR",
                    "category": "Widgets",
                    "tags": ["metal", "bestseller"],
                    "sku": "WID-PRO-001",
                    "stock": 25,
                }
            ]
        },
    )

    name: Name
    description: Description = ""
    price: Price
    currency: Currency | None = Field(
        default=None, description="ISO 4217; the store's currency when left out."
    )
    category: Label
    tags: Tags = []
    sku: Sku | None = None
    stock: Stock = Field(
        default=0, description="Initial stock; later changes go through /inventory."
    )
    status: ProductStatus = Field(default="active", description=STATUS_DESCRIPTION)


class ProductUpdate(BaseModel):
    """A partial update: only the fields sent change. `sku: null` removes the SKU."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None
    price: Price | None = None
    currency: Currency | None = None
    category: Label | None = None
    tags: Tags | None = None
    sku: Sku | None = None
    status: ProductStatus | None = Field(default=None, description=STATUS_DESCRIPTION)

    @model_validator(mode="before")
    @classmethod
    def _refuse_stock_and_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if "stock" in data:
                raise ValueError(_STOCK_IS_INVENTORY)
            nulls = sorted(k for k, v in data.items() if v is None and k not in {"sku"})
            if nulls:
                raise ValueError(f"{', '.join(nulls)} cannot be null")
        return data

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class ProductRecord(BaseModel):
    """A product's definition as stored (its stock is in buckets of its own: app/stock)."""

    id: str
    name: str
    description: str
    price: Decimal
    currency: str
    category: str
    tags: list[str]
    sku: str | None = None
    status: ProductStatus = "active"  # items from before statuses existed are active
    image_key: str | None = None
    version: int
    in_stock: bool = False  # stock > 0, kept exact by every stock change (app/stock/engine)
    buckets: int = 1  # how many stock buckets hold its stock
    words: int = 0  # how many search entries its name (and SKU) have
    listing_seq: int = 0  # moves with everything listings copy: definition and in_stock
    created_at: str
    updated_at: str
    changed_by: str | None = None  # who made the definition as it is (events name them)


class ProductSummary(BaseModel):
    """A product in a listing: availability, not the live stock. `price` travels as a
    string."""

    id: str
    name: str
    description: str
    price: Money
    price_min: Money = Field(description="The lowest price of its variants (one: its price).")
    price_max: Money = Field(description="The highest price of its variants (one: its price).")
    currency: str
    category: str
    tags: list[str]
    sku: str | None
    status: ProductStatus
    in_stock: bool
    image_url: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class Product(ProductSummary):
    """A product with its live stock (the product page, and answers to edits)."""

    stock: int


class ImageUploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_type: ImageContentType
    content_length: Annotated[int, Field(gt=0, le=MAX_IMAGE_BYTES, strict=True)]


class ImageUpload(BaseModel):
    """A presigned POST: send `fields` plus the file (last) as multipart/form-data to `url`,
    then confirm with `PUT /products/{id}/image {"upload_key": ...}` before `expires_at`."""

    url: str
    fields: dict[str, str]
    upload_key: str
    expires_at: datetime


class ImageConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_key: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/~-]{1,300}$")]


class CategoryCount(BaseModel):
    category: str
    product_count: int


class CategoryList(BaseModel):
    items: list[CategoryCount]
