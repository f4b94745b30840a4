"""Stores: each one a shop of its own in the same deployment (its data under `S#<slug>#`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.core.money import Currency
from app.core.patching import refuse_nulls
from app.core.text import PlainLine

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$"  # 2 to 40: letters, digits, hyphens
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, description="2-40 of a-z, 0-9 and -.")]
StoreStatus = Literal["active", "suspended"]
StoreName = Annotated[str, PlainLine(100)]


def _host(value: str) -> str:
    host = value.strip().lower().rstrip(".")
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(
            label and len(label) <= 63 and label.replace("-", "").isalnum() and label.isascii()
            for label in labels
        )
    ):
        raise ValueError("is not a host name (e.g. shop.example.com)")
    return host


Domain = Annotated[str, Field(max_length=253), AfterValidator(_host)]
Domains = Annotated[list[Domain], Field(max_length=10)]


def _integer(value: Any) -> Any:
    """An integer as JSON Schema means it: not `false` nor `"5"`, which pydantic's lax `int`
    would take. Not `strict`: the stored record's numbers come back from DynamoDB as
    Decimal."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Integer = Annotated[int, BeforeValidator(_integer)]


class StoreSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency: Currency = "EUR"  # new products' currency when none is given
    low_stock_threshold: Annotated[Integer, Field(ge=0, le=100)] = 5  # the inventory's default
    audit_retention_days: Annotated[Integer, Field(ge=1, le=3650)] = 365  # then entries expire


class StoreRecord(BaseModel):
    slug: str
    name: str
    status: StoreStatus = "active"
    domains: list[str] = Field(default_factory=list)
    settings: StoreSettings = Field(default_factory=StoreSettings)
    version: int = 1
    created_at: str
    updated_at: str
    changed_by: str | None = None  # who made the last change (the audit log tells)

    @property
    def active(self) -> bool:
        return self.status == "active"


class StoreCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: Slug
    name: StoreName
    domains: Domains = Field(default_factory=list)
    settings: StoreSettings = Field(default_factory=StoreSettings)


class StoreUpdate(BaseModel):
    """A partial update: only the fields sent change; none of them may be null."""

    model_config = ConfigDict(extra="forbid")

    name: StoreName | None = None
    status: StoreStatus | None = None
    domains: Domains | None = None
    settings: StoreSettings | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_nulls(cls, data: Any) -> Any:
        return refuse_nulls(data)


class Store(BaseModel):
    """A store as operators see it."""

    slug: str
    name: str
    status: StoreStatus
    domains: list[str]
    settings: StoreSettings
    created_at: datetime
    updated_at: datetime


class StorePublic(BaseModel):
    """What anyone may know of the store a request is in."""

    slug: str
    name: str
    currency: str
