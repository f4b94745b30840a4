"""Requests per second under uvicorn, relative to a bare FastAPI route doing the same call.

Starts DynamoDB Local, loads 30 products, then serves the real app and bench/bare_app.py
side by side (one uvicorn worker each, same settings) and loads them with wrk on loopback
for a fixed duration: GET /products/{id} against the bare GetItem route, GET /products
against the bare Query route. The runs are interleaved in rounds, app first in odd rounds
and bare first in even ones, after a warm-up of both: DynamoDB Local's JVM keeps getting
faster for a while, so measuring one server after the other favours the second. A ratio is
taken within each round; the figure is the median round. Budget: ratio >= 0.7.

    .venv/bin/python -m bench.throughput [--seconds S] [--rounds R] [--connections C]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import httpx

from bench.common import app_table, create_products, dynamodb, result
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
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=5, help="seconds per URL before measuring")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk")
        return 2
    with dynamodb():
        ids = [product.id for product in create_products(app_table("throughput"), 30)]
        env = dict(os.environ)
        servers = [serve("app.main:app", env), serve("bench.bare_app:app", env)]
        try:
            (_, app_url), (_, bare_url) = servers
            urls = {
                "product": (app_url + f"/products/{ids[0]}", bare_url + f"/item/{ids[0]}"),
                "page": (app_url + "/products", bare_url + "/items"),
            }
            for pair in urls.values():
                for url in pair:
                    httpx.get(url).raise_for_status()  # check it works
                    wrk(url, args.warmup, args.connections)
            rates: dict[str, list[tuple[float, float]]] = {name: [] for name in urls}
            for round_number in range(args.rounds):
                for name, (app_target, bare_target) in urls.items():
                    order = [app_target, bare_target]
                    if round_number % 2:
                        order.reverse()
                    measured = {url: wrk(url, args.seconds, args.connections) for url in order}
                    rates[name].append((measured[app_target], measured[bare_target]))
                    time.sleep(0.5)
        finally:
            for process, _ in servers:
                processes.stop(process)
    print(
        f"\nwrk -t2 -c{args.connections} -d{args.seconds}s on loopback, one uvicorn worker each;"
        f" {args.rounds} interleaved rounds"
    )
    print(f"{'request':<20} {'round':>5} {'app req/s':>10} {'bare req/s':>11} {'ratio':>6}")
    worst = 1.0
    for name, label in (("product", "GET /products/{id}"), ("page", "GET /products")):
        for number, (app_rate, bare_rate) in enumerate(rates[name], start=1):
            print(f"{label:<20} {number:>5} {app_rate:>10.1f} {bare_rate:>11.1f}", end="")
            print(f" {app_rate / bare_rate:>6.2f}")
        median = statistics.median(app / bare for app, bare in rates[name])
        print(f"{label:<20} {'median':>29} {median:>6.2f}")
        worst = min(worst, median)
    verdict = "OK" if worst >= BUDGET else "UNDER BUDGET"
    print(f"worst median ratio {worst:.2f} (budget >= {BUDGET}) {verdict}")
    result("throughput app/bare (worst)", worst, ">=", BUDGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
