"""Checking an import file before anything is written: every row, every column.

`check(rows)` takes the rows of the catalog's CSV (csv_format.read) and gives back the
products they describe -- rows grouped by `handle`, each row one variant -- and every
problem as `{row, column, message}` (row 1 is the header; the first product row is 2).
A row is checked with the API's own field types (app/products/schemas.py), so a file can
hold nothing the API would refuse; then the file as a whole: a handle's rows agree on the
product's fields (or leave them blank after the first) and on its option names, no two
variants of a product have the same options, a product has at most 100 variants, and no
SKU appears twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.core.errors import validation_message
from app.core.money import Currency
from app.products.schemas import (
    MAX_OPTIONS,
    MAX_VARIANTS,
    Description,
    Label,
    Name,
    ProductStatus,
    Sku,
    Stock,
)
from app.transfer.csv_format import COLUMNS, TAG_SEPARATOR

REQUIRED = ("handle", "name", "category", "price")
PRODUCT_FIELDS = ("name", "description", "category", "tags", "status")

_types: dict[str, TypeAdapter[Any]] = {
    "name": TypeAdapter(Name),
    "description": TypeAdapter(Description),
    "category": TypeAdapter(Label),
    "tag": TypeAdapter(Label),
    "status": TypeAdapter(ProductStatus),
    "sku": TypeAdapter(Sku),
    "currency": TypeAdapter(Currency),
    "stock": TypeAdapter(Stock),
    "option": TypeAdapter(Label),
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Variant:
    row: int
    sku: str | None
    price: Decimal
    currency: str | None  # None: the store's
    stock: int | None  # None: not given (the stock is left as it is)
    options: dict[str, str]


@dataclass
class ProductRows:
    handle: str
    first_row: int
    fields: dict[str, Any]  # name, description, category, tags, status
    option_names: list[str]
    variants: list[Variant] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # every row of the handle, good or bad


def _message(error: ValidationError) -> str:
    return validation_message(error.errors()[0])


def _parsed(kind: str, text: str, row: int, column: str, problems: list[Problem]) -> Any:
    try:
        return _types[kind].validate_python(text if kind != "stock" else int(text))
    except ValueError as error:  # ValidationError is one; int() raises the plain kind
        message = (
            _message(error) if isinstance(error, ValidationError) else "must be a whole number"
        )
        problems.append(Problem(row, column, message))
        return None


def _price(text: str, row: int, problems: list[Problem]) -> Decimal | None:
    from app.products.schemas import Price

    try:
        return TypeAdapter(Price).validate_python(Decimal(text.strip()))
    except InvalidOperation:
        problems.append(Problem(row, "price", "must be a number such as 19.99"))
    except ValidationError as error:
        problems.append(Problem(row, "price", _message(error)))
    return None


def check_header(names: Iterable[str]) -> list[Problem]:
    present = list(names)
    problems = [Problem(1, name, "unknown column") for name in present if name not in COLUMNS]
    problems += [
        Problem(1, name, "this column is required") for name in REQUIRED if name not in present
    ]
    seen: set[str] = set()
    for name in present:
        if name in seen:
            problems.append(Problem(1, name, "this column appears twice"))
        seen.add(name)
    return problems


def _row_fields(row: Mapping[str, str], number: int, problems: list[Problem]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("name", "description", "category", "status"):
        text = (row.get(name) or "").strip() if name != "description" else row.get(name) or ""
        if text:
            fields[name] = _parsed(name, text, number, name, problems)
    tags_text = (row.get("tags") or "").strip()
    if tags_text:
        tags = [t.strip() for t in tags_text.split(TAG_SEPARATOR) if t.strip()]
        fields["tags"] = [_parsed("tag", tag, number, "tags", problems) for tag in tags]
    return fields


def _options(row: Mapping[str, str], number: int, problems: list[Problem]) -> dict[str, str]:
    options: dict[str, str] = {}
    for n in range(1, MAX_OPTIONS + 1):
        name = (row.get(f"option{n}_name") or "").strip()
        value = (row.get(f"option{n}_value") or "").strip()
        if bool(name) != bool(value):
            column = f"option{n}_value" if name else f"option{n}_name"
            problems.append(Problem(number, column, "an option needs a name and a value"))
            continue
        if name:
            checked_name = _parsed("option", name, number, f"option{n}_name", problems)
            checked_value = _parsed("option", value, number, f"option{n}_value", problems)
            if checked_name in options:
                problems.append(Problem(number, f"option{n}_name", "this option is named twice"))
            elif checked_name and checked_value:
                options[checked_name] = checked_value
    return options


def _variant(
    row: Mapping[str, str], number: int, problems: list[Problem], skus: dict[str, int]
) -> tuple[str | None, Decimal | None, str | None, int | None]:
    """The row's own fields: its SKU (unique in the file), price, currency and stock."""

    def given(name: str) -> str:
        return (row.get(name) or "").strip()

    sku = _parsed("sku", given("sku"), number, "sku", problems) if given("sku") else None
    if sku:
        if sku.casefold() in skus:
            problems.append(Problem(number, "sku", f"already on row {skus[sku.casefold()]}"))
        else:
            skus[sku.casefold()] = number
    price = _price(given("price"), number, problems) if given("price") else None
    if not given("price"):
        problems.append(Problem(number, "price", "a variant needs a price"))
    currency = (
        _parsed("currency", given("currency"), number, "currency", problems)
        if given("currency")
        else None
    )
    stock = _parsed("stock", given("stock"), number, "stock", problems) if given("stock") else None
    return sku, price, currency, stock


def _join(
    product: ProductRows,
    fields: dict[str, Any],
    options: dict[str, str],
    number: int,
    problems: list[Problem],
) -> None:
    """A further row of a product: it agrees with the first, and its options are new."""
    for name, value in fields.items():
        if name in product.fields and product.fields[name] != value:
            message = f"differs from row {product.first_row} of this product"
            problems.append(Problem(number, name, message))
    if not product.option_names and not options:
        message = "rows of one product differ by their options"
        problems.append(Problem(number, "option1_name", message))
    elif list(options) != product.option_names:
        message = "the options must be those of the product's first row"
        problems.append(Problem(number, "option1_name", message))
    elif any(variant.options == options for variant in product.variants):
        problems.append(Problem(number, "option1_value", "another row has these options"))


def check(rows: Iterable[Mapping[str, str]]) -> tuple[list[ProductRows], list[Problem]]:
    problems: list[Problem] = []
    products: dict[str, ProductRows] = {}
    skus: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any((value or "").strip() for value in row.values()):
            continue  # a blank line
        before = len(problems)
        handle = (row.get("handle") or "").strip()
        if not handle:
            problems.append(Problem(number, "handle", "every row needs a handle"))
            continue
        fields = _row_fields(row, number, problems)
        options = _options(row, number, problems)
        sku, price, currency, stock = _variant(row, number, problems, skus)
        product = products.get(handle)
        if product is None:
            problems += [
                Problem(number, name, "the first row of a product needs it")
                for name in ("name", "category")
                if name not in fields
            ]
            product = products[handle] = ProductRows(handle, number, fields, list(options))
        else:
            _join(product, fields, options, number, problems)
        product.rows.append(number)
        if len(problems) == before and price is not None:
            product.variants.append(Variant(number, sku, price, currency, stock, options))
            if len(product.variants) > MAX_VARIANTS:
                message = f"a product has at most {MAX_VARIANTS} variants"
                problems.append(Problem(number, "handle", message))
    return list(products.values()), problems
