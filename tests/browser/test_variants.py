"""Variants in the browser: an admin creates a T-shirt in sizes and colours in the product
editor's grid; a shopper picks "M / Blue", buys it, and only that variant's stock falls."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import expect

from app.core.roles import Role
from tests.browser.conftest import Stack, log_in
from tests.browser.test_journeys import no_serious_violations


def test_an_admin_makes_variants_and_a_shopper_buys_m_blue(page: Any, stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    name = f"Tee {uuid.uuid4().hex[:6]}"
    log_in(page, admin)
    page.goto("/app/admin/products/new")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Category").fill("Clothes")
    page.get_by_role("button", name="Add an option").click()
    page.get_by_label("Option 1 name").fill("Size")
    page.get_by_label("Option 1 values").fill("S, M")
    page.get_by_role("button", name="Add an option").click()
    page.get_by_label("Option 2 name").fill("Colour")
    page.get_by_label("Option 2 values").fill("Blue, Red")
    grid = page.get_by_role("table", name="Variants")
    expect(grid.get_by_role("row")).to_have_count(5)  # a header and 2 x 2 combinations
    expect(page.get_by_label("Price", exact=True)).to_have_count(0)  # each variant has its own
    for size in ("S", "M"):
        for colour in ("Blue", "Red"):
            label = f"{size} / {colour}"
            page.get_by_label(f"SKU of {label}").fill(f"{name[-6:]}-{size}-{colour}")
            page.get_by_label(f"Price of {label}").fill("25.00" if size == "M" else "20.00")
            page.get_by_label(f"Stock of {label}").fill("6" if label == "M / Blue" else "3")
    no_serious_violations(page)
    page.get_by_role("button", name="Create product").click()
    expect(page.get_by_role("heading", name=f"Edit {name}")).to_be_visible()
    expect(page.get_by_label("Stock of M / Blue")).to_have_value("6")
    product_id = page.url.rsplit("/", 1)[-1]

    shopper = stack.person(Role.USER)
    log_in(page, shopper)
    page.goto("/app/")
    page.get_by_role("searchbox", name="Search products").fill(name)
    page.get_by_role("button", name="Search", exact=True).click()
    card = page.get_by_role("list", name="Products").get_by_role("listitem").filter(has_text=name)
    expect(page.get_by_role("list", name="Products").get_by_role("listitem")).to_have_count(1)
    expect(card).to_contain_text("€20.00 \u2013 €25.00")
    card.get_by_role("link", name="Choose size and colour").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.get_by_label("Size").select_option("M")
    page.get_by_label("Colour").select_option("Blue")
    expect(page.get_by_text("€25.00")).to_be_visible()
    expect(page.get_by_test_id("live-stock")).to_have_text("6 in stock")
    no_serious_violations(page)
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_role("link", name=f"{name} (M / Blue)")).to_be_visible()
    expect(page.get_by_text("€50.00").first).to_be_visible()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_text("Thank you! Your order is placed.")).to_be_visible()
    expect(page.get_by_text(f"{name} (M / Blue)")).to_be_visible()

    shown = stack.http.get(f"/products/{product_id}").json()
    levels = {"/".join(v["options"].values()): v["stock"] for v in shown["variants"]}
    assert levels == {"S/Blue": 3, "S/Red": 3, "M/Blue": 4, "M/Red": 3}
    page.goto(f"/app/products/{product_id}")
    page.get_by_label("Size").select_option("M")
    page.get_by_label("Colour").select_option("Blue")
    expect(page.get_by_test_id("live-stock")).to_have_text("Only 4 left")
    page.get_by_label("Size").select_option("S")
    page.get_by_label("Colour").select_option("Red")
    expect(page.get_by_test_id("live-stock")).to_have_text("Only 3 left")
    expect(page.get_by_text("€20.00")).to_be_visible()
