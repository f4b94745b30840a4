"""Routers are built on first use without a lifespan (Lambda) and all at once with one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

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


def test_a_request_is_matched_only_against_the_routers_of_its_path(
    table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every router in (a server, or a Lambda container that has served a few kinds of
    request), a catalog read is matched against the routes mounted under /products alone,
    not against every route of every router mounted before them."""
    from app.http.routing import ContentTypeCheckedRoute
    from app.notifications import router as notifications
    from app.products import router as products

    under_products = {
        id(route)
        for router in (products.public_router, products.admin_router, notifications.router)
        for route in router.routes
    }
    tried: list[BaseRoute] = []
    matches = ContentTypeCheckedRoute.matches

    def recording(route: ContentTypeCheckedRoute, scope: Scope) -> tuple[Match, Scope]:
        tried.append(route)
        return matches(route, scope)

    app = create_app()
    with TestClient(app) as client:
        assert app.state.routers.included == app.state.routers.segments
        monkeypatch.setattr(ContentTypeCheckedRoute, "matches", recording)
        assert client.get("/products/none-such").status_code == 404
        assert client.delete("/products").status_code == 405  # a path's other methods still known
    assert tried
    assert {id(route) for route in tried} <= under_products
