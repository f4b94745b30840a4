"""What the benchmarks share: a private DynamoDB Local, app instances bound to a table,
bulk loading, and statistics."""

from __future__ import annotations

import os
import statistics
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, TypeVar

from devtools import dynamodb_local, processes

# Starlette suggests httpx2 for its TestClient; httpx is the project's choice.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

K = TypeVar("K")


@contextmanager
def dynamodb() -> Iterator[str]:
    """DynamoDB Local in memory on a free port, and the app's settings pointing at it."""
    port = dynamodb_local.free_port()
    process = dynamodb_local.start(port)
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(
        APP_ENV="test",
        JWT_SECRET="bench-secret-" + "b" * 40,
        DYNAMODB_ENDPOINT_URL=endpoint,
        AWS_REGION="us-east-1",
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_KIB="1024",
    )
    try:
        yield endpoint
    finally:
        processes.stop(process)


def new_table(prefix: str) -> Any:
    from app.core.config import get_settings
    from app.db.keys import Keys
    from app.db.table import Table, dynamodb_client

    settings = get_settings()
    client = dynamodb_client(settings.dynamodb_endpoint_url, settings.aws_region)
    table = Table(client=client, name=f"{prefix}-{uuid.uuid4().hex[:8]}", keys=Keys("default"))
    table.create(stream=False)  # benchmarks that need the stream turn it on (live_stock)
    return table


def app_table(prefix: str) -> Any:
    """A fresh table that the app's own settings point at (CATALOG_TABLE), as under uvicorn
    or Lambda: for benchmarks that run the real entry points rather than a TestClient."""
    from app.core import caches
    from app.db.table import get_table

    os.environ["CATALOG_TABLE"] = new_table(prefix).name
    caches.reset()
    return get_table()


def create_products(table: Any, count: int, **fields: Any) -> list[Any]:
    """`count` products created through the catalog service ("Item 00", "Item 01", ...)."""
    from app.products import service
    from app.products.schemas import ProductCreate
    from app.stores import service as stores

    store = stores.get(table, table.keys.store)
    values = {"price": Decimal("2.50"), "category": "Bench", "stock": 5} | fields
    return [
        service.create(
            table, ProductCreate(name=f"Item {i:02d}", **values), actor_id="bench", store=store
        )[0]
        for i in range(count)
    ]


def app_for(table: Any) -> Any:
    """A TestClient on a fresh app whose requests use `table`. The stores are looked up in
    it too (the platform's table, CATALOG_TABLE): requests that read their store, such as
    POST /products, failed on a missing `catalog` table without it."""
    from fastapi.testclient import TestClient

    from app.core import caches
    from app.http.params import table_dependency
    from app.main import create_app

    os.environ["CATALOG_TABLE"] = table.name
    caches.reset()
    app = create_app()
    app.dependency_overrides[table_dependency] = lambda: table
    return TestClient(app)


def load_products(table: Any, count: int, *, categories: int = 10, start: int = 0) -> None:
    """Bulk-load products exactly as the app stores them (BatchWriteItem, 25 items at a
    time): every item a new product is made of, but the category counters."""
    from app.products.schemas import ProductRecord
    from app.products.service import new_product_actions
    from app.products.words import suffixes

    now = "2026-01-01T00:00:00.000000Z"

    def items(i: int) -> list[dict[str, Any]]:
        product = ProductRecord(
            id=str(uuid.uuid4()),
            name=f"Product {i:06d}",
            description="Benchmark product",
            price=Decimal("9.99"),
            currency="EUR",
            category=f"Category {i % categories}",
            tags=["bench"],
            version=1,
            in_stock=i % 50 > 0,
            created_at=now,
            updated_at=now,
        )
        product = product.model_copy(update={"words": len(suffixes(product))})
        actions, _ = new_product_actions(
            table, product=product, stock=i % 50, actor_id="bench", reason="bench"
        )
        return [action["Put"]["Item"] for action in actions if "Put" in action]

    def write(numbers: range) -> None:
        puts = [{"PutRequest": {"Item": item}} for i in numbers for item in items(i)]
        for first in range(0, len(puts), 25):
            request = {table.name: puts[first : first + 25]}
            while request:
                answer = table.client.batch_write_item(RequestItems=request)
                request = answer.get("UnprocessedItems") or {}

    batches = [range(i, min(i + 10, start + count)) for i in range(start, start + count, 10)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, batches))


def timed(call: Callable[[], Any]) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def alternated(
    calls: Mapping[K, Callable[[], Any]],
    rounds: int,
    *,
    between: Callable[[], Any] | None = None,
) -> dict[K, list[float]]:
    """Seconds each call took in each of `rounds` rounds. Within a round the calls take
    turns, so noise and drift (a JVM still warming up, a neighbour's load) hit them alike.
    `between`, if given, runs (untimed) before each call."""
    samples: dict[K, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            if between is not None:
                between()
            samples[name].append(timed(call))
    return samples


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def p50_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def result(name: str, value: float, op: str, limit: float | None) -> None:
    """The one line `bench.run_all` collects: name, figure, budget and verdict."""
    if limit is None:
        print(f"RESULT {name}: {value:.2f} (no budget)")
        return
    ok = value <= limit if op == "<=" else value >= limit
    print(f"RESULT {name}: {value:.2f} (budget {op} {limit}) {'OK' if ok else 'MISSED'}")
