"""The admin console's "Export CSV": a job makes the file; the page offers it when done."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import expect

from app.core.roles import Role
from app.transfer.csv_format import COLUMNS
from tests.browser.conftest import Stack, log_in


def test_an_admin_exports_the_catalog(page: Any, stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    made = stack.product(admin, name="Export Kettle", price="31.00")
    log_in(page, admin)
    page.goto("/app/admin/products")
    page.get_by_role("button", name="Export CSV").click()
    link = page.get_by_role("link", name=re.compile(r"Download the CSV \(\d+ products\)"))
    expect(link).to_be_visible(timeout=15_000)
    text = httpx.get(link.get_attribute("href")).content.decode("utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert f"{made['id']},Export Kettle," in text
