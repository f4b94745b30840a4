"""Requests per second under uvicorn, relative to a bare FastAPI route doing the same call.

Starts DynamoDB Local, loads 30 products, then serves the real app and bench/bare_app.py
with uvicorn (one worker each, one at a time, same settings) and loads each URL with wrk on
loopback for a fixed duration: GET /products/{id} vs the bare GetItem route, and
GET /products vs the bare Query route. Budget: ratio >= 0.7.

    .venv/bin/python -m bench.throughput [--seconds S] [--connections C]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from decimal import Decimal

import httpx

from bench.common import dynamodb, new_table, result
from devtools import dynamodb_local, processes

BUDGET = 0.7


def serve(module: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = dynamodb_local.free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            module,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(url + "/docs", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    return processes.wait_until_serving(process, up, name=module, timeout=30), url


def wrk(url: str, seconds: int, connections: int) -> float:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not match or "Non-2xx" in output:
        raise RuntimeError(f"wrk failed or saw errors:\n{output}")
    return float(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk")
        return 2
    with dynamodb():
        table = new_table("throughput")
        os.environ["CATALOG_TABLE"] = table.name
        from app.core.config import get_settings
        from app.db.table import get_table
        from app.products import service
        from app.products.schemas import ProductCreate

        get_settings.cache_clear()
        get_table.cache_clear()
        ids = [
            service.create(
                get_table(),
                ProductCreate(
                    name=f"Item {i:02d}", price=Decimal("2.50"), category="Bench", stock=5
                ),
                actor_id="bench",
            ).id
            for i in range(30)
        ]
        env = dict(os.environ)
        results = {}
        for module, paths in (
            ("app.main:app", {"product": f"/products/{ids[0]}", "page": "/products"}),
            ("bench.bare_app:app", {"product": f"/item/{ids[0]}", "page": "/items"}),
        ):
            process, url = serve(module, env)
            try:
                for name, path in paths.items():
                    httpx.get(url + path).raise_for_status()  # warm up, and check it works
                    wrk(url + path, 2, args.connections)
                    results[(module, name)] = wrk(url + path, args.seconds, args.connections)
            finally:
                processes.stop(process)
            time.sleep(1)
    print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s on loopback, one uvicorn worker")
    print(f"{'request':<22} {'app req/s':>10} {'bare req/s':>11} {'ratio':>6}")
    worst = 1.0
    for name, label in (("product", "GET /products/{id}"), ("page", "GET /products")):
        app_rate, bare_rate = results[("app.main:app", name)], results[("bench.bare_app:app", name)]
        worst = min(worst, app_rate / bare_rate)
        print(f"{label:<22} {app_rate:>10.1f} {bare_rate:>11.1f} {app_rate / bare_rate:>6.2f}")
    verdict = "OK" if worst >= BUDGET else "UNDER BUDGET"
    print(f"worst ratio {worst:.2f} (budget >= {BUDGET}) {verdict}")
    result("throughput app/bare (worst)", worst, ">=", BUDGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
