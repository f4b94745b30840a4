"""Assertions shared by the HTTP tests: answers, and what they left stored."""

from __future__ import annotations

from typing import Any

from app.db.codec import deserialize
from app.db.table import Table


def stored_item(table: Table, key: dict[str, str]) -> dict[str, Any]:
    """The item at `key` as stored, which must exist."""
    item = table.get(key)
    assert item is not None, f"nothing stored at {key}"
    return item


def scan(table: Table) -> list[dict[str, Any]]:
    """Every item of the table (all its stores), strongly consistent."""
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table.name, "ConsistentRead": True}
    while True:
        page = table.client.scan(**request)
        items.extend(deserialize(item) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def count_items(table: Table, prefix: str) -> int:
    return sum(1 for item in scan(table) if item["PK"].startswith(prefix))


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "code"} <= body.keys()
    if code:
        assert body["code"] == code
    return body
