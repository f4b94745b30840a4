"""Catalog export and import: rows per second locally, and what they cost on AWS.

Export: PRODUCTS products bulk-loaded into a fresh table on DynamoDB Local, then one export
job run in this process (app/transfer/exports.py: one Query of the listing and one
BatchGetItem of stock per 100 products, the CSV to a temporary file, then to S3 -- moto's
S3 server here).

Import: a CSV of PRODUCTS new products, imported into another fresh table by the same plan
and chunk handler the jobs function runs (app/transfer/imports.py), here in this process,
four chunks at a time; then the same file again (every row unchanged). The write units are
counted from the transactions' items (2 units per item under 1 KB, transactional).

    .venv/bin/python -m bench.transfer [--products N]
"""

from __future__ import annotations

import argparse
import os
import time

from bench.common import dynamodb, load_products, new_table, result
from bench.cost_model import (
    DYNAMODB_READ_UNITS_PER_MILLION,
    DYNAMODB_WRITE_UNITS_PER_MILLION,
    LAMBDA_ARM64_PER_GB_SECOND,
)

JOBS_FUNCTION_GB = 1.0  # infra/template.yaml, JobsFunction
ITEM_KB = 1.0  # a product's definition and its bucket: under 4 KB a strongly consistent read


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=10_000)
    args = parser.parse_args()
    from devtools import dynamodb_local, processes, s3_local

    port = dynamodb_local.free_port()
    s3 = s3_local.start(port)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        with dynamodb():
            os.environ.update(S3_ENDPOINT_URL=endpoint, IMAGES_BUCKET="bench-exports")
            from app.core import caches
            from app.products.images import s3_client
            from app.transfer import exports, jobs

            caches.reset()
            s3_client(endpoint, "us-east-1").create_bucket(Bucket="bench-exports")
            table = new_table("export")
            load_products(table, args.products)
            jobs.create(table, job_id="BENCH", kind="export", actor_id="bench")
            began = time.perf_counter()
            exports.run(table, "BENCH")
            took = time.perf_counter() - began
            rows = int(jobs.get(table, "BENCH", "export")["rows"])
            imported = import_figures(args.products)
    finally:
        processes.stop(s3)
    assert rows == args.products, rows
    rate = rows / took
    # per 100,000 products on AWS: 1,000 listing Queries (100 keys-and-attributes items of
    # ~1 KB: 25 read units each, eventually consistent: half), 1,000 BatchGetItems of 200
    # items strongly consistent (1 unit each), and the function's time at the rate above
    reads = 1_000 * 25 / 2 + 100_000 * 2
    cost = reads * DYNAMODB_READ_UNITS_PER_MILLION / 1e6 + (
        100_000 / rate * JOBS_FUNCTION_GB * LAMBDA_ARM64_PER_GB_SECOND
    )
    print(
        f"export: {rows:,} products in {took:.1f} s, {rate:,.0f} rows/s on DynamoDB Local;"
        f" 200,000 products in one job: ~{200_000 / rate / 60:.1f} min at this rate (a Lambda"
        f" has 15); cost per 100,000 products exported on AWS ~${cost:.3f}"
    )
    result("export: rows/s", rate, ">=", None)
    result("export: cost per 100,000 products (USD)", cost, "<=", None)
    report_import(**imported)
    return 0


# on AWS, per row: a GetItem (its SKU) and a BatchGetItem (product and stock) of ~5 ms each,
# and one TransactWriteItems of ~15 ms; a chunk of CHUNK_ROWS rows on one function copy
AWS_ROW_SECONDS = 0.025
CHUNK_CONCURRENCY = 10  # infra/template.yaml: the jobs function's MaximumConcurrency


def _csv(count: int) -> bytes:
    import io

    from app.transfer import csv_format

    out = io.StringIO(newline="")
    rows = (
        {
            "handle": f"bench-{n}",
            "name": f"Bench product {n} in oak",
            "description": "A product of the import benchmark.",
            "category": f"Category {n % 10}",
            "tags": "bench|oak",
            "status": "active",
            "sku": f"BENCH-{n:07d}",
            "price": f"{n % 100 + 1}.50",
            "currency": "EUR",
            "stock": str(n % 50),
        }
        for n in range(count)
    )
    csv_format.write(rows, out)
    return out.getvalue().encode("utf-8")


