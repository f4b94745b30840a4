"""Swagger UI and ReDoc render with nothing but the service itself reachable, under their
Content-Security-Policy; Swagger's Authorize logs in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, Stack


@pytest.fixture
def offline_page(context: Any) -> Any:
    """A page for which every host but the service's own is unreachable."""
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.outside = outside
    return page


def test_swagger_ui_renders_and_authorizes_offline(offline_page: Any, stack: Stack) -> None:
    page = offline_page
    person = stack.person()
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 25

    page.locator(".auth-wrapper").get_by_role("button", name="Authorize").click()
    dialog = page.locator(".modal-ux")
    dialog.locator("#oauth_username").fill(person.email)
    dialog.locator("#oauth_password").fill(PASSWORD)
    dialog.get_by_role("button", name="Apply given OAuth2 credentials").click()
    expect(dialog).to_contain_text("Authorized")
    dialog.locator("button.btn-done").click()

    me = page.locator("#operations-auth-me_auth_me_get")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    expect(me.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(me.locator(".live-responses-table")).to_contain_text(person.email)
    assert page.outside == []


def test_redoc_renders_offline(offline_page: Any) -> None:
    page = offline_page
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.goto("/redoc")
    expect(page.get_by_role("heading", name="Product Catalog & Inventory (0.1.0)")).to_be_visible()
    expect(page.get_by_role("menuitem", name="orders")).to_be_visible()
    expect(page.locator("h2", has_text="Buy: all lines or nothing")).to_be_attached()
    assert page.locator("li[data-item-id]").count() >= 25
    # nothing from outside (ReDoc's footer logo came from a CDN) and no CSP error (its
    # scrollbar stylesheet was refused)
    assert page.outside == []
    assert [line for line in console if line.startswith("error")] == []
