"""Cost per million requests on AWS, from figures measured here -- and what a stack costs
idle, and in a mid-size shop's month.

Invokes the Lambda handler in-process (API Gateway HTTP API v2 events) against DynamoDB
Local for the requests the cost model prices: a product read (and its 304, what the product
page's poll gets while nothing changed), a catalog page of 20 and a one-line purchase by a
logged-in user, without and with an Idempotency-Key (a careful client sends one; it adds
the key's record to the transaction). For each it measures the median duration of the
invocation, the bytes of its answer (gzipped, as CloudFront sends it) and of the app's own
log lines, and asks DynamoDB for the capacity every call consumed (ReturnConsumedCapacity=
INDEXES, added by a botocore hook on the app's own client), then prices them with the list
prices below and the edge's (bench/edge_costs.py: CloudFront, its function, WAF, logs).

    .venv/bin/python -m bench.cost_model [--rounds N] [--memory MB]

DynamoDB Local's read accounting follows the documented rules (a strongly consistent read
of up to 4 KB is 1 unit, eventually consistent half). For transactions it reports 4 table
write units whether the transaction writes 3 or 4 small items, where the documented rule is
2 units per item of up to 1 KB; it charges 2 units for each index entry a transaction
writes, where AWS may bill 1. So the report gives both: the units DynamoDB Local reports,
and "by the rules" (2 per item written in a transaction, plus the reported index units).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import math
import statistics
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bench import edge_costs
from bench.common import alternated, app_table, create_products, dynamodb, result
from bench.edge_costs import RequestShape
from bench.lambda_events import CONTEXT, http_api_event

# us-east-1 list prices, USD, as published in November 2024 (the DynamoDB on-demand price cut
# of 2024-11-01); this machine has no access to the pricing pages to check them again.
PRICES_AS_OF = "November 2024, us-east-1"
HTTP_API_PER_MILLION = 1.00
LAMBDA_REQUESTS_PER_MILLION = 0.20
LAMBDA_ARM64_PER_GB_SECOND = 0.0000133334
DYNAMODB_READ_UNITS_PER_MILLION = 0.125
DYNAMODB_WRITE_UNITS_PER_MILLION = 0.625

PURCHASE = "POST /orders (1 line)"
POLL = "GET /products/{id} (304)"
PURCHASE_WRITE_BUDGET = 8  # issue 12: table and indexes together, as DynamoDB reports them

READ_OPERATIONS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}
CAPACITY_OPERATIONS = READ_OPERATIONS | {
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
}


@dataclass
class Usage:
    """What one request cost DynamoDB."""

    calls: list[str] = field(default_factory=list)
    read_units: float = 0.0
    write_units: float = 0.0
    by_target: Counter[str] = field(default_factory=Counter)  # table or index -> units
    # items written inside transactions, each priced by the documented rule (2 units per KB)
    transactional_items: int = 0

    @property
    def write_units_by_the_rules(self) -> float:
        """The table's write units by AWS's documented rule (every item here is under 1 KB,
        as bench.partition_heat measures), plus the index units DynamoDB Local reports."""
        indexes = sum(u for target, u in self.by_target.items() if target.startswith("write G"))
        return 2 * self.transactional_items + indexes


class CapacityMeter:
    """Hooks on a boto3 DynamoDB client: ask for consumed capacity and add it up."""

    def __init__(self, client: Any) -> None:
        self.usage = Usage()
        client.meta.events.register("before-parameter-build.dynamodb", self._ask)
        client.meta.events.register("after-call.dynamodb", self._record)

    def _ask(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in CAPACITY_OPERATIONS:
            params["ReturnConsumedCapacity"] = "INDEXES"
        if model.name == "TransactWriteItems":
            self.usage.transactional_items += sum(
                1 for action in params["TransactItems"] if "ConditionCheck" not in action
            )

    def _record(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.usage.calls.append(model.name)
        consumed = parsed.get("ConsumedCapacity") or []
        for entry in consumed if isinstance(consumed, list) else [consumed]:
            reading = model.name in READ_OPERATIONS
            if reading:
                self.usage.read_units += entry.get("CapacityUnits", 0.0)
            else:
                self.usage.write_units += entry.get("CapacityUnits", 0.0)
            kind = "read" if reading else "write"
            table_units = entry.get("Table", {}).get("CapacityUnits", 0.0)
            self.usage.by_target[f"{kind} table"] += table_units
            for index, units in entry.get("GlobalSecondaryIndexes", {}).items():
                self.usage.by_target[f"{kind} {index}"] += units.get("CapacityUnits", 0.0)

    def take(self) -> Usage:
        usage, self.usage = self.usage, Usage()
        return usage


@dataclass
class Measured:
    durations: list[float]
    usage: Usage
    bytes_out: int = 0
    log_bytes: int = 0

    @property
    def shape(self) -> RequestShape:
        return RequestShape(bytes_out=self.bytes_out, app_log_bytes=self.log_bytes)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.durations) * 1000

    def cost_per_million(self, memory_mb: int) -> dict[str, float]:
        billed_seconds = math.ceil(self.median_ms) / 1000  # Lambda bills by the millisecond
        lambda_cost = (
            LAMBDA_REQUESTS_PER_MILLION
            + billed_seconds * memory_mb / 1024 * LAMBDA_ARM64_PER_GB_SECOND * 1_000_000
        )
        dynamodb_cost = (
            self.usage.read_units * DYNAMODB_READ_UNITS_PER_MILLION
            + self.usage.write_units * DYNAMODB_WRITE_UNITS_PER_MILLION
        )
        return {
            "api": HTTP_API_PER_MILLION,
            "lambda": lambda_cost,
            "dynamodb": dynamodb_cost,
            "total": HTTP_API_PER_MILLION + lambda_cost + dynamodb_cost,
        }


LAST_LOG_BYTES = [0]


def invoke(event: dict[str, Any], expected: int) -> dict[str, Any]:
    from app.lambda_handler import handler

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # the metrics Powertools prints (EMF)
        response: dict[str, Any] = handler(event, CONTEXT)
    LAST_LOG_BYTES[0] = len(printed.getvalue().encode())
    if response["statusCode"] != expected:
        raise RuntimeError(f"expected {expected}, got {response}")
    return response


def answer_bytes(response: dict[str, Any]) -> int:
    """What CloudFront sends for it: the body gzipped, and the headers."""
    body = (response.get("body") or "").encode()
    headers = sum(len(k) + len(str(v)) + 4 for k, v in response.get("headers", {}).items())
    return len(gzip.compress(body)) + headers + 200  # the status line, CloudFront's own headers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--memory", type=int, default=1024, help="Lambda memory, MB")
    args = parser.parse_args()
    with dynamodb():
        table = app_table("cost")
        products = create_products(
            table,
            30,
            description="A product of a typical size for the catalog.",
            tags=["bench", "cost"],
            stock=10_000_000,
        )
        credentials = {"email": "cost@example.com", "password": "correct horse battery"}
        invoke(
            http_api_event(
                "POST",
                "/auth/signup",
                body=json.dumps({**credentials, "name": "Cost"}),
                headers={"content-type": "application/json"},
            ),
            201,
        )
        login = invoke(
            http_api_event(
                "POST",
                "/auth/login",
                body=urlencode(
                    {"username": credentials["email"], "password": credentials["password"]}
                ),
                headers={"content-type": "application/x-www-form-urlencoded"},
            ),
            200,
        )
        token = json.loads(login["body"])["access_token"]
        order_body = json.dumps({"items": [{"product_id": products[0].id, "quantity": 1}]})

        def read() -> None:
            invoke(http_api_event("GET", f"/products/{products[1].id}"), 200)

        etag = invoke(http_api_event("GET", f"/products/{products[1].id}"), 200)["headers"]["etag"]

        def unchanged() -> None:
            headers = {"if-none-match": etag}
            invoke(http_api_event("GET", f"/products/{products[1].id}", headers=headers), 304)

        def page() -> None:
            invoke(http_api_event("GET", "/products", query="limit=20"), 200)

        def purchase(idempotency_key: bool) -> None:
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            if idempotency_key:
                headers["idempotency-key"] = uuid.uuid4().hex
            invoke(http_api_event("POST", "/orders", body=order_body, headers=headers), 201)

        calls: dict[str, Callable[[], None]] = {
            "GET /products/{id}": read,
            POLL: unchanged,
            "GET /products (20 items)": page,
            PURCHASE: lambda: purchase(idempotency_key=False),
            "POST /orders (1 line, key)": lambda: purchase(idempotency_key=True),
        }
        meter = CapacityMeter(table.client)
        for call in calls.values():  # first use: imports, JIT in DynamoDB Local
            for _ in range(20):
                call()
        durations = alternated(calls, args.rounds)
        measured = {}
        answers = {
            "GET /products/{id}": lambda: invoke(
                http_api_event("GET", f"/products/{products[1].id}"), 200
            ),
            "GET /products (20 items)": lambda: invoke(
                http_api_event("GET", "/products", query="limit=20"), 200
            ),
        }
        for label, call in calls.items():  # every request of a kind makes the same calls
            meter.take()
            call()
            usage, log_bytes = meter.take(), LAST_LOG_BYTES[0]
            size = answer_bytes(answers[label]()) if label in answers else 400
            measured[label] = Measured(durations[label], usage, size, log_bytes)
    report(measured, args.memory)
    report_edge(measured, args.memory)
    return 0


def report(measured_by_request: dict[str, Measured], memory_mb: int) -> None:
    print(f"\nLambda arm64 {memory_mb} MB; prices {PRICES_AS_OF}; USD per million requests")
    print(
        f"{'request':<28} {'median ms':>9} {'DynamoDB calls':<36} {'RRU':>4} {'WRU':>4}"
        f" {'API':>6} {'Lambda':>7} {'DynamoDB':>8} {'total':>7}"
    )
    for label, measured in measured_by_request.items():
        usage, cost = measured.usage, measured.cost_per_million(memory_mb)
        print(
            f"{label:<28} {measured.median_ms:>9.1f} {' + '.join(usage.calls):<36}"
            f" {usage.read_units:>4g} {usage.write_units:>4g} {cost['api']:>6.2f}"
            f" {cost['lambda']:>7.2f} {cost['dynamodb']:>8.2f} {cost['total']:>7.2f}"
        )
    print("\ncapacity units by table and index:")
    for label, measured in measured_by_request.items():
        targets = ", ".join(f"{name} {units:g}" for name, units in measured.usage.by_target.items())
        print(f"  {label:<28} {targets}")
    for label, measured in measured_by_request.items():
        result(
            f"cost per million {label} (USD)",
            measured.cost_per_million(memory_mb)["total"],
            "<=",
            None,
        )
    print("\nwrite units, as DynamoDB Local reports them / by the documented rules:")
    for label, measured in measured_by_request.items():
        usage = measured.usage
        print(f"  {label:<28} {usage.write_units:g} / {usage.write_units_by_the_rules:g}")
    purchase = measured_by_request[PURCHASE].usage
    result("write units of a one-line purchase", purchase.write_units, "<=", PURCHASE_WRITE_BUDGET)
    result(
        "write units of a one-line purchase, by the documented rules",
        purchase.write_units_by_the_rules,
        "<=",
        PURCHASE_WRITE_BUDGET,
    )


# --- the edge, the idle stack and a month ----------------------------------------------------
# A mid-size shop's month: page views split between product pages and catalog pages; a
# product page polls every 3 s while open (the web app today; live push would end it);
# orders each read back twice (the order, the list); the web app's files once a session.
MONTH_PAGE_VIEWS = 1_000_000
MONTH_ORDERS = 20_000
PAGES_PER_SESSION = 4
SECONDS_ON_A_PRODUCT_PAGE = 30
POLL_SECONDS = 3
WEB_APP_BYTES_PER_SESSION = 150_000  # bench.web_bundle: the initial JS, CSS and index.html
WEB_APP_FILES_PER_SESSION = 4


def month_mix() -> dict[str, float]:
    product_views = catalog_views = MONTH_PAGE_VIEWS / 2
    return {
        "GET /products/{id}": product_views + 2 * MONTH_ORDERS,
        POLL: product_views * SECONDS_ON_A_PRODUCT_PAGE / POLL_SECONDS,
        "GET /products (20 items)": catalog_views,
        "POST /orders (1 line, key)": MONTH_ORDERS,
    }


def full_cost_per_million(m: Measured, memory_mb: int, *, waf: bool) -> dict[str, float]:
    """Every part of one request's price, per million: API, Lambda, DynamoDB and the edge."""
    parts = m.cost_per_million(memory_mb) | edge_costs.edge_cost_per_million(m.shape, waf=waf)
    parts.pop("total")
    return parts


