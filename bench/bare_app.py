"""The yardstick for bench/throughput.py: a bare FastAPI app doing the same single DynamoDB
call as the real routes (for the same items), with nothing else (no auth, middleware,
models or error handling)."""

from __future__ import annotations

import os
from typing import Any

import boto3
from fastapi import FastAPI

app = FastAPI()
_client = boto3.client(
    "dynamodb",
    endpoint_url=os.environ["DYNAMODB_ENDPOINT_URL"],
    region_name="us-east-1",
    aws_access_key_id="local",
    aws_secret_access_key="local",  # noqa: S106
)
_table = os.environ["CATALOG_TABLE"]


@app.get("/item/{product_id}")
def get_item(product_id: str) -> list[dict[str, Any]]:
    """The product's definition and its stock bucket, as the real route reads them."""
    partition = {"S": f"S#default#PRODUCT#{product_id}"}
    keys = [{"PK": partition, "SK": {"S": "PRODUCT"}}, {"PK": partition, "SK": {"S": "STOCK"}}]
    request: dict[str, Any] = {_table: {"Keys": keys, "ConsistentRead": True}}
    items: list[dict[str, Any]] = _client.batch_get_item(RequestItems=request)["Responses"][_table]
    return items


@app.get("/items")
def list_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _client.query(
        TableName=_table,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "S#default#PRODUCTS"}},
        Limit=21,
    )["Items"]
    return items
