"""Warm-path overhead of the whole stack over the one DynamoDB read it needs.

Against DynamoDB Local, alternately: GET /products/{id} invoked through the Lambda handler
(Mangum, an API Gateway HTTP API v2 event, Powertools; every router included, as in a
container that has served other requests) and a raw boto3 BatchGetItem of the same two
items (the product's definition and its stock bucket), strongly consistent.
Prints both medians and the ratio. Budget: <= 1.25.

Also timed in the same rounds, the floor any FastAPI app on Mangum stands on: a bare
FastAPI app (no middleware, no dependencies, no Powertools) whose route makes the same raw
call and answers `{}`, and one whose route calls the catalog's service (read, models,
JSON) and answers what it returns. Their ratios say how much of the budget the framework
and the service leave for everything else.

With --layers, it also answers where the handler's time above the raw call goes: DynamoDB
is then answered from memory (botocore's `_send` returns the answer recorded from a real
call), so only Python runs, and each layer is timed on its own -- the handler (Powertools),
Mangum alone, the ASGI app alone (middleware, routing, dependencies), the service call
alone (read, models, JSON) -- with the raw call as the floor; then the handler and the raw
call again, each after 2.5 ms of other work, as a real call runs after its wait: that, not
the back-to-back figure, is what the Python costs against a live database.

    .venv/bin/python -m bench.warm_path [--rounds N] [--layers]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import statistics
import time
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

from bench.common import alternated, app_table, create_products, dynamodb, result
from bench.lambda_events import CONTEXT, http_api_event

BUDGET = 1.25


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--layers", action="store_true", help="also time each layer")
    args = parser.parse_args()
    with dynamodb():
        from app.db.codec import serialize

        table = app_table("warm")
        [product] = create_products(table, 1)
        from app.lambda_handler import handler
        from app.main import app

        # a warm container has served other kinds of request too: every router is in, as
        # under uvicorn (a request is matched against its own path's routers alone)
        app.state.routers.ensure_all()
        event = http_api_event("GET", f"/products/{product.id}")
        keys = [
            serialize(table.keys.product(product.id)),
            serialize(table.keys.stock_bucket(product.id, 0)),
        ]

        # Mangum may change the event it is given: a fresh copy per call, made outside the
        # timed region (alternated() times each call; copies are popped beforehand)
        copies = [copy.deepcopy(event) for _ in range(2 * args.rounds + 100)]

        def through_lambda() -> None:
            response = handler(copies.pop(), CONTEXT)
            assert response["statusCode"] == 200, response

        def raw_get_item() -> None:
            request = {table.name: {"Keys": keys, "ConsistentRead": True}}
            assert (
                len(table.client.batch_get_item(RequestItems=request)["Responses"][table.name]) == 2
            )

        calls = {
            "lambda": through_lambda,
            "raw": raw_get_item,
            **floor_calls(table, product.id, raw_get_item, 2 * args.rounds + 100),
        }
        for _ in range(50):  # warm every path (JIT in DynamoDB Local, first-use imports)
            for call in calls.values():
                call()
        samples = alternated(calls, args.rounds)
        if args.layers:
            layers(table, product.id, event, raw_get_item)
    medians = {name: statistics.median(times) * 1000 for name, times in samples.items()}
    lam, raw = medians["lambda"], medians["raw"]
    ratio = lam / raw
    print(f"GET /products/{{id}} through the Lambda handler  median {lam:6.2f} ms")
    print(f"raw boto3 BatchGetItem of the same two items    median {raw:6.2f} ms")
    print(f"ratio {ratio:.2f} (budget <= {BUDGET}) {'OK' if ratio <= BUDGET else 'OVER BUDGET'}")
    print("the floor, bare FastAPI on Mangum (no middleware, dependencies or Powertools):")
    for name, label in FLOORS.items():
        print(f"  {label:<44} median {medians[name]:6.2f} ms, ratio {medians[name] / raw:.2f}")
    result("warm path handler/BatchGetItem", ratio, "<=", BUDGET)
    for name, label in FLOORS.items():
        result(f"warm path floor: {label}", medians[name] / raw, "<=", None)
    return 0


FLOORS = {
    "floor_raw": "a route making only the raw call",
    "floor_service": "a route calling the service",
}


def floor_calls(
    table: Any, product_id: str, raw: Callable[[], None], count: int
) -> dict[str, Callable[[], None]]:
    """The FLOORS: calls of a bare FastAPI app through Mangum (the same event shape)."""
    from fastapi import FastAPI
    from fastapi.responses import Response
    from mangum import Mangum

    from app.products import service
    from app.stores import tenancy

    store_table = tenancy.store_table(table.keys.store)
    bare = FastAPI()

    @bare.get("/raw/{product_id}")
    async def raw_only(product_id: str) -> Response:
        raw()
        return Response(b"{}", media_type="application/json")

    @bare.get("/service/{product_id}")
    async def with_service(product_id: str) -> Response:
        product, stock = service.get(store_table, product_id)
        return Response(
            service.public(product, stock).model_dump_json(), media_type="application/json"
        )

    handler = Mangum(bare, lifespan="off")

    def call(path: str) -> Callable[[], None]:
        events = [http_api_event("GET", path) for _ in range(count)]

        def through_mangum() -> None:
            response = handler(events.pop(), CONTEXT)
            assert response["statusCode"] == 200, response

        return through_mangum

    return {
        "floor_raw": call(f"/raw/{product_id}"),
        "floor_service": call(f"/service/{product_id}"),
    }


@contextmanager
def answered_from_memory(record: Callable[[], None]) -> Iterator[None]:
    """Every DynamoDB call inside gets the answer `record()` got from the real one."""
    import botocore.endpoint
    from botocore.awsrequest import AWSResponse

    endpoint: Any = botocore.endpoint.Endpoint
    real_send = endpoint._send
    recorded: dict[str, Any] = {}

    def recording(self: Any, request: Any) -> Any:
        response = real_send(self, request)
        recorded.update(response=response, content=response.content)
        return response

    class Body:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield recorded["content"]

    def replaying(self: Any, request: Any) -> Any:
        response = recorded["response"]
        return AWSResponse(response.url, response.status_code, response.headers, Body())

    endpoint._send = recording
    try:
        record()
        endpoint._send = replaying
        yield
    finally:
        endpoint._send = real_send


def layers(table: Any, product_id: str, event: dict[str, Any], raw: Callable[[], None]) -> None:
    import app.lambda_handler as entry
    from app.main import app
    from app.products import service
    from app.stores import tenancy

    rounds = 2000
    events = [copy.deepcopy(event) for _ in range(4 * rounds + 10)]
    loop = asyncio.new_event_loop()
    store_table = tenancy.store_table(table.keys.store)
    scopes: list[dict[str, Any]] = []

    async def asgi_call() -> None:
        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        await app({**scopes[0], "state": {}}, receive, send)
        assert sent[0]["status"] == 200, sent

    def service_call() -> None:
        product, stock = service.get(store_table, product_id)
        service.public(product, stock).model_dump_json()

    calls = {
        "handler (Powertools, Mangum, app)": lambda: entry.handler(events.pop(), CONTEXT),
        "Mangum and the app": lambda: entry.asgi_handler(events.pop(), CONTEXT),
        "the ASGI app": lambda: loop.run_until_complete(asgi_call()),
        "the service: read, models, JSON": service_call,
        "raw BatchGetItem": raw,
    }
    asgi: Any = app  # its middleware stack is swapped for one call, to see Mangum's scope
    with answered_from_memory(raw):
        inner = asgi.middleware_stack

        async def capture(scope: Any, receive: Any, send: Any) -> None:
            scopes.append(scope)
            await inner(scope, receive, send)

        asgi.middleware_stack = capture
        entry.handler(events.pop(), CONTEXT)  # Mangum's scope, for calling the app alone
        asgi.middleware_stack = inner
        samples = alternated(calls, rounds)
        ends = {"handler": calls["handler (Powertools, Mangum, app)"], "raw": raw}
        after_work = alternated(ends, rounds // 2, between=lambda: busy(WAIT))
    loop.close()
    print(f"\nDynamoDB answered from memory, medians of {rounds} calls each:")
    for name, times in samples.items():
        print(f"  {name:<36} {statistics.median(times) * 1000:6.3f} ms")
    medians = {name: statistics.median(times) * 1000 for name, times in after_work.items()}
    print(
        f"the same, each call after {WAIT * 1000:.1f} ms of other Python work (as after "
        f"waiting for DynamoDB): handler {medians['handler']:.3f} ms, raw {medians['raw']:.3f} "
        f"ms, {medians['handler'] - medians['raw']:.3f} ms apart"
    )


WAIT = 0.0025  # about what DynamoDB Local takes to answer the raw call here


def busy(seconds: float) -> None:
    """Other work in this process for `seconds`: the caches and branch predictors fill with
    something else, as they do while a request waits for its answer."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


if __name__ == "__main__":
    raise SystemExit(main())
