"""Warm-path overhead of the whole stack over the one DynamoDB read it needs.

Against DynamoDB Local, alternately: GET /products/{id} invoked through the Lambda handler
(Mangum, an API Gateway HTTP API v2 event, Powertools) and a raw boto3 BatchGetItem of the
same two items (the product's definition and its stock bucket), strongly consistent.
Prints both medians and the ratio. Budget: <= 1.5.

    .venv/bin/python -m bench.warm_path [--rounds N]
"""

from __future__ import annotations

import argparse
import copy
import statistics

from bench.common import alternated, app_table, create_products, dynamodb, result
from bench.lambda_events import CONTEXT, http_api_event

BUDGET = 1.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    with dynamodb():
        from app.db.codec import serialize

        table = app_table("warm")
        [product] = create_products(table, 1)
        from app.lambda_handler import handler

        event = http_api_event("GET", f"/products/{product.id}")
        keys = [
            serialize(table.keys.product(product.id)),
            serialize(table.keys.stock_bucket(product.id, 0)),
        ]

        def through_lambda() -> None:
            response = handler(copy.deepcopy(event), CONTEXT)
            assert response["statusCode"] == 200, response

        def raw_get_item() -> None:
            request = {table.name: {"Keys": keys, "ConsistentRead": True}}
            assert (
                len(table.client.batch_get_item(RequestItems=request)["Responses"][table.name]) == 2
            )

        for _ in range(50):  # warm both paths (JIT in DynamoDB Local, first-use imports)
            through_lambda()
            raw_get_item()
        samples = alternated({"lambda": through_lambda, "raw": raw_get_item}, args.rounds)
    lam, raw = (statistics.median(samples[n]) * 1000 for n in ("lambda", "raw"))
    ratio = lam / raw
    print(f"GET /products/{{id}} through the Lambda handler  median {lam:6.2f} ms")
    print(f"raw boto3 BatchGetItem of the same two items    median {raw:6.2f} ms")
    print(f"ratio {ratio:.2f} (budget <= {BUDGET}) {'OK' if ratio <= BUDGET else 'OVER BUDGET'}")
    result("warm path handler/BatchGetItem", ratio, "<=", BUDGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
