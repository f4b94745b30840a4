"""docs/sample-catalog.csv: the demo catalog (app/seed.py) in the catalog's CSV, as an
export of a freshly seeded default store writes it (handles are the seeded products' ids,
rows by name; the product with sizes a row per size). `python -m devtools.sample_csv`
writes it again; a test checks it is."""

from __future__ import annotations

import io
from pathlib import Path

from app.db.keys import name_sort_key
from app.seed import CATALOG, SIZES, seed_id, size_sku
from app.transfer import csv_format

SAMPLE = Path(__file__).resolve().parents[1] / "docs" / "sample-catalog.csv"


def sample_text(store: str = "default") -> str:
    rows = []
    for sku, name, category, price, stock, tags, description in CATALOG:
        shared = {
            "handle": seed_id(sku, store),
            "name": name,
            "description": description,
            "category": category,
            "tags": csv_format.TAG_SEPARATOR.join(tags),
            "status": "active",
            "currency": "EUR",
        }
        sizes = SIZES.get(sku) or []
        rows += [
            shared
            | {"option1_name": "Size", "option1_value": size}
            | {"sku": size_sku(sku, size), "price": cost, "stock": str(count)}
            for size, cost, count in sizes
        ] or [shared | {"sku": sku, "price": price, "stock": str(stock)}]
    rows.sort(key=lambda row: (name_sort_key(row["name"]), row["handle"]))
    out = io.StringIO(newline="")
    csv_format.write(rows, out)
    return out.getvalue()


def main() -> None:
    SAMPLE.write_bytes(sample_text().encode("utf-8"))
    print(f"wrote {SAMPLE}")


if __name__ == "__main__":
    main()
