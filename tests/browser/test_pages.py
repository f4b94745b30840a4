"""Every page of the web app: axe-core finds no serious or critical violation, at 1280 px
and at 375 px (where nothing scrolls sideways); the exact accessible names assistive
technology relies on; empty and error states."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from app.core.roles import Role
from tests.browser.conftest import Person, Stack, accessibility_violations, log_in, watch


@pytest.fixture(scope="module")
def world(stack: Stack) -> dict[str, Any]:
    """An admin, a product with stock, and an order of it."""
    admin = stack.person(Role.ADMIN, name="Ada Admin")
    product = stack.product(admin, name=f"Globe {uuid.uuid4().hex[:6]}", stock=3)
    body = {"items": [{"product_id": product["id"], "quantity": 1}]}
    order = stack.http.post("/orders", headers=admin.headers, json=body).json()
    return {"admin": admin, "product": product, "order": order}


def pages_of(world: dict[str, Any]) -> list[tuple[str, str]]:
    product, order = world["product"], world["order"]
    return [
        ("/app/", "Shop"),
        (f"/app/products/{product['id']}", product["name"]),
        ("/app/cart", "Your cart"),
        ("/app/orders", "Your orders"),
        (f"/app/orders/{order['id']}", f"Order #{order['id'][:8]}"),
        ("/app/inventory", "Inventory"),
        (f"/app/inventory/{product['id']}", product["name"]),
        ("/app/admin/products", "Products"),
        ("/app/admin/products/new", "New product"),
        (f"/app/admin/products/{product['id']}", f"Edit {product['name']}"),
        ("/app/admin/users", "Users"),
        ("/app/admin/orders", "All orders"),
        ("/app/admin/audit", "Audit"),
        ("/app/admin/webhooks", "Webhooks"),
        ("/app/no-such-page", "Page not found"),
    ]


@pytest.fixture(params=[1440, 375], ids=["1440 px desktop", "375 px phone"])
def admin_page(
    request: pytest.FixtureRequest, browser: Any, stack: Stack, world: dict[str, Any]
) -> Iterator[Any]:
    context = browser.new_context(
        base_url=stack.url, viewport={"width": request.param, "height": 900}
    )
    context.set_default_timeout(10_000)
    watched = watch(context.new_page())
    log_in(watched.page, world["admin"])
    yield watched.page
    context.close()
    assert watched.errors == []


def test_every_page_as_an_admin(admin_page: Any, world: dict[str, Any]) -> None:
    page = admin_page
    width = page.viewport_size["width"]
    for path, heading in pages_of(world):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert accessibility_violations(page) == [], path
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width, f"{path} scrolls sideways at {width} px ({overflow} px)"
        # one short header row, on a phone too (it wrapped to 3-4 rows)
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 72, f"{path}: the header is {header['height']} px high"
        for table in page.locator("table").all():
            box = table.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= width, f"{path}: a table is wider than the page"


@pytest.mark.parametrize("path", ["/app/login", "/app/signup", "/app/cart", "/app/"])
def test_visitor_pages(page: Any, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert accessibility_violations(page) == [], path


def test_exact_accessible_names(context: Any, stack: Stack, world: dict[str, Any]) -> None:
    page = context.new_page()
    page.goto("/app/signup")
    for field in ("Email", "Password", "Name"):
        expect(page.get_by_label(field, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign up", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Cart", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    page.goto("/app/login")
    expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()

    shopper: Person = stack.person()
    log_in(page, shopper)
    expect(page.get_by_role("button", name="Log out", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    page.goto(f"/app/products/{world['product']['id']}")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_role("button", name="Place order", exact=True)).to_be_visible()

    log_in(page, world["admin"])
    expect(page.get_by_role("link", name="Admin", exact=True)).to_be_visible()


def test_empty_and_error_states(page: Any, stack: Stack) -> None:
    page.goto("/app/cart")
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    page.goto("/app/products/no-such-product")
    expect(page.get_by_role("heading", name="Product not found")).to_be_visible()
    page.goto("/app/?q=zzzz-nothing-matches-this")
    expect(page.get_by_text("No products match.")).to_be_visible()

    # the API failing: the page says so in words and offers to try again
    outage = {
        "type": "/problems/service_unavailable",
        "title": "Service unavailable",
        "status": 503,
        "detail": "DynamoDB is not answering.",
        "code": "service_unavailable",
    }
    page.route(
        "**/products?*",
        lambda route: route.fulfill(
            status=503,
            content_type="application/problem+json",
            headers={"Retry-After": "1"},
            body=json.dumps(outage),
        ),
    )
    page.goto("/app/")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("having trouble right now")
    page.unroute("**/products?*")
    alert.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("list", name="Products")).to_be_visible()
