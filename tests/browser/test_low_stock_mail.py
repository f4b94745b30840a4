"""The low-stock mail in the browser stack (which reads its own change stream, as `make
run` does): a purchase takes a product below the threshold, its stock manager gets one
mail, and its unsubscribe link works in the browser."""

from __future__ import annotations

import re
import time
import uuid
from email import message_from_bytes, policy
from typing import Any

from playwright.sync_api import expect

from app.core.roles import Role
from tests.browser.conftest import Stack, log_in


def mails_to(stack: Stack, email: str, subject_start: str) -> list[Any]:
    found = [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in stack.outbox.glob("*.eml")
    ]
    return [m for m in found if m["To"] == email and m["Subject"].startswith(subject_start)]


def test_one_low_stock_mail_and_its_unsubscribe_link(page: Any, stack: Stack) -> None:
    admin = stack.person(Role.ADMIN)
    keeper = stack.person(Role.STOCK_MANAGER, name="Kim Keeper")
    name = f"Teapot {uuid.uuid4().hex[:6]}"
    teapot = stack.product(admin, name=name, stock=7)
    shopper = stack.person(Role.USER)
    for quantity in (3, 1):  # 4: below the threshold of 5; then 3: no second mail
        body = {"items": [{"product_id": teapot["id"], "quantity": quantity}]}
        assert stack.http.post("/orders", headers=shopper.headers, json=body).status_code == 201
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not mails_to(stack, keeper.email, f"Low stock: {name}"):
        time.sleep(0.2)
    time.sleep(1.5)  # time enough for a second one, were there one
    (mail,) = mails_to(stack, keeper.email, f"Low stock: {name}")
    assert "down to 4" in mail.get_content()

    link = re.search(r"(http://\S+/app/unsubscribe#\S+)", mail.get_content())
    assert link, mail.get_content()
    page.goto(link.group(1))  # no log-in needed: the link is the key
    expect(page.get_by_text("Stop getting low-stock e-mails from this shop?")).to_be_visible()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("status")).to_have_text("Done: you will get no more low-stock e-mails.")

    # the next crossing mails the admin, not the stock manager
    restock = {"delta": 10, "reason": "delivery"}
    assert (
        stack.http.post(
            f"/inventory/{teapot['id']}/adjustments", headers=admin.headers, json=restock
        ).status_code
        == 200
    )
    body = {"items": [{"product_id": teapot["id"], "quantity": 10}]}
    assert stack.http.post("/orders", headers=shopper.headers, json=body).status_code == 201
    deadline = time.monotonic() + 10
    while (
        time.monotonic() < deadline and len(mails_to(stack, admin.email, f"Low stock: {name}")) < 2
    ):
        time.sleep(0.2)
    assert len(mails_to(stack, admin.email, f"Low stock: {name}")) == 2
    assert len(mails_to(stack, keeper.email, f"Low stock: {name}")) == 1
    log_in(page, admin)  # the page stays usable after
