"""Helpers for catalog tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from app.db.table import Table
from app.products import service as products
from app.products.schemas import ProductUpdate
from tests.support.accounts import Account

_skus = itertools.count(1)


def product_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Widget Pro",
        "description": "A fine widget.",
        "price": "19.99",
        "currency": "EUR",
        "category": "Widgets",
        "tags": ["metal"],
        "sku": f"SKU-{next(_skus):05d}",
        "stock": 10,
    }
    body.update(changes)
    return body


def create_product(client: TestClient, admin: Account, **changes: Any) -> dict[str, Any]:
    response = client.post("/products", headers=admin.headers, json=product_body(**changes))
    assert response.status_code == 201, response.text
    return response.json()


def all_pages(
    client: TestClient, path: str, *, limit: int, **params: Any
) -> list[list[dict[str, Any]]]:
    pages = []
    cursor = None
    while True:
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def notes_by(table: Table, admin: Account, product_id: str) -> Callable[[], None]:
    """Another admin's edits of the product, made as the service makes them, without
    If-Match: its description becomes "Note 1", "Note 2", ..., one per call."""
    notes = itertools.count(1)

    def another_edit() -> None:
        note = ProductUpdate(description=f"Note {next(notes)}")
        products.update(table, product_id, note, if_match=None, actor_id=admin.id)

    return another_edit
