"""Cost per million requests on AWS, from figures measured here.

Invokes the Lambda handler in-process (API Gateway HTTP API v2 events) against DynamoDB
Local for the requests the cost model prices: a product read, a catalog page of 20 and a
one-line purchase by a logged-in user, without and with an Idempotency-Key (a careful
client sends one; it adds the key's record to the transaction). For each it measures the
median duration of the invocation and asks DynamoDB for the capacity every call consumed
(ReturnConsumedCapacity=INDEXES, added by a botocore hook on the app's own client), then
prices them with the list prices below.

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

from bench.common import alternated, app_table, create_products, dynamodb, result
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


def invoke(event: dict[str, Any], expected: int) -> dict[str, Any]:
    from app.lambda_handler import handler

    with contextlib.redirect_stdout(io.StringIO()):  # the metrics Powertools prints (EMF)
        response: dict[str, Any] = handler(event, CONTEXT)
    if response["statusCode"] != expected:
        raise RuntimeError(f"expected {expected}, got {response}")
    return response


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

        def page() -> None:
            invoke(http_api_event("GET", "/products", query="limit=20"), 200)

        def purchase(idempotency_key: bool) -> None:
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            if idempotency_key:
                headers["idempotency-key"] = uuid.uuid4().hex
            invoke(http_api_event("POST", "/orders", body=order_body, headers=headers), 201)

        calls: dict[str, Callable[[], None]] = {
            "GET /products/{id}": read,
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
        for label, call in calls.items():  # every request of a kind makes the same calls
            meter.take()
            call()
            measured[label] = Measured(durations[label], meter.take())
    report(measured, args.memory)
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


if __name__ == "__main__":
    raise SystemExit(main())
