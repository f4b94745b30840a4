"""Catalog export: rows per second locally, and what an export costs on AWS.

PRODUCTS products bulk-loaded into a fresh table on DynamoDB Local, then one export job run
in this process (app/transfer/exports.py: one Query of the listing and one BatchGetItem of
stock per 100 products, the CSV to a temporary file, then to S3 -- moto's S3 server here).

    .venv/bin/python -m bench.transfer [--products N]
"""

from __future__ import annotations

import argparse
import os
import time

from bench.common import dynamodb, load_products, new_table, result
from bench.cost_model import DYNAMODB_READ_UNITS_PER_MILLION, LAMBDA_ARM64_PER_GB_SECOND

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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
