"""Routers are built on first use without a lifespan (Lambda) and all at once with one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.db.table import Table
from app.main import create_app


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
    assert routers.included == routers.segments
    assert "/orders/{order_id}/cancel" in spec["paths"]


def test_a_server_builds_every_route_at_startup(table: Table) -> None:
    app = create_app()
    with TestClient(app):
        assert app.state.routers.included == app.state.routers.segments


# modules that define routers without being named `router`
ROUTER_MODULES = {"app.web", "app.docs", "app.health", "app.live.realtime"}


def test_every_router_is_mounted_once() -> None:
    """app/routers.py names every APIRouter the app's modules define, each once."""
    import importlib
    import pkgutil

    import app as package
    from app.http.routing import APIRouter
    from app.routers import ROUTERS

    defined = set()
    for module in pkgutil.walk_packages(package.__path__, "app."):
        if module.name.endswith("router") or module.name in ROUTER_MODULES:
            loaded = importlib.import_module(module.name)
            defined |= {
                f"{module.name}:{name}"
                for name, value in vars(loaded).items()
                if isinstance(value, APIRouter)
            }
    mounted = [mount.router for mount in ROUTERS]
    assert sorted(mounted) == sorted(defined)
