"""The catalog's CSV (shared/DESIGN.md, "Variants, status, import/export"): UTF-8 with a
header row, one row per variant; rows with the same `handle` are one product, `sku` is a
variant's key. Tags are separated by `|` (a tag may hold a comma). An export names each
product by its id as its handle."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from app.core import money
from app.products.schemas import ProductRecord
from app.products.variants import in_order, option_names

COLUMNS = (
    "handle",
    "name",
    "description",
    "category",
    "tags",
    "status",
    "option1_name",
    "option1_value",
    "option2_name",
    "option2_value",
    "option3_name",
    "option3_value",
    "sku",
    "price",
    "currency",
    "stock",
)
TAG_SEPARATOR = "|"


def product_rows(
    product: ProductRecord, stock: int, variant_stock: dict[str, int] | None = None
) -> list[dict[str, str]]:
    """A product's rows: one per variant (a product without options has exactly one, itself;
    `variant_stock`: each variant's, for one with options)."""
    shared = {
        "handle": product.id,
        "name": product.name,
        "description": product.description,
        "category": product.category,
        "tags": TAG_SEPARATOR.join(product.tags),
        "status": product.status,
        "currency": product.currency,
    }
    if not product.variants:
        return [
            shared
            | {"sku": product.sku or "", "price": money.as_text(product.price), "stock": str(stock)}
        ]
    names = option_names(product)
    rows = []
    for variant_id, variant in in_order(product):
        options = {}
        for n, name in enumerate(names, start=1):
            options[f"option{n}_name"] = name
            options[f"option{n}_value"] = variant.options.get(name, "")
        rows.append(
            shared
            | options
            | {
                "sku": variant.sku or "",
                "price": money.as_text(variant.price),
                "stock": str((variant_stock or {}).get(variant_id, 0)),
            }
        )
    return rows


def write(rows: Iterable[dict[str, str]], into: TextIO) -> int:
    """Write the header and the rows (CRLF, as RFC 4180 says); how many rows."""
    writer = csv.DictWriter(into, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def read(text: Iterable[str]) -> Iterator[dict[str, str]]:
    """The rows of a CSV as dicts by column name (a BOM, CRLF and quoted newlines are
    fine; columns in any order, names case-insensitive)."""
    _, rows = open_rows(text)
    return (row for row in rows if any(value.strip() for value in row.values()))


def open_rows(text: Iterable[str]) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The header's column names (as `read` names them) and the rows that follow, blank
    ones too (so that a row's number is its place in the file)."""
    reader = csv.reader(text)
    header = next(reader, None) or []
    names = [name.lstrip("\ufeff").strip().lower() for name in header]

    def rows() -> Iterator[dict[str, str]]:
        for values in reader:
            yield dict(zip(names, values, strict=False))

    return names, rows()
