"""Does a catalog page cost the same with 1,000 and 20,000 products?

Loads 1,000 products into one table and 20,000 into another (DynamoDB Local), then reads
page 1 and page 20 (20 items a page, through the app) from both, alternating, and prints the
p50 latencies and the 20k/1k ratio. Target: ratio <= 1.25 (each page is one Query on an
index, so size should not matter).

    .venv/bin/python -m bench.catalog_pages [--rounds N]
"""

from __future__ import annotations

import argparse
from functools import partial
from typing import Any

from bench.common import (
    alternated,
    app_for,
    dynamodb,
    load_products,
    new_table,
    p50_ms,
    result,
)

PAGE_SIZE = 20
TARGET_RATIO = 1.25


def cursor_of_page(client: Any, page: int, params: dict[str, Any]) -> str | None:
    cursor = None
    for _ in range(page - 1):
        body = client.get(
            "/products",
            params={**params, "limit": PAGE_SIZE, "cursor": cursor}
            if cursor
            else {**params, "limit": PAGE_SIZE},
        ).json()
        cursor = body["next_cursor"]
    return cursor


def get_page(client: Any, query: dict[str, Any]) -> None:
    client.get("/products", params=query).raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with dynamodb():
        sizes = (1_000, 20_000)
        clients = {}
        for size in sizes:
            table = new_table(f"bench-{size}")
            load_products(table, size)
            clients[size] = app_for(table)
            print(f"loaded {size:,} products")
        cases: list[tuple[str, dict[str, Any]]] = [
            ("all products", {}),
            ("one category", {"category": "Category 3"}),
        ]
        rows = []
        for label, params in cases:
            for page in (1, 20):
                requests = {}
                for size in sizes:
                    cursor = cursor_of_page(clients[size], page, params)
                    query = {**params, "limit": PAGE_SIZE} | ({"cursor": cursor} if cursor else {})
                    requests[size] = (clients[size], query)
                samples = alternated(
                    {size: partial(get_page, *requests[size]) for size in sizes}, args.rounds
                )
                small, large = p50_ms(samples[1_000]), p50_ms(samples[20_000])
                rows.append((label, page, small, large, large / small))
        print()
        print(f"{'listing':<14} {'page':>4} {'p50 1k (ms)':>12} {'p50 20k (ms)':>13} {'20k/1k':>7}")
        for label, page, small, large, ratio in rows:
            print(f"{label:<14} {page:>4} {small:>12.2f} {large:>13.2f} {ratio:>7.2f}")
        worst = max(row[4] for row in rows)
        verdict = "OK" if worst <= TARGET_RATIO else "OVER TARGET"
        print(f"\nworst ratio 20k/1k: {worst:.2f} (target <= {TARGET_RATIO}) {verdict}")
        result("catalog pages 20k/1k latency", worst, "<=", TARGET_RATIO)
        return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
