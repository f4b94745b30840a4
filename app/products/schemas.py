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
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.core.money import Currency, Money
from app.core.patching import refuse_nulls
from app.core.text import PlainLine, PlainText
from app.db.keys import name_sort_key
from app.stock.model import ProductStock

MAX_TAGS = 20
MAX_PRICE = Decimal("99999999.99")
CENT = Decimal("0.01")
ImageContentType = Literal["image/jpeg", "image/png", "image/webp"]
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def _to_cents(value: Decimal) -> Decimal:
    """`value` in cents; pydantic has refused NaN and the infinities already."""
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

Name = Annotated[str, PlainLine(200, max_bytes=MAX_NAME_KEY_BYTES, stored_as=name_sort_key)]
Description = Annotated[str, PlainText(5000)]
Price = Annotated[
    Decimal,
    Field(ge=0, le=MAX_PRICE, description='Decimal with at most 2 places, e.g. "19.99".'),
    AfterValidator(_to_cents),
]
Label = Annotated[str, PlainLine(50, max_bytes=MAX_LABEL_KEY_BYTES, stored_as=name_sort_key)]
Tags = Annotated[list[Label], Field(max_length=MAX_TAGS), AfterValidator(_dedupe)]
SearchText = Annotated[
    str, PlainLine(100, strip=False, max_bytes=MAX_NAME_KEY_BYTES // 2, stored_as=name_sort_key)
]
Sku = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
Stock = Annotated[int, Field(ge=0, le=1_000_000_000, strict=True)]

_STOCK_IS_INVENTORY = "stock is not editable here: use PUT /inventory/{id} or its adjustments"


ProductStatus = Literal["draft", "active", "archived"]
STATUS_DESCRIPTION = (
    "draft: being prepared; active: listed, found and sold; archived: no longer sold (its "
    "orders and ledger stay readable). Only active products are shown to shoppers."
)


MAX_OPTIONS = 3
MAX_VARIANTS = 100


class OptionSpec(BaseModel):
    """One of a product's options: its name and the values its variants take."""

    model_config = ConfigDict(extra="forbid")

    name: Label
    values: Annotated[list[Label], Field(min_length=1, max_length=MAX_VARIANTS)]

    @model_validator(mode="after")
    def _distinct_values(self) -> OptionSpec:
        if len({value.casefold() for value in self.values}) != len(self.values):
            raise ValueError(f"option {self.name!r} names a value twice")
        return self


class VariantCreate(BaseModel):
    """A variant: its options' values, and its own SKU, price and first stock."""

    model_config = ConfigDict(extra="forbid")

    sku: Sku | None = None
    options: dict[str, Label] = Field(description="A value for each of the product's options.")
    price: Price
    stock: Stock = 0


class VariantUpdate(BaseModel):
    """A variant's new SKU or price (its stock: /inventory/{id}/variants/{variant_id})."""

    model_config = ConfigDict(extra="forbid")

    sku: Sku | None = None
    price: Price | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


def check_variants(options: list[OptionSpec], variants: list[VariantCreate]) -> None:
    """Every variant names one listed value of each option, and no two the same ones."""
    names = [option.name for option in options]
    if len({name.casefold() for name in names}) != len(names):
        raise ValueError("two options have the same name")
    allowed = {option.name: set(option.values) for option in options}
    seen: set[tuple[str, ...]] = set()
    for variant in variants:
        if set(variant.options) != set(names):
            raise ValueError(f"each variant names a value for each option: {', '.join(names)}")
        for name, value in variant.options.items():
            if value not in allowed[name]:
                raise ValueError(f"{value!r} is not a value of option {name!r}")
        combination = tuple(variant.options[name] for name in names)
        if combination in seen:
            raise ValueError(f"two variants are {' / '.join(combination)}")
        seen.add(combination)
    skus = [variant.sku.casefold() for variant in variants if variant.sku]
    if len(set(skus)) != len(skus):
        raise ValueError("two variants have the same SKU")


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
    # before price: price is checked knowing whether the product has variants
    options: Annotated[list[OptionSpec], Field(max_length=MAX_OPTIONS)] = []
    variants: Annotated[list[VariantCreate], Field(max_length=MAX_VARIANTS)] = Field(
        default=[],
        description="With options: one per combination sold, each with its own SKU, price "
        "and stock (the product's own sku, price and stock are then left out).",
    )
    price: Price | None = Field(
        default=None,
        validate_default=True,
        description="Required unless the product has variants (each has its own).",
    )
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

    @field_validator("price")
    @classmethod
    def _price_unless_variants(cls, price: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if price is None and not info.data.get("variants"):
            raise ValueError("price is required (or options and variants)")
        return price

    @model_validator(mode="after")
    def _one_variant_or_many(self) -> ProductCreate:
        if not self.options and not self.variants:
            return self
        if not (self.options and self.variants):
            raise ValueError("options and variants go together")
        given = [name for name in ("sku", "price") if getattr(self, name) is not None]
        if self.stock:
            given.append("stock")
        if given:
            raise ValueError(f"with variants, {', '.join(given)} belong to each variant")
        check_variants(self.options, self.variants)
        return self


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
        if isinstance(data, dict) and "stock" in data:
            raise ValueError(_STOCK_IS_INVENTORY)
        return refuse_nulls(data, nullable={"sku"})

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class VariantDefinition(BaseModel):
    """A variant as its product records it (its stock is the variant's own)."""

    sku: str | None = None
    options: dict[str, str]
    price: Decimal


class ProductRecord(BaseModel):
    """A product's definition as stored (its stock is in buckets of its own: app/stock).

    A product with options records its variants (`variants`, by id); each variant is also
    an item of its own, a product record with `parent_id`, never listed: the stock engine's
    subject, so a variant has its own buckets, ledger, low-stock entry and spreading."""

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
    in_stock: bool = False  # stock > 0, kept exact by every stock change (app/stock)
    buckets: int = 1  # how many stock buckets hold its stock
    words: int = 0  # how many search entries its name (and SKU) have
    listing_seq: int = 0  # moves with everything listings copy: definition and in_stock
    created_at: str
    updated_at: str
    changed_by: str | None = None  # who made the definition as it is (events name them)
    options: list[dict[str, Any]] = []  # [{name, values}]
    variants: dict[str, VariantDefinition] = {}  # a product with options: its variants
    price_max: Decimal | None = None  # its variants' highest price (`price`: their lowest)
    parent_id: str | None = None  # a variant's own record: its product
    variant_options: dict[str, str] | None = None  # a variant's own record: its values

    def stored(self) -> dict[str, Any]:
        """Its attributes as an item holds them: the variants' fields only where they are
        used, so that other products' items stay as they were."""
        data = self.model_dump()
        for name in ("options", "variants", "parent_id", "variant_options", "price_max"):
            if not data[name]:
                del data[name]
        return data

    def listed(self) -> dict[str, Any]:
        """What a listing's copy holds (search entries): not the variants themselves."""
        data = self.stored()
        data.pop("variants", None)
        return data


class Option(BaseModel):
    name: str
    values: list[str]


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
    options: list[Option] = Field(
        default=[], description="A product with options is bought by choosing a variant."
    )
    image_url: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class Variant(BaseModel):
    id: str = Field(description="A product without options has one variant: its own id.")
    sku: str | None
    options: dict[str, str]
    price: Money
    stock: int
    in_stock: bool


class Product(ProductSummary):
    """A product with its live stock (the product page, and answers to edits)."""

    stock: int = Field(description="Its variants' stock, together.")
    variants: list[Variant] = []


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


# a product as a read finds it: its definition and its stock, always read together
ProductWithStock = tuple[ProductRecord, ProductStock]
