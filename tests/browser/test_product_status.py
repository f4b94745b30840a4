"""A product's status in the browser: an admin saves a draft, which shoppers cannot see
or open, finds it under Drafts, publishes it, and shoppers see it."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import expect

from app.core.roles import Role
from tests.browser.conftest import Stack, log_in


def test_a_draft_is_invisible_to_shoppers_until_published(
    browser: Any, page: Any, stack: Stack
) -> None:
    admin = stack.person(Role.ADMIN)
    name = f"Lantern {uuid.uuid4().hex[:6]}"
    log_in(page, admin)
    page.goto("/app/admin/products/new")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Category").fill("Garden")
    page.get_by_label("Price").fill("22.00")
    page.get_by_label("Status").select_option("draft")
    page.get_by_role("button", name="Create product").click()
    expect(page.get_by_role("heading", name=f"Edit {name}")).to_be_visible()
    product_id = page.url.rsplit("/", 1)[-1]

    shoppers = browser.new_context(base_url=stack.url)
    shopper = shoppers.new_page()
    shopper.goto(f"/app/?q={name}")
    expect(shopper.get_by_text("No products match")).to_be_visible()
    shopper.goto(f"/app/products/{product_id}")
    expect(shopper.get_by_role("heading", name=name)).to_have_count(0)
    assert stack.http.get(f"/products/{product_id}").status_code == 404

    page.goto("/app/admin/products?status=draft")
    row = page.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text("draft")
    row.get_by_role("link", name=name).click()
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    shopper.goto(f"/app/products/{product_id}")
    expect(shopper.get_by_role("heading", name=name)).to_be_visible()
    shoppers.close()