def import_figures(count: int) -> dict[str, float]:
    """Import `count` new products, then the same file again; times and items written."""
    from app.core.config import get_settings
    from app.db import transactions
    from app.products.images import s3_client
    from app.transfer import imports, jobs, validation
    from app.transfer.csv_format import read

    table = new_table("import")
    content = _csv(count)
    began = time.perf_counter()
    _, problems = validation.check(read(content.decode("utf-8").splitlines(keepends=True)))
    check_seconds = time.perf_counter() - began
    assert not problems, problems[:3]
    items = [0]
    real = transactions.transact_write

    def counting(client: object, actions: list[object], **kwargs: object) -> None:
        items[0] += len(actions)
        real(client, actions, **kwargs)  # type: ignore[arg-type]

    transactions.transact_write = counting  # type: ignore[assignment]
    seconds = []
    try:
        for job_id in ("FIRST", "AGAIN"):
            s3_client(get_settings().s3_endpoint_url, "us-east-1").put_object(
                Bucket=get_settings().images_bucket,
                Key=imports.upload_key(table.keys.store, job_id),
                Body=content,
            )
            jobs.create(table, job_id=job_id, kind="import", actor_id="bench", dry_run=False)
            began = time.perf_counter()
            imports.plan(table, job_id)
            seconds.append(time.perf_counter() - began)
            report = imports.get(table, job_id)
            wanted = "created" if job_id == "FIRST" else "unchanged"
            assert report["status"] == "done", report
            assert report[wanted] == count, report
            if job_id == "FIRST":
                items_first, items[0] = items[0], 0
    finally:
        transactions.transact_write = real
    return {
        "count": count,
        "first": seconds[0],
        "again": seconds[1],
        "check": check_seconds,
        "items_per_row": items_first / count,
    }


def report_import(
    *, count: float, first: float, again: float, check: float, items_per_row: float
) -> None:
    from app.transfer.import_chunks import CHUNK_ROWS

    rate, unchanged_rate, check_rate = count / first, count / again, count / check
    chunks = 200_000 / CHUNK_ROWS
    aws_minutes = (
        200_000 / check_rate + chunks / CHUNK_CONCURRENCY * CHUNK_ROWS * AWS_ROW_SECONDS
    ) / 60
    # per 100,000 new rows on AWS: the items written (2 units each, transactional), ~3 read
    # units a row (its SKU claim, its product and stock), the chunks' function time
    writes = 100_000 * items_per_row * 2
    reads = 100_000 * 3
    function_seconds = 100_000 * AWS_ROW_SECONDS
    cost = (
        writes * DYNAMODB_WRITE_UNITS_PER_MILLION / 1e6
        + reads * DYNAMODB_READ_UNITS_PER_MILLION / 1e6
        + function_seconds * JOBS_FUNCTION_GB * LAMBDA_ARM64_PER_GB_SECOND
    )
    print(
        f"import: {count:,.0f} new products in {first:.1f} s, {rate:,.0f} rows/s on DynamoDB"
        f" Local (4 chunks at a time); the same file again {unchanged_rate:,.0f} rows/s"
        f" (nothing written); checking alone {check_rate:,.0f} rows/s; {items_per_row:.1f} items"
        f" written per new row. 200,000 rows on AWS on paper: {chunks:.0f} chunks of"
        f" {CHUNK_ROWS}, {CHUNK_CONCURRENCY} at a time at ~{AWS_ROW_SECONDS * 1000:.0f} ms a row:"
        f" ~{aws_minutes:.1f} min; cost per 100,000 rows imported ~${cost:.2f}"
    )
    result("import: rows/s (new products)", rate, ">=", None)
    result("import: rows/s (unchanged)", unchanged_rate, ">=", None)
    result("import: cost per 100,000 rows (USD)", cost, "<=", None)


if __name__ == "__main__":
    raise SystemExit(main())
