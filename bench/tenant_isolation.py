"""What a store of its own, and tenant isolation in IAM, cost a warm request.

Against DynamoDB Local, through the Lambda handler (HTTP API v2 events), alternately:
GET /products/{id} in the default store, the same in store `north` (X-Store), and the same
in `north` with `TENANT_ROLE_ARN` set, so its DynamoDB calls go through a client made from
the tenant role's credentials (STS answered in process here). Prints the medians, their
ratios, the DynamoDB calls each request makes, and what the first request of a store pays
with isolation on (making its client; on AWS also one `sts:AssumeRole` call, once per store
per container per hour).

    .venv/bin/python -m bench.tenant_isolation [--rounds N]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.common import alternated, app_table, create_products, dynamodb, result
from bench.lambda_events import CONTEXT, http_api_event

ROLE = "arn:aws:iam::123456789012:role/catalog-bench-tenant"


class InProcessSts:
    """Answers AssumeRole with the credentials DynamoDB Local was reached with (it keeps a
    database per access key)."""

    def __init__(self, client: Any) -> None:
        self.credentials = client._request_signer._credentials

    def assume_role(self, **_: Any) -> dict[str, Any]:
        return {
            "Credentials": {
                "AccessKeyId": self.credentials.access_key,
                "SecretAccessKey": self.credentials.secret_key,
                "SessionToken": "session-token",
            }
        }


def invoke(event: dict[str, Any]) -> None:
    from app.lambda_handler import handler

    with contextlib.redirect_stdout(io.StringIO()):  # Powertools' metrics (EMF)
        response = handler(copy.deepcopy(event), CONTEXT)
    if response["statusCode"] != 200:
        raise RuntimeError(f"answered {response['statusCode']}")


def isolated(event: dict[str, Any]) -> None:
    """One request with tenant isolation on (the setting switched for it alone)."""
    from app.core.config import get_settings

    settings = get_settings()
    settings.tenant_role_arn = ROLE
    try:
        invoke(event)
    finally:
        settings.tenant_role_arn = None


def calls_of(table: Any, request: Callable[[], None]) -> list[str]:
    made: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        made.append(event_name.rsplit(".", 1)[-1])

    request()  # warm
    table.client.meta.events.register("before-call.dynamodb", record)
    try:
        request()
    finally:
        table.client.meta.events.unregister("before-call.dynamodb", record)
    return made


def measure(rounds: int) -> tuple[dict[str, float], dict[str, list[str]], float]:
    from app.stores import repository, tenancy
    from app.stores.schemas import StoreRecord

    table = app_table("tenants")
    [here] = create_products(table, 1)
    now = "2026-11-26T00:00:00+00:00"
    north = StoreRecord(slug="north", name="North", created_at=now, updated_at=now)
    repository.put_new(table, north)
    [there] = create_products(table.for_store("north"), 1)
    default_event = http_api_event("GET", f"/products/{here.id}")
    north_event = http_api_event("GET", f"/products/{there.id}", headers={"x-store": "north"})
    sts = InProcessSts(table.client)
    tenancy._sts = lambda: sts
    calls = {
        "default": calls_of(table, lambda: invoke(default_event)),
        "north": calls_of(table, lambda: invoke(north_event)),
    }
    tenancy.forget()
    began = time.perf_counter()
    isolated(north_event)  # the first request of the store: its client is made
    first_ms = (time.perf_counter() - began) * 1000
    runs: dict[str, Callable[[], None]] = {
        "default store": lambda: invoke(default_event),
        "store north": lambda: invoke(north_event),
        "north, isolated": lambda: isolated(north_event),
    }
    for run in runs.values():
        for _ in range(30):
            run()
    samples = alternated(runs, rounds)
    medians = {name: statistics.median(s) * 1000 for name, s in samples.items()}
    return medians, calls, first_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with dynamodb():
        medians, calls, first_ms = measure(args.rounds)
    for name, ms in medians.items():
        print(f"GET /products/{{id}}, {name:<16} median {ms:6.2f} ms")
    print(f"DynamoDB calls: default {calls['default']}, north {calls['north']}")
    print(f"first request of a store, isolation on: {first_ms:.1f} ms (+ one STS call on AWS)")
    store_ratio = medians["store north"] / medians["default store"]
    isolation_ratio = medians["north, isolated"] / medians["store north"]
    print(f"store north / default: {store_ratio:.2f}; isolated / not: {isolation_ratio:.2f}")
    result("tenant: a store's warm request / the default store's", store_ratio, "<=", None)
    result("tenant: isolated warm request / not isolated", isolation_ratio, "<=", None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
