"""Routers are built on first use without a lifespan (Lambda) and all at once with one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.db.table import Table
from app.main import create_app
from app.routers import ROUTERS


def test_each_prefix_brings_in_only_its_routers(table: Table) -> None:
    app = create_app()
    client = TestClient(app)  # not entered: no lifespan, as under Mangum(lifespan="off")
    routers = app.state.routers
    assert routers.included == set()
    assert client.get("/health").status_code == 200
    assert routers.included == {"/health"}
    assert client.get("/products").status_code == 200
    assert routers.included == {"/health", "/products"}
    assert client.get("/nowhere").status_code == 404
    assert client.delete("/health").status_code == 405
    assert routers.included == {"/health", "/products"}
    spec = client.get("/openapi.json").json()
    assert routers.included == set(ROUTERS)
    assert "/orders/{order_id}/cancel" in spec["paths"]


def test_a_server_builds_every_route_at_startup(table: Table) -> None:
    app = create_app()
    with TestClient(app):
        assert app.state.routers.included == set(ROUTERS)
