"""Assertions shared by the HTTP tests: answers, and what they left stored."""

from __future__ import annotations

from typing import Any

from app.db.table import Table


def stored_item(table: Table, key: dict[str, str]) -> dict[str, Any]:
    """The item at `key` as stored, which must exist."""
    item = table.get(key)
    assert item is not None, f"nothing stored at {key}"
    return item


def count_items(table: Table, prefix: str) -> int:
    items = table.client.scan(TableName=table.name)["Items"]
    return sum(1 for item in items if item["PK"]["S"].startswith(prefix))


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "code"} <= body.keys()
    if code:
        assert body["code"] == code
    return body
