"""Purchases per second and latency when buyers pile onto one product vs spread over 100.

Runs the app in-process against DynamoDB Local with THREADS concurrent buyers placing
single-unit orders: (a) all on one product, (b) all on one product whose stock is spread
over 8 buckets (app/stock), (c) spread over 100 products. Prints
purchases/s, p50/p99 latency and TransactWriteItems attempts per purchase for both, their
ratio, and checks that nothing was oversold (stock + sold == initial, ledger adds up).

    .venv/bin/python -m bench.purchase_rush [--purchases N] [--threads T]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.common import app_for, dynamodb, new_table, percentile, result


def setup(
    table: Any, client: Any, products: int, stock: int, buyers: int, buckets: int = 1
) -> tuple[list[str], list[dict[str, str]]]:
    from app.auth import repository
    from app.core.roles import Role
    from app.core.timeutil import now_iso

    admin = _account(client, "admin@bench.example")
    user = repository.get(table, user_id=admin["id"])
    repository.change_role(table, user=user, role=Role.ADMIN, now=now_iso())  # type: ignore[arg-type]
    admin_headers = _log_in(client, "admin@bench.example")
    ids = []
    for i in range(products):
        body = {"name": f"Rush {i:03d}", "price": "1.00", "category": "Bench", "stock": stock}
        ids.append(client.post("/products", headers=admin_headers, json=body).json()["id"])
        if buckets > 1:
            client.put(
                f"/inventory/{ids[-1]}/buckets", headers=admin_headers, json={"buckets": buckets}
            ).raise_for_status()
    headers = []
    for i in range(buyers):
        _account(client, f"buyer{i}@bench.example")
        headers.append(_log_in(client, f"buyer{i}@bench.example"))
    return ids, headers


def _account(client: Any, email: str) -> dict[str, Any]:
    response = client.post(
        "/auth/signup", json={"email": email, "password": "bench-password", "name": "B"}
    )
    return response.json()  # type: ignore[no-any-return]


def _log_in(client: Any, email: str) -> dict[str, str]:
    token = client.post(
        "/auth/login", data={"username": email, "password": "bench-password"}
    ).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def rush(
    client: Any,
    table: Any,
    product_ids: list[str],
    buyers: list[dict[str, str]],
    purchases: int,
    threads: int,
) -> dict[str, Any]:
    attempts = Counter[str]()

    def count(**_: Any) -> None:
        attempts["transact"] += 1

    table.client.meta.events.register("after-call.dynamodb.TransactWriteItems", count)

    orders: list[str] = []

    def one(i: int) -> tuple[int, float]:
        product = product_ids[i % len(product_ids)]
        began = time.perf_counter()
        response = client.post(
            "/orders",
            headers=buyers[i % len(buyers)],
            json={"items": [{"product_id": product, "quantity": 1}]},
        )
        latency = time.perf_counter() - began
        if response.status_code == 201:
            orders.append(response.json()["id"])
        return response.status_code, latency

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(one, range(purchases)))
    elapsed = time.perf_counter() - began
    table.client.meta.events.unregister("after-call.dynamodb.TransactWriteItems", count)
    latencies = [latency for status, latency in results if status == 201]
    statuses = Counter(status for status, _ in results)
    return {
        "statuses": statuses,
        "rate": statuses[201] / elapsed,
        "p50": percentile(latencies, 0.50) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "attempts": attempts["transact"] / max(1, statuses[201]),
        "orders": orders,
    }


def check_no_oversell(table: Any, product_ids: list[str], initial: int, orders: list[str]) -> None:
    """Every unit is either in stock or in exactly one order, and the ledger agrees."""
    from tests.support.history import check_history

    sold = len(orders)
    finals = check_history(table, product_ids, orders)
    remaining = sum(finals.values())
    assert all(stock >= 0 for stock in finals.values()), "stock below zero"
    assert remaining + sold == initial * len(product_ids), "units unaccounted for"


CASES = (  # label, products, buckets each
    ("one hot product", 1, 1),
    ("one hot product, 8 buckets", 1, 8),
    ("spread over 100", 100, 1),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--purchases", type=int, default=400)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    rows = {}
    with dynamodb():
        for label, count, buckets in CASES:
            table = new_table("rush")
            client = app_for(table)
            stock = args.purchases if count == 1 else args.purchases // count + 1
            ids, buyers = setup(table, client, count, stock, buyers=8, buckets=buckets)
            outcome = rush(client, table, ids, buyers, args.purchases, args.threads)
            if set(outcome["statuses"]) - {201}:
                print(f"{label}: unexpected answers {dict(outcome['statuses'])}")
            check_no_oversell(table, ids, stock, outcome["orders"])
            rows[label] = outcome
    print(f"\n{args.purchases} single-unit purchases, {args.threads} concurrent buyers")
    print(f"{'case':<26} {'purchases/s':>12} {'p50 ms':>8} {'p99 ms':>8} {'tx/purchase':>12}")
    for label, r in rows.items():
        figures = f"{r['rate']:>12.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['attempts']:>12.2f}"
        print(f"{label:<26} {figures}")
    hot, spread = rows["one hot product"], rows["spread over 100"]
    bucketed = rows["one hot product, 8 buckets"]
    print(f"\nthroughput hot/spread: {hot['rate'] / spread['rate']:.2f}")
    print(f"throughput hot in 8 buckets/spread: {bucketed['rate'] / spread['rate']:.2f}")
    print(f"p99 latency hot/spread: {hot['p99'] / spread['p99']:.2f}")
    print(
        f"transactions per purchase, hot: {hot['attempts']:.2f}, in 8 buckets:"
        f" {bucketed['attempts']:.2f}"
    )
    print("oversold: 0 (stock + sold == initial for every product; ledger and orders agree)")
    result("purchase rush hot/spread throughput", hot["rate"] / spread["rate"], "", None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
