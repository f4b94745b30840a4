"""docs/API.md, the route table, is generated from the app (devtools/api_reference.py)."""

from __future__ import annotations

from pathlib import Path

from devtools.api_reference import reference, route_policies

DOC = Path(__file__).resolve().parents[2] / "docs" / "API.md"


def test_the_committed_route_table_is_the_apps(app_env: None) -> None:
    assert DOC.read_text() == reference(), "the API changed: run `make web-client`, commit"


def test_who_may_call_comes_from_each_routes_policy(app_env: None) -> None:
    who = route_policies()
    assert who[("GET", "/products/{product_id}")] == "anyone"
    assert who[("POST", "/products")] == "admin"
    assert who[("PUT", "/inventory/{product_id}")] == "admin, stock_manager"
    assert who[("POST", "/orders")] == "any signed-in user"
    assert who[("POST", "/platform/stores")] == "platform_admin"