def report_edge(measured: dict[str, Measured], memory_mb: int) -> None:
    access = edge_costs.access_log_bytes()
    print(f"\nthe edge, per million requests (prices {edge_costs.PRICES_AS_OF}; no free tiers):")
    print(
        f"{'request':<28} {'bytes out':>9} {'log B':>6} {'CloudFront':>10} {'WAF':>5} {'logs':>5}"
    )
    for label, m in measured.items():
        edge = edge_costs.edge_cost_per_million(m.shape, waf=True)
        logged = m.log_bytes + edge_costs.LAMBDA_PLATFORM_LOG_BYTES + access
        print(
            f"{label:<28} {m.bytes_out:>9} {logged:>6} {edge['cloudfront']:>10.2f}"
            f" {edge['waf']:>5.2f} {edge['logs']:>5.2f}"
        )

    print("\nidle floor, USD a month (no traffic; storage of data, logs and images aside):")
    for env, waf in (("dev", False), ("staging", True), ("prod", True)):
        fixed = edge_costs.fixed_monthly(waf=waf)
        print(f"  {env:<8} {sum(fixed.values()):>6.2f}  {edge_costs.describe_fixed(fixed)}")
        result(f"idle floor {env} (USD a month)", sum(fixed.values()), "<=", None)

    mix = month_mix()
    sessions = MONTH_PAGE_VIEWS / PAGES_PER_SESSION
    web = RequestShape(
        bytes_out=WEB_APP_BYTES_PER_SESSION // WEB_APP_FILES_PER_SESSION,
        app_log_bytes=0,
        reaches_api=False,
    )
    print(
        f"\na mid-size shop's month: {MONTH_PAGE_VIEWS:,} page views, {MONTH_ORDERS:,} orders"
        f" ({sum(mix.values()):,.0f} API requests, {mix[POLL]:,.0f} of them polls)"
    )
    for env, waf in (("dev", False), ("prod", True)):
        lines: dict[str, float] = {}
        polls = 0.0
        for label, count in mix.items():
            for part, usd in full_cost_per_million(measured[label], memory_mb, waf=waf).items():
                lines[part] = lines.get(part, 0.0) + usd * count / 1e6
                polls += usd * count / 1e6 if label == POLL else 0.0
        for part, usd in edge_costs.edge_cost_per_million(web, waf=waf).items():
            lines[part] = lines.get(part, 0.0) + usd * sessions * WEB_APP_FILES_PER_SESSION / 1e6
        floor = sum(edge_costs.fixed_monthly(waf=waf).values())
        total = sum(lines.values()) + floor
        parts = ", ".join(f"{k} {v:.2f}" for k, v in lines.items())
        print(f"  {env:<5} {total:>7.2f} USD: {parts}, fixed {floor:.2f}")
        print(f"        of which the product page's polls: {polls:.2f}")
        result(f"a mid-size month, {env} (USD)", total, "<=", None)
    traces = sum(mix.values()) * 0.05 + 30 * 24 * 3600  # default sampling: 1 a second + 5%
    xray = traces * edge_costs.XRAY_PER_MILLION_TRACES / 1e6
    print(f"\nX-Ray, were tracing on (default sampling): {xray:.2f} USD a month")


if __name__ == "__main__":
    raise SystemExit(main())
