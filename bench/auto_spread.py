"""What an automatic spread costs the purchase that makes it (app/stock/spreading.py).

A product whose purchases collide is spread over twice as many stock buckets in the request
that noticed it, after its order is written. This places one-line orders through the app
(in-process, against DynamoDB Local) and, taking turns in each round, an order whose
product is due a spread (its collisions put in the tracker first, as the engine would),
for products of 1, 2, 4 and 8 buckets. For each it prints the median duration, the
DynamoDB calls and the write units (as DynamoDB Local reports them, and by the documented
rules), and the ratio to a plain purchase. It happens once per product per process every
30 seconds at most.

    .venv/bin/python -m bench.auto_spread [--rounds N]
"""

from __future__ import annotations

import argparse
import functools
import statistics
from typing import Any

from bench.common import app_for, create_products, dynamodb, new_table, result, timed
from bench.cost_model import CapacityMeter
from bench.purchase_rush import setup

UNITS_PER_BUCKET = 1_000
FROM_BUCKETS = (1, 2, 4, 8)


def _product(table: Any, buckets: int) -> str:
    from app.inventory import service

    (product,) = create_products(table, 1, stock=UNITS_PER_BUCKET * buckets)
    if buckets > 1:
        service.spread_stock(table, product.id, buckets=buckets, reason="bench", actor_id="bench")
    return str(product.id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with dynamodb():
        from app.core.config import get_settings
        from app.stock import contention

        table = new_table("spread")
        client = app_for(table)
        _, (buyer,) = setup(table, client, products=0, stock=0, buyers=1)
        meter = CapacityMeter(table.client)
        threshold = get_settings().auto_buckets_collisions

        def order(product_id: str) -> None:
            response = client.post(
                "/orders",
                headers=buyer,
                json={"items": [{"product_id": product_id, "quantity": 1}]},
            )
            response.raise_for_status()

        rows = []
        for buckets in FROM_BUCKETS:
            plain: list[float] = []
            spreading: list[float] = []
            usage: dict[str, Any] = {}
            for _ in range(args.rounds):
                calm, hot = _product(table, buckets), _product(table, buckets)
                key = table.keys.product_partition(hot)
                contention.tracker.collided([key] * threshold)
                meter.take()
                plain.append(timed(functools.partial(order, calm)))
                usage["plain"] = meter.take()
                spreading.append(timed(functools.partial(order, hot)))
                usage["spreading"] = meter.take()
                stored = table.get(table.keys.product(hot)) or {}
                if int(stored.get("buckets", 1)) != 2 * buckets:
                    raise RuntimeError(f"the product was not spread: {stored}")
            rows.append((buckets, plain, spreading, usage))
    print(
        "| buckets | plain purchase: ms, calls, WRU (rules) |"
        " purchase + spread: ms, calls, WRU (rules) | time ratio |"
    )
    print("|---|---|---|---|")
    ratios = []
    for buckets, plain, spreading, usage in rows:
        p, s = statistics.median(plain) * 1000, statistics.median(spreading) * 1000
        ratios.append(s / p)
        cells = []
        for name, ms in (("plain", p), ("spreading", s)):
            u = usage[name]
            cells.append(
                f"{ms:.1f} ms, {len(u.calls)} ({', '.join(u.calls)}),"
                f" {u.write_units:g} ({u.write_units_by_the_rules:g})"
            )
        print(f"| {buckets} → {2 * buckets} | {cells[0]} | {cells[1]} | {s / p:.2f} |")
    result("auto spread, purchase that spreads / plain purchase (8 → 16)", ratios[-1], "<=", None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
