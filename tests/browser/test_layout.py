"""How the app sits on a phone (375 px) and on a wide screen (1440 px): one short header
row with a menu on the phone, admin tables as compact rows, and lists whose page is in
the URL (back from a product lands on the page it came from)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from app.core.roles import Role
from tests.browser.conftest import Person, Stack, accessibility_violations, log_in, watch


@pytest.fixture(scope="module")
def shelf(stack: Stack) -> dict[str, Any]:
    """A category with 14 products (two catalog pages of 12) and an admin."""
    admin = stack.person(Role.ADMIN, name="Ada Admin")
    category = f"Shelf{uuid.uuid4().hex[:6]}"
    products = [
        stack.product(admin, name=f"Jar {n:02d} {category}", category=category, stock=n)
        for n in range(14)
    ]
    return {"admin": admin, "category": category, "products": products}


@pytest.fixture
def phone(browser: Any, stack: Stack) -> Iterator[Any]:
    context = browser.new_context(base_url=stack.url, viewport={"width": 375, "height": 800})
    context.set_default_timeout(10_000)
    watched = watch(context.new_page())
    yield watched.page
    context.close()
    assert watched.errors == []


def test_the_phone_header_is_one_row_with_a_menu(phone: Any, shelf: dict[str, Any]) -> None:
    page = phone
    admin: Person = shelf["admin"]
    log_in(page, admin)
    page.goto("/app/")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 64
    # the cart stays in reach; the pages and the account are behind the menu
    expect(page.get_by_role("link", name="Cart", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for name in ("Shop", "Orders", "Inventory", "Admin", "Account"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert accessibility_violations(page) == []
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Admin", exact=True)).to_be_hidden()
    # following a link closes it
    menu.click()
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    assert header.bounding_box()["height"] <= 64


def test_admin_tables_are_compact_rows_on_a_phone(phone: Any, shelf: dict[str, Any]) -> None:
    """They were a 3,335 px page of label/value cards; a row is now two short lines."""
    page = phone
    log_in(page, shelf["admin"])
    page.goto("/app/admin/products?q=jar")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 12
    heights = [row.bounding_box()["height"] for row in rows.all()]
    assert max(heights) <= 100, heights  # the name, then the facts in two short lines
    table = page.locator("table").bounding_box()
    assert table["height"] <= 100 * rows.count()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    # every fact is still there, labelled (the labels come from the cells' data-label)
    for label in ("Category", "SKU", "Price", "Stock"):
        expect(rows.first.get_by_role("cell", name=re.compile(f"^{label} "))).to_be_visible()


def test_the_catalog_page_is_in_the_url(page: Any, shelf: dict[str, Any]) -> None:
    """Page 2, a product, back: page 2 again (it was page 1). A reload keeps it too."""
    category = shelf["category"]
    page.goto(f"/app/?category={category}")
    products = page.get_by_role("list", name="Products")
    expect(products.get_by_role("listitem")).to_have_count(12)
    page.get_by_role("button", name="Next page").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?category={category}&page=2")
    expect(products.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_text("Page 2")).to_be_visible()
    name = products.locator(".product-card-name").first.inner_text()
    products.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.go_back()
    expect(products.get_by_role("listitem")).to_have_count(2)
    expect(products).to_contain_text(name)
    page.reload()
    expect(products.get_by_role("listitem")).to_have_count(2)
    page.get_by_role("button", name="Previous page").click()
    expect(products.get_by_role("listitem")).to_have_count(12)
    # a link to page 2 from elsewhere (no cursor known in this tab): the first page
    fresh = page.context.new_page()
    fresh.goto(f"/app/?category={category}&page=2")
    expect(fresh.get_by_role("list", name="Products").get_by_role("listitem")).to_have_count(12)
    fresh.close()


def test_the_page_title_names_the_store(page: Any) -> None:
    page.goto("/app/cart")
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page).to_have_title("Cart · Catalog")
